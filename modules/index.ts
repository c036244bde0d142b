/**
 * The public surface of the package `sqs-worker-cdktf`: the construct, its props, its error,
 * the names it gives the resources and the lists of allowed runtimes, architectures and tracing
 * modes. App wiring (ServiceStack, catalogs, settings from the environment) is the entry point
 * `sqs-worker-cdktf/app` (modules/app-entry.ts); the worker plumbing is `sqs-worker-cdktf/worker`.
 * Everything else under modules/ is internal (tests and this repository's tools import it
 * through `./internal`). The surface is recorded in api/ and checked by `npm test`.
 */
export { SqsWorker } from "./sqs-worker/sqs-worker";
export type {
  SqsWorkerProps,
  WorkerLambdaProps,
  WorkerQueueProps,
  WorkerDeadLetterQueueProps,
  WorkerEventSourceProps,
  WorkerProvisionedPollersProps,
  WorkerAlarmProps,
  WorkerIdempotencyProps,
  WorkerMonitoringProps,
  WorkerRuntime,
  WorkerArchitecture,
  WorkerTracingMode,
} from "./sqs-worker/props";
export type { WorkerNames } from "./sqs-worker/names";
export type { WorkerMonitoring } from "./sqs-worker/monitoring";
export { WORKER_RUNTIMES, WORKER_ARCHITECTURES, WORKER_TRACING_MODES } from "./sqs-worker/props";
export { SqsWorkerConfigError, type SqsWorkerViolation } from "./sqs-worker/config-error";
