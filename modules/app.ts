import { AnnotationMetadataEntryType, type App } from "cdktf";
import type { ServiceCatalog } from "./example-services";
import { ServiceStack, type StateBackendConfig } from "./service-stack";

/** What the app needs besides the services: read from the environment by main.ts. */
export interface AppSettings {
  readonly region: string;
  readonly backend: StateBackendConfig;
}

/** Adds one {@link ServiceStack} per service to `app`, the stack id being the service name. */
export function addServiceStacks(app: App, services: ServiceCatalog, settings: AppSettings): ServiceStack[] {
  return Object.entries(services).map(
    ([serviceName, worker]) => new ServiceStack(app, serviceName, { region: settings.region, backend: settings.backend, worker }),
  );
}

/**
 * Reads the app settings from environment variables (main.ts passes `process.env`):
 * AWS_REGION (default us-east-1); TF_STATE_BUCKET switches state to S3, refined by
 * TF_STATE_REGION, TF_STATE_KEY_PREFIX and TF_STATE_LOCK_TABLE.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): AppSettings {
  const region = env.AWS_REGION || "us-east-1";
  if (!env.TF_STATE_BUCKET) return { region, backend: { kind: "local" } };
  return {
    region,
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
