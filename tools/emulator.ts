/**
 * sqs-worker emulator [--port N]      (here: npm run emulator [-- --port N]; every option: --help)
 *
 * The local playground's AWS: the patched moto (tools/emulator/moto_server.py) in the
 * foreground on 127.0.0.1, with an SNS topic for the stacks' alert_sns_arn. Prints the
 * endpoint and the exact environment to export in another terminal; Ctrl-C stops it cleanly.
 * A port already in use is one line and exit 1 before moto starts; a moto that exits without
 * being asked is one line (its exit, then its last log lines) and exit 1.
 * Python's moto comes from MOTO_PYTHON, the machine's python3, or a venv installed on first
 * use (tools/emulator/moto.ts, motoPython).
 */
import * as fs from "fs";
import * as path from "path";
import {
  CliUsageError,
  helpText,
  integerOption,
  parseCli,
  programName,
  usageError,
  USAGE_EXIT,
  type CliCommand,
  type CliSpec,
} from "./shared/cli";
import {
  cacheFolder,
  describeExit,
  FAKE_AWS_ENV,
  portInUse,
  startMoto,
  type MotoExit,
  type MotoServer,
} from "./emulator/moto";
import { findProviderMirror, mirrorOnlyCliConfig } from "./emulator/provider-mirror";
import { docPath } from "./shared/package-docs";

/** Run from this repository's TypeScript sources (npm scripts, jest), not from the compiled package. */
const FROM_SOURCE = __filename.endsWith(".ts");

/** moto's own default port, so moto's documentation applies as is. */
export const DEFAULT_EMULATOR_PORT = 5000;
/** The topic the emulator creates for the stacks' `alert_sns_arn`. */
export const PLAYGROUND_TOPIC = "alerts";

/** The command line of `sqs-worker emulator` (`npm run emulator` here), for parsing and for `--help`. */
export const EMULATOR_CLI: CliSpec = {
  usage: `${programName("emulator")} [--port N]`,
  summary:
    "Starts the AWS emulator (moto, patched to behave like SQS where Terraform and the worker need it) on 127.0.0.1 " +
    "in the foreground, creates an SNS topic for alert_sns_arn, and prints the environment to export. Ctrl-C stops it.",
  options: {
    port: {
      type: "string",
      short: "p",
      value: "N",
      description: `TCP port on 127.0.0.1, 1024 to 65535 (default ${DEFAULT_EMULATOR_PORT})`,
    },
  },
  more: [
    "Python: MOTO_PYTHON, else python3 when it has moto, else moto[server] installed from PyPI on first use into",
    "$XDG_CACHE_HOME/sqs-worker (default ~/.cache/sqs-worker; needs python3 with venv). Exit codes: 0 stopped, 1 failure, 2 usage.",
  ].join("\n"),
};

/**
 * Creates the playground's SNS topic with one Query API call (moto reads the service from the
 * credential scope and checks no signature), so the command needs no SNS client; returns its ARN.
 */
async function createTopic(endpoint: string, name: string): Promise<string> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20240101/${FAKE_AWS_ENV.AWS_REGION}/sns/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: "CreateTopic", Name: name, Version: "2010-03-31" }).toString(),
  });
  const text = await response.text();
  const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(text)?.[1];
  if (!response.ok || !arn)
    throw new Error(`creating the SNS topic ${name} failed (HTTP ${response.status}): ${text.slice(0, 200)}`);
  return arn;
}

/**
 * The `export` lines a shell needs to point terraform, cdktf, the SDK and the tools at the
 * emulator; with `cliConfig`, also at a Terraform CLI config that installs the provider from
 * a local mirror (machines without registry access).
 */
export function playgroundEnvironment(endpoint: string, topicArn: string, cliConfig?: string): string[] {
  return [
    `export AWS_ENDPOINT_URL=${endpoint}`,
    ...Object.entries(FAKE_AWS_ENV).map(([name, value]) => `export ${name}=${value}`),
    `export TF_VAR_alert_sns_arn=${topicArn}`,
    "export CHECKPOINT_DISABLE=1",
    ...(cliConfig ? [`export TF_CLI_CONFIG_FILE=${cliConfig}`] : []),
  ];
}

/**
 * Writes a Terraform CLI config when this machine has a local provider mirror, so that deploys
 * against the emulator never need the registry; returns its path: this repository's
 * `.emulator/terraformrc` (git-ignored) when run from its sources, else the cache folder's.
 */
function writeMirrorCliConfig(): string | undefined {
  const mirror = findProviderMirror();
  if (!mirror) return undefined;
  const file = FROM_SOURCE
    ? path.resolve(__dirname, "..", ".emulator", "terraformrc")
    : path.join(cacheFolder(), "terraformrc");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, mirrorOnlyCliConfig(mirror));
  return file;
}

/** The signals that stop the emulator cleanly (exit 0): Ctrl-C, and kill's default. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
/**
 * How long an exit of moto waits for a stop signal before it counts as unasked: Ctrl-C in a
 * terminal signals the whole foreground process group, so moto may exit (0) just before this
 * process sees its own SIGINT.
 */
const STOP_SIGNAL_GRACE_MS = 500;
/** How many of moto's last log lines the line about its unasked exit shows. */
const LOG_TAIL_LINES = 10;

/**
 * Waits for Ctrl-C or SIGTERM ("stopped"), or for moto to exit without being asked (its exit).
 * Keeps the event loop alive meanwhile, so that nothing ends the command silently.
 */
function stopOrUnaskedExit(moto: MotoServer): Promise<"stopped" | MotoExit> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 60_000);
    let grace: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (outcome: "stopped" | MotoExit) => {
      if (settled) return;
      settled = true;
      clearInterval(keepAlive);
      clearTimeout(grace);
      for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
      resolve(outcome);
    };
    const onSignal = () => settle("stopped");
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    void moto.exited.then((exit) => {
      grace = setTimeout(() => settle(exit), STOP_SIGNAL_GRACE_MS);
    });
  });
}

/** The last lines moto logged, indented, or a line saying it logged nothing. */
function logTail(log: string): string[] {
  const lines = log.split("\n").filter((line) => line.trim() !== "");
  return lines.length === 0 ? ["  (moto logged nothing)"] : lines.slice(-LOG_TAIL_LINES).map((line) => `  ${line}`);
}

/** Runs the command; resolves with its exit code: 0 stopped, 1 failure (one line on stderr), 2 usage. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await runEmulator(argv);
  } catch (error) {
    process.stderr.write(`emulator: ${(error as Error).message}\n`);
    return error instanceof CliUsageError ? USAGE_EXIT : 1;
  }
}

async function runEmulator(argv: readonly string[]): Promise<number> {
  const { help, values, positionals } = parseCli(EMULATOR_CLI, argv);
  if (help) {
    process.stdout.write(`${helpText(EMULATOR_CLI)}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(EMULATOR_CLI, `unexpected argument ${positionals[0]}`);
  const port = integerOption(EMULATOR_CLI, values, "port", { min: 1024, max: 65_535 }, DEFAULT_EMULATOR_PORT);
  // Before moto starts: its readiness check would take another server's answer for its own.
  if (await portInUse(port))
    throw new Error(`port ${port} on 127.0.0.1 is in use (another emulator?): stop it or pass --port N`);
  const moto = await startMoto({ port });
  let topicArn: string;
  try {
    topicArn = await createTopic(moto.endpoint, PLAYGROUND_TOPIC);
  } catch (error) {
    await moto.stop();
    throw error;
  }
  process.stdout.write(
    [
      `AWS emulator listening on ${moto.endpoint} (fake credentials, nothing leaves this machine).`,
      "In another terminal, export:",
      "",
      ...playgroundEnvironment(moto.endpoint, topicArn, writeMirrorCliConfig()).map((line) => `  ${line}`),
      "",
      FROM_SOURCE
        ? `Then follow ${docPath("playground.md")}. Ctrl-C stops the emulator (its data is gone with it).`
        : `Then cdktf deploy a stack, and try sqs-worker dlq <service> send and sqs-worker run <service> (${docPath("playground.md")}). Ctrl-C stops the emulator (its data is gone with it).`,
      "",
    ].join("\n"),
  );
  const outcome = await stopOrUnaskedExit(moto);
  if (outcome !== "stopped") {
    process.stderr.write(
      [
        `emulator: moto (pid ${moto.pid}) exited by itself with ${describeExit(outcome)}: the emulator is down and its data is gone; moto's last log lines:`,
        ...logTail(moto.log()),
        "",
      ].join("\n"),
    );
    return 1;
  }
  await moto.stop();
  process.stdout.write("emulator stopped\n");
  return 0;
}

/** `sqs-worker emulator`: its line in the command table (tools/sqs-worker.ts). */
export const EMULATOR_COMMAND: CliCommand = {
  name: "emulator",
  summary: "start a local AWS emulator (patched moto) to deploy and try your stacks without an AWS account",
  spec: EMULATOR_CLI,
  run: (argv) => main(argv),
};

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
