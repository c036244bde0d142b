/**
 * What the construct, the DLQ tool and the worker plumbing agree on besides idempotency (see
 * idempotency-settings.ts). No imports: the construct reads this file at synth, the DLQ tool
 * when it copies a message, the worker at run time.
 */

/** Environment variables the construct sets on every FIFO worker. */
export const WORKER_ENV = {
  /**
   * The source queue's `maxReceiveCount`. On a FIFO queue a failed record holds back the later
   * records of its message group, unless it failed on its last receive: SQS then dead-letters it
   * and the group goes on (see makeHandler). Without it the plumbing always holds the group.
   */
  maxReceiveCount: "SQS_WORKER_MAX_RECEIVE_COUNT",
} as const;

/**
 * The message attribute a client-side redrive (`npm run dlq -- <service> redrive --client-side`)
 * puts on each copy it sends back: the message id SQS gave the message when a producer first
 * sent it. A copy gets a new message id; makeHandler's default idempotency key prefers this
 * attribute, so a job that completed before it was dead-lettered is not run again by its copy.
 * A copy of a copy keeps the first id. Only the DLQ tool sets it; producers must not.
 */
export const ORIGINAL_MESSAGE_ID_ATTRIBUTE = "sqs-worker.original-message-id";

/** Longest value the worker accepts in {@link ORIGINAL_MESSAGE_ID_ATTRIBUTE} (SQS message ids are 36-character UUIDs). */
export const MAX_ORIGINAL_MESSAGE_ID_LENGTH = 128;
