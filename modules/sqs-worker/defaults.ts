import * as path from "path";
import { Fn, Op, Token } from "cdktf";
import { RANGES } from "./limits";
import { PROVIDER_FEATURES, offers } from "./provider-features";
import { isUnresolved } from "./tokens";
import type { PropPath } from "./prop-shape";
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
/** No prefix: the names are exactly `<service>-queue` and so on, as the article names them. */
export const DEFAULT_NAME_PREFIX = "";
/** No variables: the worker needs none, and the construct adds its own. */
export const DEFAULT_ENVIRONMENT: Readonly<Record<string, string>> = Object.freeze({});
/** A standard queue: at-least-once, unordered, the article's choice. */
export const DEFAULT_FIFO = false;
/** Producers give a deduplication id: a body hash would merge distinct jobs with equal bodies. */
export const DEFAULT_CONTENT_BASED_DEDUPLICATION = false;
/** The on-call engineers get a policy for `sqs-worker dlq` without writing one. */
export const DEFAULT_OPERATOR_POLICY = true;
/** Throttled receives count toward maxReceiveCount: worth a page. */
export const DEFAULT_THROTTLES_ALARM = true;
/** A second failure pages again while the DLQ alarm is still in ALARM. */
export const DEFAULT_DEAD_LETTER_ARRIVALS_ALARM = true;
/** One screen with the worker's health, at no cost beyond CloudWatch's dashboard price. */
export const DEFAULT_DASHBOARD = true;

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

/**
 * What a prop defaults to, for readers (docs/construct.md, tested against the props' JSDoc
 * `@default`): a value (one of the constants above), a derived default (its description, the one
 * place it is written), or none.
 */
export type PropDefault =
  | {
      readonly value: string | number | boolean | Readonly<Record<string, string>>;
      /** What the value means, shown after it: "4 days". */
      readonly note?: string;
      /** When the value does not apply: "none with `provisionedPollers`". */
      readonly otherwise?: string;
    }
  | { readonly derived: string }
  | { readonly required: true }
  | { readonly none: string }
  | { readonly renamedTo: string };

const nodejs24 = PROVIDER_FEATURES.nodejs24Runtime;

/** The default of every prop, by path: a prop without one fails tsc. */
export const PROP_DEFAULTS: Readonly<Record<PropPath, PropDefault>> = {
  serviceName: { required: true },
  namePrefix: { value: DEFAULT_NAME_PREFIX },
  alarmTopicArn: { required: true },
  "lambda.entry": { required: true },
  "lambda.timeoutSeconds": { value: DEFAULT_TIMEOUT_SECONDS },
  "lambda.memorySizeMb": { value: DEFAULT_MEMORY_SIZE_MB },
  "lambda.runtime": {
    derived: `the newest the bound provider accepts: \`nodejs24.x\` from hashicorp/aws ${nodejs24.needsAws.replace(/\.0$/, "")} (@cdktf/provider-aws ≥ ${nodejs24.cdktfBindings}), \`${DEFAULT_RUNTIME}\` before`,
  },
  "lambda.architecture": { value: DEFAULT_ARCHITECTURE },
  "lambda.environment": { value: DEFAULT_ENVIRONMENT },
  "lambda.logRetentionDays": { value: DEFAULT_LOG_RETENTION_DAYS },
  "lambda.reservedConcurrency": { none: "none" },
  "lambda.tracing": { value: DEFAULT_TRACING },
  "queue.visibilityTimeoutSeconds": {
    derived: `6 × timeout + batching window (≤ ${MAX_VISIBILITY_TIMEOUT_SECONDS})`,
  },
  "queue.messageRetentionSeconds": { value: DEFAULT_MESSAGE_RETENTION_SECONDS, note: "4 days" },
  "queue.delaySeconds": { value: DEFAULT_DELAY_SECONDS },
  "queue.receiveWaitTimeSeconds": { value: DEFAULT_RECEIVE_WAIT_TIME_SECONDS },
  "queue.fifo": { value: DEFAULT_FIFO },
  "queue.contentBasedDeduplication": { value: DEFAULT_CONTENT_BASED_DEDUPLICATION },
  "queue.kmsKeyArn": { none: "none (SSE-SQS)" },
  "queue.maximumMessageBytes": { none: "not written (SQS's default: 1 MiB for queues created since 2025-08)" },
  "deadLetterQueue.maxReceiveCount": { value: DEFAULT_MAX_RECEIVE_COUNT },
  "deadLetterQueue.messageRetentionSeconds": { value: DEFAULT_DLQ_RETENTION_SECONDS, note: "14 days" },
  "deadLetterQueue.operatorPolicy": { value: DEFAULT_OPERATOR_POLICY },
  "deadLetterQueue.alarmPeriodSeconds": { value: DEFAULT_ALARM_PERIOD_SECONDS },
  "deadLetterQueue.alarmEvaluationPeriods": { value: DEFAULT_ALARM_EVALUATION_PERIODS },
  "eventSource.batchSize": { value: DEFAULT_BATCH_SIZE },
  "eventSource.maximumBatchingWindowSeconds": { value: DEFAULT_MAXIMUM_BATCHING_WINDOW_SECONDS },
  "eventSource.maximumConcurrency": { value: DEFAULT_MAXIMUM_CONCURRENCY, otherwise: "none with `provisionedPollers`" },
  "eventSource.provisionedPollers": { none: "none (standard mode)" },
  "alarm.topicArn": { renamedTo: "alarmTopicArn" },
  "alarm.periodSeconds": { renamedTo: "deadLetterQueue.alarmPeriodSeconds" },
  "alarm.evaluationPeriods": { renamedTo: "deadLetterQueue.alarmEvaluationPeriods" },
  "monitoring.backlogAgeSeconds": { derived: `2 × visibility timeout, at least ${MIN_BACKLOG_AGE_SECONDS}` },
  "monitoring.maxFailedInvocations": { value: DEFAULT_MAX_FAILED_INVOCATIONS },
  "monitoring.throttlesAlarm": { value: DEFAULT_THROTTLES_ALARM },
  "monitoring.deadLetterArrivalsAlarm": { value: DEFAULT_DEAD_LETTER_ARRIVALS_ALARM },
  "monitoring.periodSeconds": { value: DEFAULT_MONITORING_PERIOD_SECONDS },
  "monitoring.dashboard": { value: DEFAULT_DASHBOARD },
  "idempotency.expirySeconds": { derived: "`queue.messageRetentionSeconds`" },
};
