import { AnnotationMetadataEntryType, type App } from "cdktf";
import { ServiceStack, type ServiceWorkerProps, type StateBackendConfig } from "./service-stack";

/** Worker settings per service: the key is the service name and the stack id. */
export type ServiceCatalog = Readonly<Record<string, ServiceWorkerProps>>;

/** What the app needs besides the services: read from the environment by main.ts. */
export interface AppSettings {
  readonly region: string;
  readonly backend: StateBackendConfig;
  /**
   * The deployment stage (such as `dev` or `prod`): every service gets the name prefix
   * `<stage>-` and its own state, so stages share an account without clashing.
   * @default - none: the article's names, `<service>-queue` and so on
   */
  readonly stage?: string;
}

/**
 * Adds one {@link ServiceStack} per service to `app`, the stack id being the service name.
 * With a stage, each worker's `namePrefix` defaults to `<stage>-`.
 */
export function addServiceStacks(app: App, services: ServiceCatalog, settings: AppSettings): ServiceStack[] {
  const stagePrefix = settings.stage ? { namePrefix: `${settings.stage}-` } : {};
  return Object.entries(services).map(
    ([serviceName, worker]) =>
      new ServiceStack(app, serviceName, { region: settings.region, backend: settings.backend, worker: { ...stagePrefix, ...worker } }),
  );
}

/**
 * Reads the app settings from environment variables (main.ts passes `process.env`):
 * AWS_REGION (default us-east-1); SQS_WORKER_STAGE (a stage such as `dev`: names become
 * `dev-<service>-queue` and so on); TF_STATE_BUCKET switches state to S3, refined by
 * TF_STATE_REGION, TF_STATE_KEY_PREFIX and TF_STATE_LOCK_TABLE.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): AppSettings {
  const region = env.AWS_REGION || "us-east-1";
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

/** Every warning annotation in the app, in tree order. */
export function collectWarnings(app: App): SynthWarning[] {
  return app.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === AnnotationMetadataEntryType.WARN)
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

/**
 * Synthesizes the app and prints its warnings once. `npm run synth` runs the app directly
 * (much faster than the CLI), so the warnings are printed here; under the cdktf CLI, which
 * prints them itself, pass `log: null` (main.ts does, using {@link runByCdktfCli}), or each
 * would show twice, once labelled as an error (the CLI shows the app's stderr as errors).
 */
export function synthAndReport(
  app: App,
  log: ((line: string) => void) | null = (line) => process.stderr.write(`${line}\n`),
): SynthWarning[] {
  app.synth();
  const warnings = collectWarnings(app);
  if (log) for (const warning of warnings) log(`WARNING [${warning.path}] ${warning.message}`);
  return warnings;
}
