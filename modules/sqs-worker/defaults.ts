import * as path from "path";
import { Fn, Op, Token } from "cdktf";
import { RANGES } from "./limits";
import { offers } from "./provider-features";
import { isUnresolved } from "./tokens";
import type { WorkerArchitecture, WorkerRuntime, WorkerTracingMode } from "./props";

/** Long enough for real jobs; Lambda's own default of 3 s is not. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** Enough for JSON work; raise it for CPU-heavy jobs (CPU scales with memory). */
export const DEFAULT_MEMORY_SIZE_MB = 256;
/** The runtime of a worker whose bound provider predates `nodejs24.x` (hashicorp/aws < 6.19). */
export const DEFAULT_RUNTIME: WorkerRuntime = "nodejs22.x";

/**
 * The newest Node.js runtime the bound provider accepts, maintained the longest: `nodejs24.x` from
 * hashicorp/aws 6.19, {@link DEFAULT_RUNTIME} before.
 */
export function defaultRuntime(awsVersion: string): WorkerRuntime {
  return offers(awsVersion, "nodejs24Runtime") ? "nodejs24.x" : DEFAULT_RUNTIME;
}
/** Graviton is cheaper per GB-second and the bundle is plain JavaScript. */
export const DEFAULT_ARCHITECTURE: WorkerArchitecture = "arm64";
/** A year of logs, as CKV_AWS_338 asks. */
export const DEFAULT_LOG_RETENTION_DAYS = 365;
/** Tracing on: CKV_AWS_50 asks for it, and it shows where a slow job spends its time. */
export const DEFAULT_TRACING: WorkerTracingMode = "Active";
/** SQS's own default retention (4 days). */
export const DEFAULT_MESSAGE_RETENTION_SECONDS = 345_600;
/** SQS's default: new messages are visible at once. */
export const DEFAULT_DELAY_SECONDS = 0;
/** SQS's default short polling for receives that do not ask for a wait. */
export const DEFAULT_RECEIVE_WAIT_TIME_SECONDS = 0;
/** The article's value: three tries, then the dead-letter queue. */
export const DEFAULT_MAX_RECEIVE_COUNT = 3;
/** The SQS maximum (14 days): time for a human to look before a message expires. */
export const DEFAULT_DLQ_RETENTION_SECONDS = RANGES["deadLetterQueue.messageRetentionSeconds"].max;
/** The article's batch size; also the FIFO maximum. */
export const DEFAULT_BATCH_SIZE = 10;
/** Invoke as soon as records arrive. */
export const DEFAULT_MAXIMUM_BATCHING_WINDOW_SECONDS = 0;
/** The article's value: caps the worker's load on downstream systems and avoids throttle-burned receives. */
export const DEFAULT_MAXIMUM_CONCURRENCY = 10;
/** The article's alarm period (5 minutes). */
export const DEFAULT_ALARM_PERIOD_SECONDS = 300;
/** Fire on the first period with a message in the dead-letter queue. */
export const DEFAULT_ALARM_EVALUATION_PERIODS = 1;
/** Period of the health alarms: five minutes, the article's alarm period. */
export const DEFAULT_MONITORING_PERIOD_SECONDS = 300;
/** Any failed invocation (a whole failed batch) is worth a look. */
export const DEFAULT_MAX_FAILED_INVOCATIONS = 0;
/** The backlog-age threshold never goes below five minutes, so that a burst does not page. */
export const MIN_BACKLOG_AGE_SECONDS = 300;

/** The largest visibility timeout SQS accepts (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = RANGES["queue.visibilityTimeoutSeconds"].max;

/**
 * AWS's advice for the visibility timeout of a queue that triggers Lambda: six times the
 * function timeout plus the batching window, capped at the SQS maximum. When either input is a
 * Terraform token (a variable), so is the result: the same formula, computed by Terraform.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function defaultVisibilityTimeout(lambdaTimeoutSeconds: number, batchingWindowSeconds: number): number {
  if (isUnresolved(lambdaTimeoutSeconds) || isUnresolved(batchingWindowSeconds)) {
    const sixTimes = Op.mul(6, lambdaTimeoutSeconds);
    // cdktf 0.21 renders a literal 0 operand as "undefined": leave a zero window out.
    const sum = batchingWindowSeconds === 0 ? sixTimes : Op.add(sixTimes, batchingWindowSeconds);
    return Fn.min([Token.asNumber(sum), MAX_VISIBILITY_TIMEOUT_SECONDS]);
  }
  return Math.min(6 * lambdaTimeoutSeconds + batchingWindowSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS);
}

/**
 * The folder relative `lambda.entry` paths resolve against: that of the app's main script
 * (the `main.ts` that `cdktf synth`, `npx ts-node main.ts` or `npm run synth` runs), so an
 * entry means the same file whatever folder the command was started from. Without a main
 * script (a REPL, some test runners) it is the current folder.
 */
export function appDirectory(): string {
  const main = require.main?.filename;
  return main ? path.dirname(main) : process.cwd();
}

/**
 * The absolute path of a worker entry: absolute paths as given, relative ones against
 * {@link appDirectory}. A value that is not a string is passed through for the rule table to
 * report.
 */
export function resolveEntry(entry: unknown, baseDir: string = appDirectory()): unknown {
  return typeof entry === "string" && entry !== "" ? path.resolve(baseDir, entry) : entry;
}

/**
 * The default backlog-age threshold: two visibility timeouts (a message is received at most once
 * per visibility timeout, so one older than two has waited through more than a full retry
 * cycle), at least {@link MIN_BACKLOG_AGE_SECONDS}. A token visibility gives a token threshold.
 */
export function defaultBacklogAgeSeconds(visibilityTimeoutSeconds: number): number {
  if (isUnresolved(visibilityTimeoutSeconds))
    return Fn.max([Token.asNumber(Op.mul(2, visibilityTimeoutSeconds)), MIN_BACKLOG_AGE_SECONDS]);
  return Math.max(2 * visibilityTimeoutSeconds, MIN_BACKLOG_AGE_SECONDS);
}

// The resolver and its result moved to resolve-config.ts; these names stay for the modules that
// still import them from here.
export { resolveSqsWorkerConfig, type ResolvedSqsWorkerConfig } from "./resolve-config";
