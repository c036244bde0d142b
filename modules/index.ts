/**
 * The public surface of the package `sqs-worker-cdktf`: the construct, its props and error,
 * and what an app needs to wire one stack per service. Everything else under modules/ is
 * internal (tests and this repository's tools import it through `./internal`).
 */
export { SqsWorker } from "./sqs-worker/sqs-worker";
export type {
  SqsWorkerProps,
  WorkerLambdaProps,
  WorkerQueueProps,
  WorkerDeadLetterQueueProps,
  WorkerEventSourceProps,
  WorkerAlarmProps,
  WorkerIdempotencyProps,
  WorkerMonitoringProps,
  WorkerRuntime,
  WorkerArchitecture,
  WorkerTracingMode,
} from "./sqs-worker/props";
export type { ResolvedSqsWorkerConfig } from "./sqs-worker/defaults";
export type { WorkerNames } from "./sqs-worker/names";
export type { LambdaBundle } from "./sqs-worker/lambda-bundle";
export { WORKER_RUNTIMES, WORKER_ARCHITECTURES, WORKER_TRACING_MODES } from "./sqs-worker/props";
export { SqsWorkerConfigError, type SqsWorkerViolation } from "./sqs-worker/config-error";
export { ServiceStack, type ServiceStackProps, type ServiceWorkerProps, type StateBackendConfig } from "./service-stack";
export {
  addServiceStacks,
  settingsFromEnv,
  runByCdktfCli,
  collectWarnings,
  synthAndReport,
  type AppSettings,
  type ServiceCatalog,
  type SynthWarning,
} from "./app";
