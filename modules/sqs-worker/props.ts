/**
 * The props of {@link SqsWorker}, grouped by the resource they shape.
 *
 * Every number is in the unit its name says. Defaults live in `defaults.ts`; the rules
 * every value must satisfy live in `validate.ts` and are listed in the README.
 */

/**
 * Lambda runtimes a worker can be created on with this package. `nodejs20.x` is refused: AWS
 * deprecated it on 2026-04-30, blocks creating functions on it since 2026-08-31 and updating them
 * since 2026-09-30.
 * `nodejs22.x` is deprecated on 2027-04-30 (creation blocked from 2027-06-01). `nodejs24.x`
 * needs hashicorp/aws >= 6.19 (@cdktf/provider-aws >= 21.16.0): with older bindings, such as
 * 20.1.0 (aws 5.100.0), synth refuses it naming the version it needs.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
export const WORKER_RUNTIMES = ["nodejs22.x", "nodejs24.x"] as const;
/** One of {@link WORKER_RUNTIMES}. */
export type WorkerRuntime = (typeof WORKER_RUNTIMES)[number];

/** Instruction sets of the worker function. */
export const WORKER_ARCHITECTURES = ["arm64", "x86_64"] as const;
/** One of {@link WORKER_ARCHITECTURES}. */
export type WorkerArchitecture = (typeof WORKER_ARCHITECTURES)[number];

/** X-Ray tracing modes of the worker function. */
export const WORKER_TRACING_MODES = ["Active", "PassThrough"] as const;
/** One of {@link WORKER_TRACING_MODES}. */
export type WorkerTracingMode = (typeof WORKER_TRACING_MODES)[number];

/** The worker function (`aws_lambda_function` `<service>-worker`) and its log group. */
export interface WorkerLambdaProps {
  /**
   * The service's worker file (TypeScript or JavaScript) exporting `handler`, usually
   * `export const handler = makeHandler(...)` from `sqs-worker-cdktf/worker`. Bundled by
   * esbuild at synth into a reproducible zip. Required: there is no default worker, so no
   * service can ship code that acknowledges messages it did not process.
   *
   * A relative path resolves against the directory of the app's main script (the `main.ts`
   * that `cdktf synth` runs), not the current directory; an absolute path is used as is
   * (`path.join(__dirname, "worker.ts")` is the safest in a shared library).
   */
  readonly entry: string;
  /**
   * Function timeout, 1..900 seconds. The queue's visibility timeout must be at least this.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * Memory, 128..10240 MB (CPU scales with it).
   * @default 256
   */
  readonly memorySizeMb?: number;
  /**
   * Lambda runtime: `nodejs24.x` (needs hashicorp/aws >= 6.19, @cdktf/provider-aws >= 21.16.0)
   * or `nodejs22.x` (deprecated by AWS on 2027-04-30, creation blocked from 2027-06-01; synth
   * warns when the bound provider offers `nodejs24.x`). `nodejs20.x` is refused (AWS blocks creating it).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
   * @default - the newest the bound provider accepts: "nodejs24.x" from hashicorp/aws 6.19, "nodejs22.x" before
   */
  readonly runtime?: WorkerRuntime;
  /**
   * Instruction set; the bundle is plain JavaScript, so both work.
   * @default "arm64" - cheaper per GB-second than x86_64 for the same work
   */
  readonly architecture?: WorkerArchitecture;
  /**
   * Environment variables of the function.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retention of the `/aws/lambda/<service>-worker` log group, in days (a value CloudWatch
   * Logs accepts, such as 7, 30, 90, 365).
   * @default 365 - a year of logs, as security scanners ask (CKV_AWS_338)
   */
  readonly logRetentionDays?: number;
  /**
   * Reserved concurrency: executions kept for this function and its ceiling. Keep it at or
   * above `eventSource.maximumConcurrency`, or invocations are throttled and every throttled
   * receive counts toward `maxReceiveCount` (synth warns). 0 stops the function. 0..99899: an
   * account's concurrency quota can be raised to "tens of thousands" and Lambda keeps 100 of it
   * unreserved, so no account can reserve more.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
   * @default - none: the mapping's maximum concurrency caps the worker instead
   */
  readonly reservedConcurrency?: number;
  /**
   * X-Ray tracing. "Active" samples and records invocations (the role gets the X-Ray write
   * actions, which AWS cannot scope to a resource).
   * @default "Active"
   */
  readonly tracing?: WorkerTracingMode;
}

/** The source queue (`aws_sqs_queue` `<service>-queue`). */
export interface WorkerQueueProps {
  /**
   * How long a received message stays invisible, 0..43200 seconds. Must be at least the
   * Lambda timeout, or a message still being processed becomes visible again and is
   * processed twice.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
   * @default - six times the Lambda timeout plus the maximum batching window (AWS's advice), at most 43200
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * How long SQS keeps an unprocessed message, 60..1209600 seconds, and at least
   * `delaySeconds + deadLetterQueue.maxReceiveCount × visibilityTimeoutSeconds`: SQS moves a
   * message that fails every receive to the dead-letter queue no sooner, and deletes one older
   * than this first (a poison message would vanish without any alarm).
   * @default 345600 (4 days, the SQS default)
   */
  readonly messageRetentionSeconds?: number;
  /**
   * Delay before a new message becomes visible, 0..900 seconds.
   * @default 0
   */
  readonly delaySeconds?: number;
  /**
   * Long-polling wait of receives that do not set their own, 0..20 seconds. The Lambda
   * poller long-polls anyway; this helps other consumers (scripts, the local runner).
   * @default 0 (the SQS default)
   */
  readonly receiveWaitTimeSeconds?: number;
  /**
   * Makes both queues FIFO (`<service>-queue.fifo`, `<service>-dlq.fifo`): ordered per
   * message group, exactly-once within the deduplication window. Batches are then at most
   * 10 records, without a batching window, and the worker stops at the first failure.
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * FIFO only: deduplicate on a SHA-256 of the body instead of a producer-given id.
   * @default false
   */
  readonly contentBasedDeduplication?: boolean;
  /**
   * The largest message both queues accept, in bytes: 1024..1048576 (1 MiB, SQS's limit since
   * 2025-08). Above 262144 (256 KiB) it needs hashicorp/aws >= 6.8 (@cdktf/provider-aws >=
   * 21.7.0), whose validation first allowed it; with older bindings synth refuses it naming that
   * version. The dead-letter queue gets the same limit, so that a message it receives can be
   * redriven to the source queue.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
   * @default - not written: SQS's default for the queue (1 MiB for queues created since 2025-08)
   */
  readonly maximumMessageBytes?: number;
  /**
   * Customer managed KMS key ARN encrypting both queues; the worker role then gets
   * `kms:Decrypt` on exactly this key. Producers need `kms:GenerateDataKey` and `kms:Decrypt` on it.
   * @default - SQS managed encryption (SSE-SQS) on both queues
   */
  readonly kmsKeyArn?: string;
}

/**
 * The dead-letter queue (`aws_sqs_queue` `<service>-dlq`), the source queue's redrive policy, and the
 * alarm `<service>-dlq-not-empty` (`aws_cloudwatch_metric_alarm`) that fires while it holds a message.
 */
export interface WorkerDeadLetterQueueProps {
  /**
   * Receives of one message before SQS moves it to the dead-letter queue, 1..1000.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the dead-letter queue keeps a message, 60..1209600 seconds.
   * @default 1209600 (14 days, the maximum: time for a human to look)
   */
  readonly messageRetentionSeconds?: number;
  /**
   * Creates the IAM policy `<service>-dlq-operator` with exactly what `sqs-worker dlq` needs on
   * these two queues (inspect, redrive, purge), for the on-call engineers' role to attach.
   * @default true
   */
  readonly operatorPolicy?: boolean;
  /**
   * Period of the `<service>-dlq-not-empty` alarm's metric, in seconds: 10, 20, 30 or a multiple
   * of 60. The derived `<service>-dlq-arrivals` alarm evaluates two of these periods, so with that
   * alarm on, at most 302400 (CloudWatch's 7-day window).
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
   * @default 300
   */
  readonly alarmPeriodSeconds?: number;
  /**
   * Periods that must breach before the `<service>-dlq-not-empty` alarm fires.
   * @default 1
   */
  readonly alarmEvaluationPeriods?: number;
}

/** The event source mapping (`aws_lambda_event_source_mapping`) from the queue to the function. */
export interface WorkerEventSourceProps {
  /**
   * Records per invocation, 1..10000 (1..10 on FIFO queues).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before invoking, 0..300 seconds.
   * @default 0
   */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * Concurrent invocations this mapping may start, 2..1000. `false` removes the cap: the
   * mapping then scales with the queue up to the account's concurrency.
   * Cannot be set together with `provisionedPollers` (AWS makes them mutually exclusive); when
   * `provisionedPollers` is set and this prop is not, the default cap of 10 is left out.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   * @default 10 - without provisionedPollers; none with them
   */
  readonly maximumConcurrency?: number | false;
  /**
   * Provisioned mode: dedicated event pollers for high or spiky throughput (3 times faster
   * scaling, far higher concurrency than the default mode). Minimum pollers are billed while the
   * queue is idle (synth warns), so keep the default maximum concurrency of 10 unless the queue
   * needs more than the standard mode gives, or its spikes must be absorbed in seconds.
   * Exclusive with `maximumConcurrency`. Minimum 2..200, maximum 2..2000 and at least the minimum.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   * @default - none: standard mode with maximumConcurrency
   */
  readonly provisionedPollers?: WorkerProvisionedPollersProps;
}

/**
 * The event pollers of provisioned mode (`provisioned_poller_config`). AWS: for SQS, minimum
 * 2..200 and maximum 2..10000; the bound providers validate maximum_pollers up to 2000 (measured on
 * 5.100.0), so 2000 is the largest the construct writes.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html
 */
export interface WorkerProvisionedPollersProps {
  /** Pollers kept ready (and billed) even when the queue is idle, 2..200. */
  readonly minimum: number;
  /** Pollers the mapping may scale up to, 2..2000, at least `minimum`. */
  readonly maximum: number;
}

/**
 * The dead-letter queue alarm's settings under their deprecated names: `topicArn` feeds every
 * alarm, not only this one, so its replacement is the top-level `alarmTopicArn`.
 * @deprecated use `alarmTopicArn`, `deadLetterQueue.alarmPeriodSeconds` and
 * `deadLetterQueue.alarmEvaluationPeriods`; synth warns, naming the replacement.
 */
export interface WorkerAlarmProps {
  /** @deprecated use `alarmTopicArn` (every alarm notifies it). */
  readonly topicArn?: string;
  /**
   * @deprecated use `deadLetterQueue.alarmPeriodSeconds`.
   * @default 300
   */
  readonly periodSeconds?: number;
  /**
   * @deprecated use `deadLetterQueue.alarmEvaluationPeriods`.
   * @default 1
   */
  readonly evaluationPeriods?: number;
}

/**
 * The worker's health alarms and dashboard, all on by default: they show a worker that is stuck,
 * throttled or falling behind before its messages reach the dead-letter queue. Every alarm
 * notifies `alarmTopicArn`, like the article's DLQ alarm, on ALARM only.
 */
export interface WorkerMonitoringProps {
  /**
   * Alarm `<service>-backlog-age` when the queue's oldest message (ApproximateAgeOfOldestMessage,
   * Maximum) is older than this, 60..1209600 seconds; `false` removes it. A message is received
   * at most once per visibility timeout, so one older than two of them has waited through more
   * than a full retry cycle: the worker is failing, throttled or falling behind.
   * @default - 2 × queue.visibilityTimeoutSeconds, at least 300
   */
  readonly backlogAgeSeconds?: number | false;
  /**
   * Alarm `<service>-errors` when more than this many invocations fail within one period,
   * 0..9007199254740991 (the largest integer CloudWatch's double threshold holds exactly); `false`
   * removes it. With partial batch responses an invocation fails only when a whole batch does
   * (a thrown error, a timeout, every record failed).
   * @default 0 - any failed batch
   */
  readonly maxFailedInvocations?: number | false;
  /**
   * Alarm `<service>-throttles` when Lambda throttles the worker at all (Throttles > 0): throttled
   * receives count toward maxReceiveCount and push healthy messages toward the DLQ.
   * @default true
   */
  readonly throttlesAlarm?: boolean;
  /**
   * Alarm `<service>-dlq-arrivals` when the dead-letter queue grows between two periods, so that new
   * failures page again while the article's `<service>-dlq-not-empty` alarm is still in ALARM.
   * @default true
   */
  readonly deadLetterArrivalsAlarm?: boolean;
  /**
   * Period of the backlog-age, errors and throttles alarms, in seconds: a positive multiple of 60.
   * @default 300
   */
  readonly periodSeconds?: number;
  /**
   * The CloudWatch dashboard `<service>-worker`: queue depth, age, DLQ depth, invocations, errors,
   * throttles, duration against the timeout, concurrency against the cap, the mapping's event counts.
   * @default true
   */
  readonly dashboard?: boolean;
}

/**
 * Exactly-once effects on an at-least-once queue (`idempotency: {}` turns it on with the
 * defaults; off when left out). The construct creates the DynamoDB table
 * `<service>-idempotency` (on-demand, TTL on Powertools' `expiration` attribute, encrypted,
 * point-in-time recovery), grants the worker role GetItem, PutItem, UpdateItem and DeleteItem on
 * it alone, and passes its name to the function; `makeHandler` then runs each message through
 * Powertools' idempotency utility. The key is the SQS message id, or a function of the body
 * given to `makeHandler` as `idempotencyKey` (code, so it lives in the worker file).
 *
 * It guarantees that the business logic completes at most once per key within the expiry
 * window; it does not make a half-done side effect atomic (see docs/idempotency.md).
 */
export interface WorkerIdempotencyProps {
  /**
   * How long a completed message's record keeps duplicates from running, 60..1209600 seconds;
   * at least the queue's visibility timeout (a message whose delete failed comes back after one).
   * A duplicate arriving later runs again.
   * @default - queue.messageRetentionSeconds: as long as SQS can still deliver the message
   */
  readonly expirySeconds?: number;
}

/** Everything {@link SqsWorker} needs; `serviceName`, `lambda.entry` and `alarmTopicArn` are required. */
export interface SqsWorkerProps {
  /**
   * Name of the service; every resource name derives from it: `<service>-queue`,
   * `<service>-dlq`, `<service>-dlq-not-empty`, `<service>-worker`.
   */
  readonly serviceName: string;
  /**
   * Prepended to every AWS name the worker creates (queues, dead-letter queue, function, role,
   * log group, alarm, policies), so that stages share an account: `"dev-"` gives
   * `dev-orders-queue`, `dev-orders-worker`. Letters, digits, `_` and `-`; the name-length
   * rules count it.
   * @default "" - the names are exactly `<service>-queue` and so on
   */
  readonly namePrefix?: string;
  /**
   * SNS topic ARN that every alarm of the worker notifies, on ALARM only: the dead-letter queue
   * alarm `<service>-dlq-not-empty` and the health alarms of `monitoring`. Required: optional in
   * the type only while the deprecated `alarm.topicArn` still works, and synth refuses a worker
   * given neither (or both).
   */
  readonly alarmTopicArn?: string;
  /** The worker function; `lambda.entry` is required. */
  readonly lambda: WorkerLambdaProps;
  /** The source queue. @default - see {@link WorkerQueueProps} */
  readonly queue?: WorkerQueueProps;
  /** The dead-letter queue. @default - see {@link WorkerDeadLetterQueueProps} */
  readonly deadLetterQueue?: WorkerDeadLetterQueueProps;
  /** The event source mapping. @default - see {@link WorkerEventSourceProps} */
  readonly eventSource?: WorkerEventSourceProps;
  /**
   * The dead-letter queue alarm's settings under their deprecated names.
   * @deprecated use `alarmTopicArn`, `deadLetterQueue.alarmPeriodSeconds` and
   * `deadLetterQueue.alarmEvaluationPeriods`; synth warns, naming the replacement.
   */
  readonly alarm?: WorkerAlarmProps;
  /** The health alarms and dashboard. @default - see {@link WorkerMonitoringProps} */
  readonly monitoring?: WorkerMonitoringProps;
  /** Exactly-once effects: an idempotency table and per-record deduplication. @default - off */
  readonly idempotency?: WorkerIdempotencyProps;
}
