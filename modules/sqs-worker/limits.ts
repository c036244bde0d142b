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
  /** @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html */
  "queue.visibilityTimeoutSeconds": { min: 0, max: 43_200 },
  "queue.messageRetentionSeconds": { min: 60, max: 1_209_600 },
  "queue.delaySeconds": { min: 0, max: 900 },
  "queue.receiveWaitTimeSeconds": { min: 0, max: 20 },
  "deadLetterQueue.maxReceiveCount": { min: 1, max: 1000 },
  "deadLetterQueue.messageRetentionSeconds": { min: 60, max: 1_209_600 },
  /** @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html */
  "eventSource.batchSize": { min: 1, max: 10_000 },
  "eventSource.maximumBatchingWindowSeconds": { min: 0, max: 300 },
  "eventSource.maximumConcurrency": { min: 2, max: 1000 },
  /** A message can be no older than the longest retention. */
  "monitoring.backlogAgeSeconds": { min: 60, max: 1_209_600 },
  /** No SQS message lives longer than 14 days, so no redelivery comes later than that. */
  "idempotency.expirySeconds": { min: 60, max: 1_209_600 },
} as const;

/** A prop path with a numeric range. */
export type RangedProp = keyof typeof RANGES;

/** The largest batch Lambda takes from a FIFO queue. */
export const FIFO_MAX_BATCH_SIZE = 10;

/**
 * CloudWatch's limit on an alarm's evaluation window (period × evaluation periods): one day for
 * periods under an hour, seven days otherwise.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export const ALARM_WINDOW_SECONDS = { periodUnderAnHour: 86_400, otherwise: 604_800 } as const;

/** SQS publishes its metrics once a minute: a shorter alarm period only sees gaps. */
export const SQS_METRIC_PERIOD_SECONDS = 60;
