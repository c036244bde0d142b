/**
 * Internals of the construct for this repository's tests and tools: the rule and advice
 * tables, defaults, name derivation and the bundler. Not a package entry point (the
 * package's `exports` do not list it), so consumers cannot come to depend on it.
 */
export * from "./index";
export * from "./app-entry";
export {
  WORKER_RULES,
  MAX_SERVICE_NAME_LENGTH,
  LOG_RETENTION_DAYS,
  findViolations,
  type WorkerRule,
} from "./sqs-worker/validate";
export { WORKER_ADVICE, adviseSqsWorkerConfig, type WorkerAdvice } from "./sqs-worker/advice";
export { GUARANTEE_SWITCHES, guaranteeSwitchRules, type GuaranteeSwitch } from "./sqs-worker/guarantee-switches";
export * from "./sqs-worker/defaults";
export { resolveSqsWorkerConfig, type ResolvedSqsWorkerConfig } from "./sqs-worker/resolve-config";
export { propDocRows } from "./sqs-worker/prop-docs";
export { deriveNames } from "./sqs-worker/names";
export { bundleLambda, BUNDLE_HANDLER, type LambdaBundle } from "./sqs-worker/lambda-bundle";
