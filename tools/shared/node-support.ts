/**
 * One line of our own, once per run, instead of the AWS SDK's eight-line NodeVersionSupportWarning.
 *
 * The SDK (@aws-sdk/core's emitWarningIfUnsupportedVersion) calls process.emitWarning when the
 * first client of a process (and of each worker thread: the local runner's worker bundles
 * construct their own) is built on Node < 22, unless AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
 * is "true", the switch AWS documents for it (aws/aws-sdk-js-v3#7983). A command sets that switch
 * for itself and the threads it starts, and says the same thing in one line.
 */

/** The Node.js major the AWS SDK's releases from January 2027 require, and the one to use. */
export const SUPPORTED_NODE_MAJOR = 22;

/** The AWS SDK's documented switch for its Node.js version warning. */
export const SDK_NODE_WARNING_SWITCH = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";

let announced = false;

/** The one line for a Node.js older than {@link SUPPORTED_NODE_MAJOR}; undefined on a supported one. */
export function nodeSupportLine(version: string = process.version): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= SUPPORTED_NODE_MAJOR) return undefined;
  const ended = major === 20 ? " (April 2026)" : "";
  return `sqs-worker: Node.js ${version} is past its end of life${ended}: use Node.js ${SUPPORTED_NODE_MAJOR} or later (the AWS SDK's releases from January 2027 require it)`;
}

/**
 * Before a command's first AWS client: on Node < 22, silences the SDK's own warning (in this
 * process and the threads it starts) and writes {@link nodeSupportLine} once per process. A user
 * who set the SDK's switch themselves asked for silence: nothing is written then.
 */
export function announceNodeSupport(
  write: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
  env: NodeJS.ProcessEnv = process.env,
  version: string = process.version,
): void {
  const line = nodeSupportLine(version);
  if (line === undefined || announced) return;
  announced = true;
  if (env[SDK_NODE_WARNING_SWITCH] !== undefined) return;
  env[SDK_NODE_WARNING_SWITCH] = "true";
  write(line);
}
