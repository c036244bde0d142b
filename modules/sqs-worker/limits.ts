/**
 * AWS's range for every numeric prop: the one place each number is written. The rule table
 * (validate.ts) checks them and the defaults derive from them; the props' JSDoc and
 * docs/construct.md repeat them for readers and are tested against them, so a changed limit
 * cannot leave a stale copy.
 */
export const RANGES = {
  /** @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html */
  "lambda.timeoutSeconds": { min: 1, max: 900 },
  "lambda.memorySizeMb": { min: 128, max: 10_240 },
  /**
   * The API sets no maximum: reserved concurrency is capped by the account's concurrency quota
   * minus the 100 Lambda keeps unreserved. That quota (1,000 by default) "can be increased up to
   * tens of thousands", i.e. below 100,000, so no account can reserve 100,000 - 100 = 99,900 or
   * more; a larger value only fails at apply (1e21 already fails `terraform validate`).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   */
  "lambda.reservedConcurrency": { min: 0, max: 99_899 },
  /** @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html */
  "queue.visibilityTimeoutSeconds": { min: 0, max: 43_200 },
  "queue.messageRetentionSeconds": { min: 60, max: 1_209_600 },
  "queue.delaySeconds": { min: 0, max: 900 },
  "queue.receiveWaitTimeSeconds": { min: 0, max: 20 },
  /**
   * SQS's range since 2025-08 (1 MiB); above 262,144 only with hashicorp/aws >= 6.8
   * (PROVIDER_FEATURES.oneMebibyteMessages).
   */
  "queue.maximumMessageBytes": { min: 1024, max: 1_048_576 },
  "deadLetterQueue.maxReceiveCount": { min: 1, max: 1000 },
  "deadLetterQueue.messageRetentionSeconds": { min: 60, max: 1_209_600 },
  /** @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html */
  "eventSource.batchSize": { min: 1, max: 10_000 },
  "eventSource.maximumBatchingWindowSeconds": { min: 0, max: 300 },
  "eventSource.maximumConcurrency": { min: 2, max: 1000 },
  /**
   * AWS for SQS mappings: minimum 2..200 (Kafka's 1 is refused for SQS), maximum 2..10,000. The
   * bound providers validate maximum_pollers as 1..2000 (measured on 5.100.0; no 6.x release is
   * known to accept more), so 2000 is the largest value that passes `terraform validate`.
   * @see https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html
   */
  "eventSource.provisionedPollers.minimum": { min: 2, max: 200 },
  "eventSource.provisionedPollers.maximum": { min: 2, max: 2000 },
  /** A message can be no older than the longest retention. */
  "monitoring.backlogAgeSeconds": { min: 60, max: 1_209_600 },
  /**
   * CloudWatch's threshold is a double with no maximum; above 2^53 - 1 an integer is no longer
   * exact in it (or in Terraform's JSON), so the largest safe integer is the bound.
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
   */
  "monitoring.maxFailedInvocations": { min: 0, max: Number.MAX_SAFE_INTEGER },
  /** No SQS message lives longer than 14 days, so no redelivery comes later than that. */
  "idempotency.expirySeconds": { min: 60, max: 1_209_600 },
} as const;

/** A prop path with a numeric range. */
export type RangedProp = keyof typeof RANGES;

/** SQS's message limit before 2025-08, and the largest `max_message_size` hashicorp/aws < 6.8 accepts. */
export const LEGACY_MAX_MESSAGE_BYTES = 262_144;

/** The largest batch Lambda takes from a FIFO queue. */
export const FIFO_MAX_BATCH_SIZE = 10;

/**
 * CloudWatch's limit on an alarm's evaluation window (period × evaluation periods): one day for
 * periods under an hour, seven days otherwise.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export const ALARM_WINDOW_SECONDS = { periodUnderAnHour: 86_400, otherwise: 604_800 } as const;

/** The longest evaluation window ({@link ALARM_WINDOW_SECONDS}) CloudWatch allows an alarm of this period. */
export function alarmWindowLimit(periodSeconds: number): number {
  return periodSeconds < 3600 ? ALARM_WINDOW_SECONDS.periodUnderAnHour : ALARM_WINDOW_SECONDS.otherwise;
}

/**
 * Periods the derived `<service>-dlq-arrivals` alarm evaluates (DIFF of the DLQ's visible count
 * needs two datapoints), each `deadLetterQueue.alarmPeriodSeconds` long: its window is twice that
 * period.
 */
export const DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS = 2;

/** SQS publishes its metrics once a minute: a shorter alarm period only sees gaps. */
export const SQS_METRIC_PERIOD_SECONDS = 60;

/**
 * Lambda's limits on a .zip deployment package, in bytes (AWS's MB are MiB): 50 MB zipped when
 * uploaded directly (Terraform's `filename` does; larger packages go through S3), and 250 MB
 * unzipped. Over either, CreateFunction fails at apply, after the queues and the role exist.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_PACKAGE_LIMIT_BYTES = { zipped: 50 * 1024 * 1024, unzipped: 250 * 1024 * 1024 } as const;
