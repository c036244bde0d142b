import { AnnotationMetadataEntryType, type App } from "cdktf";
import {
  ServiceStack,
  type ServiceStackProps,
  type ServiceWorkerProps,
  type StateBackendConfig,
} from "./service-stack";
import { DEFAULT_REGION } from "./sqs-worker/aws-identifiers";
import { SqsWorkerConfigError, type SqsWorkerViolation } from "./sqs-worker/config-error";

/** Worker settings per service: the key is the service name (and, without a stage, the stack id). */
export type ServiceCatalog = Readonly<Record<string, ServiceWorkerProps>>;

/** What the app needs besides the services: read from the environment by main.ts. */
export interface AppSettings {
  readonly region: string;
  readonly backend: StateBackendConfig;
  /**
   * The deployment stage (such as `dev` or `prod`), given to every service's stack
   * ({@link ServiceStackProps.stage}): the stack ids become `<stage>-<service>`, every service
   * gets the name prefix `<stage>-`, the tag `Stage` and its own state, so stages share an
   * account (and an app: call {@link addServiceStacks} once per stage) without clashing.
   * @default - none: stack ids are the service names, and the article's names, `<service>-queue` and so on
   */
  readonly stage?: string;
}

/**
 * Adds one {@link ServiceStack} per service to `app`, the stack id being the service name, or
 * with a stage `<stage>-<service>` (each worker's `namePrefix` then defaults to `<stage>-`).
 * Call it once per stage to hold several stages of the same services in one app:
 *
 * ```ts
 * for (const stage of ["dev", "prod"]) addServiceStacks(app, services, { ...settings, stage });
 * ```
 */
export function addServiceStacks(app: App, services: ServiceCatalog, settings: AppSettings): ServiceStack[] {
  const stage: Pick<ServiceStackProps, "stage"> = settings.stage === undefined ? {} : { stage: settings.stage };
  // Every broken service is reported at once, not only the first: violations are collected and
  // thrown together after the last service (nothing is synthesized either way).
  const errors: SqsWorkerConfigError[] = [];
  const stacks: ServiceStack[] = [];
  for (const [serviceName, worker] of Object.entries(services)) {
    try {
      stacks.push(
        new ServiceStack(app, serviceName, { region: settings.region, backend: settings.backend, ...stage, worker }),
      );
    } catch (error) {
      if (!(error instanceof SqsWorkerConfigError)) throw error;
      errors.push(error);
    }
  }
  // One broken service: its own error, whose stack trace (SQS_WORKER_DEBUG=1) points where it was found.
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const combined = new SqsWorkerConfigError(
      errors.flatMap((error): readonly SqsWorkerViolation[] => error.violations),
    );
    Object.defineProperty(combined, "cause", { value: errors[0], enumerable: false }); // the first one's trace, for debugging
    throw combined;
  }
  return stacks;
}

/**
 * Reads the app settings from environment variables (main.ts passes `process.env`):
 * AWS_REGION (default us-east-1); SQS_WORKER_STAGE (a stage such as `dev`: stack ids become
 * `dev-<service>`, names `dev-<service>-queue` and so on; empty means none); TF_STATE_BUCKET
 * switches state to S3, refined by TF_STATE_REGION, TF_STATE_KEY_PREFIX and TF_STATE_LOCK_TABLE.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): AppSettings {
  const region = env.AWS_REGION || DEFAULT_REGION;
  const stage = env.SQS_WORKER_STAGE ? { stage: env.SQS_WORKER_STAGE } : {};
  if (!env.TF_STATE_BUCKET) return { region, backend: { kind: "local" }, ...stage };
  return {
    region,
    ...stage,
    backend: {
      kind: "s3",
      bucket: env.TF_STATE_BUCKET,
      region: env.TF_STATE_REGION || region,
      keyPrefix: env.TF_STATE_KEY_PREFIX || undefined,
      dynamodbTable: env.TF_STATE_LOCK_TABLE || undefined,
    },
  };
}

/** One synth-time warning: where it comes from and what it says. */
export interface SynthWarning {
  /** Construct path, such as `orders/Worker`. */
  readonly path: string;
  readonly message: string;
}

/** The metadata type of a warning annotation (metadata entries type it as a plain string). */
const WARNING: string = AnnotationMetadataEntryType.WARN;

/** Every warning annotation in the app, in tree order. */
export function collectWarnings(app: App): SynthWarning[] {
  return app.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === WARNING)
        .map((entry) => ({ path: construct.node.path, message: String(entry.data) })),
    );
}

/**
 * True when the cdktf CLI (`cdktf synth`, `deploy`, `diff`...) runs the app: it sets this
 * variable for the app process and prints the synth warnings itself, from the manifest.
 */
export function runByCdktfCli(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === "true";
}

/** How {@link synthAndReport} reports the warnings. */
export interface SynthReportOptions {
  /**
   * Whether to print each warning, as `WARNING [<construct path>] <message>`. Turn it off under
   * the cdktf CLI, which prints the warnings itself ({@link runByCdktfCli}): each would show
   * twice, once labelled as an error (the CLI shows the app's stderr as errors).
   * @default true
   */
  readonly printWarnings?: boolean;
  /**
   * Where the printed lines go.
   * @default - one line each on stderr
   */
  readonly log?: (line: string) => void;
}

/**
 * Synthesizes the app and prints its warnings once. `npm run synth` runs the app directly
 * (much faster than the CLI), so the warnings are printed here; under the cdktf CLI, which prints
 * them itself, pass `{ printWarnings: false }`, as main.ts does:
 *
 * ```ts
 * synthAndReport(app, { printWarnings: !runByCdktfCli(process.env) });
 * ```
 * @returns every warning, printed or not.
 */
export function synthAndReport(app: App, options?: SynthReportOptions): SynthWarning[];
/**
 * @deprecated use the options form: `synthAndReport(app, { printWarnings: false })` for `null`,
 * `synthAndReport(app)` for `undefined`, `synthAndReport(app, { log })` for a function. The earlier
 * apps' `synthAndReport(app, runByCdktfCli(process.env) ? null : undefined)` becomes
 * `synthAndReport(app, { printWarnings: !runByCdktfCli(process.env) })`.
 */
export function synthAndReport(app: App, log: ((line: string) => void) | null | undefined): SynthWarning[];
export function synthAndReport(
  app: App,
  optionsOrLog?: SynthReportOptions | ((line: string) => void) | null,
): SynthWarning[] {
  const options = reportOptions(optionsOrLog);
  app.synth();
  const warnings = collectWarnings(app);
  if (options.printWarnings ?? true) {
    const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    for (const warning of warnings) log(`WARNING [${warning.path}] ${warning.message}`);
  }
  return warnings;
}

/** The options form of synthAndReport's second argument: `null` printed nothing, a function was the log. */
function reportOptions(given: SynthReportOptions | ((line: string) => void) | null | undefined): SynthReportOptions {
  if (given === null) return { printWarnings: false };
  if (typeof given === "function") return { log: given };
  return given ?? {};
}

/** The environment variable that lets a config error show its stack trace: `SQS_WORKER_DEBUG=1`. */
export const CONFIG_ERROR_DEBUG_ENV = "SQS_WORKER_DEBUG";

/**
 * True for an {@link SqsWorkerConfigError}, also one thrown by a second copy of this package
 * (an app that loads both the built package and its sources): same name, a violations list.
 */
export function isSqsWorkerConfigError(error: unknown): error is SqsWorkerConfigError {
  if (error instanceof SqsWorkerConfigError) return true;
  const candidate = error as { name?: unknown; violations?: unknown } | null;
  return error instanceof Error && candidate?.name === "SqsWorkerConfigError" && Array.isArray(candidate.violations);
}

/**
 * What a config error prints: its message (a header, then one line per broken rule) and how to
 * see the stack trace. No trace, no dump of the violations object.
 */
export function configErrorLines(error: SqsWorkerConfigError): string[] {
  return [...error.message.split("\n"), `(${CONFIG_ERROR_DEBUG_ENV}=1 shows the stack trace)`];
}

/** Where {@link reportConfigErrors} reads the debug switch, writes and sets the exit code (tests replace them). */
export interface ConfigErrorReporting {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Writes text to stderr. @default process.stderr.write */
  readonly write?: (text: string) => void;
  /** Sets the exit code without exiting (output is flushed first). @default sets process.exitCode */
  readonly setExitCode?: (code: number) => void;
}

/**
 * Runs an app's body (building the stacks and synthesizing them) so that a config error reads
 * as what to fix: an {@link SqsWorkerConfigError} prints only its lines on stderr and the exit
 * code becomes 1, with nothing synthesized; the same under `cdktf synth` (which shows the app's
 * stderr) and `npm run synth`. With `SQS_WORKER_DEBUG=1` the error is thrown as is, stack trace
 * included. Any other error is thrown as is: a bug keeps its stack trace.
 *
 * ```ts
 * reportConfigErrors(() => {
 *   const app = new App();
 *   addServiceStacks(app, services, settingsFromEnv(process.env));
 *   synthAndReport(app, { printWarnings: !runByCdktfCli(process.env) });
 * });
 * ```
 * @returns true when the body ran to its end, false after a config error was reported.
 */
export function reportConfigErrors(body: () => void, reporting: ConfigErrorReporting = {}): boolean {
  const env = reporting.env ?? process.env;
  const write = reporting.write ?? ((text: string) => void process.stderr.write(text));
  const setExitCode = reporting.setExitCode ?? ((code: number) => void (process.exitCode = code));
  try {
    body();
    return true;
  } catch (error) {
    if (!isSqsWorkerConfigError(error) || debugSwitchOn(env[CONFIG_ERROR_DEBUG_ENV])) throw error;
    write(
      configErrorLines(error)
        .map((line) => `${line}\n`)
        .join(""),
    );
    setExitCode(1);
    return false;
  }
}

/** `SQS_WORKER_DEBUG` is on unless unset, empty, `0` or `false`. */
function debugSwitchOn(value: string | undefined): boolean {
  return value !== undefined && !["", "0", "false"].includes(value.trim().toLowerCase());
}
