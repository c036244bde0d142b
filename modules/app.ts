import type { App } from "cdktf";
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
