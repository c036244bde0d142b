/**
 * The public surface of the SQS worker module: import from here, not from the files behind it.
 */
export { SqsWorker } from "./sqs-worker/sqs-worker";
export type {
  SqsWorkerProps,
  WorkerLambdaProps,
  WorkerQueueProps,
  WorkerDeadLetterQueueProps,
  WorkerEventSourceProps,
  WorkerAlarmProps,
  WorkerRuntime,
  WorkerArchitecture,
  WorkerTracingMode,
} from "./sqs-worker/props";
export { SqsWorkerConfigError, type SqsWorkerViolation } from "./sqs-worker/config-error";
export { WORKER_RULES, MAX_SERVICE_NAME_LENGTH, LOG_RETENTION_DAYS, findViolations, type WorkerRule } from "./sqs-worker/validate";
export { WORKER_ADVICE, adviseSqsWorkerConfig, type WorkerAdvice } from "./sqs-worker/advice";
export * from "./sqs-worker/defaults";
export { deriveNames, type WorkerNames } from "./sqs-worker/names";
export { bundleLambda, type LambdaBundle } from "./sqs-worker/lambda-bundle";
export { ServiceStack, type ServiceStackProps, type StateBackendConfig } from "./service-stack";
export { addServiceStacks, settingsFromEnv, collectWarnings, synthAndReport, type AppSettings, type SynthWarning } from "./app";
export { EXAMPLE_SERVICES, type ServiceCatalog } from "./example-services";
