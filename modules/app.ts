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
 * Synthesizes the app and prints its warnings. `cdktf synth` prints annotations itself, but
 * `npm run synth` runs the app directly (much faster), so the warnings are printed here.
 */
export function synthAndReport(app: App, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): SynthWarning[] {
  app.synth();
  const warnings = collectWarnings(app);
  for (const warning of warnings) log(`WARNING [${warning.path}] ${warning.message}`);
  return warnings;
}
