/**
 * The worker plumbing, published as `sqs-worker-cdktf/worker`: everything a service's
 * worker file needs besides its own business logic.
 *
 * ```ts
 * import { makeHandler } from "sqs-worker-cdktf/worker";
 *
 * export const handler = makeHandler<OrderPlaced>(async (order, record) => {
 *   // the job; throw to fail this message only
 * });
 * ```
 *
 * The batch plumbing is Powertools' (`processPartialResponse`), not ours:
 * - standard queues: records run concurrently; each failure is reported on its own by
 *   `messageId` in `batchItemFailures`, so only failed messages are retried;
 * - FIFO queues (`.fifo` source ARN): records run in order and processing stops at the first
 *   failure, which is reported together with every later record, or order breaks.
 *
 * When every record fails, Powertools throws `FullBatchFailureError` on purpose: the
 * invocation is then an error in Lambda's metrics and the event source mapping backs off,
 * instead of reporting a "successful" invocation that failed everything. All records are
 * retried either way.
 *
 * One loaded copy of a handler handles one invocation at a time (as on Lambda): the
 * processors keep per-invocation state and must not be shared by concurrent batches.
 */
import {
  BatchProcessor,
  EventType,
  SqsFifoPartialProcessorAsync,
  processPartialResponse,
} from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export type { Context, SQSBatchResponse, SQSEvent, SQSRecord };

/** Thrown for a record whose body is not valid JSON; the record is reported as failed. */
export class InvalidMessageBodyError extends Error {
  constructor(messageId: string, cause: unknown) {
    super(`message ${messageId}: body is not valid JSON (${(cause as Error).message})`);
    this.name = "InvalidMessageBodyError";
  }
}

/** Parses one record's body as JSON; throws {@link InvalidMessageBodyError} when it is not. */
export function parseBody(record: SQSRecord): unknown {
  try {
    return JSON.parse(record.body);
  } catch (error) {
    throw new InvalidMessageBodyError(record.messageId, error);
  }
}

/** True when the batch comes from a FIFO queue, whose name (and so ARN) ends in `.fifo`. */
export function isFifoBatch(event: SQSEvent): boolean {
  return event.Records.length > 0 && event.Records[0].eventSourceARN.endsWith(".fifo");
}

/**
 * A service's business logic for one message: gets the body parsed as JSON and the raw
 * record (message id, attributes, receive count). Throw to fail this message: it is retried
 * after the queue's visibility timeout and, after `maxReceiveCount` failed receives, moved to
 * the dead-letter queue. Return normally and the message is deleted.
 *
 * `T` is the body's type as the service expects it; the JSON is not checked against it, so
 * check what you rely on and throw when it is wrong (the message then reaches the
 * dead-letter queue instead of being acknowledged unprocessed).
 *
 * Delivery is at least once: the same message can arrive twice even with a correct
 * visibility timeout, so make the work idempotent (key writes on `record.messageId` or on
 * your domain's own id).
 */
export type MessageProcessor<T = unknown> = (message: T, record: SQSRecord) => Promise<void>;

/** The Lambda handler {@link makeHandler} returns: a partial batch response for an SQS batch. */
export type SqsWorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Builds the Lambda handler of a worker around its business logic: parses each record's
 * body, runs `process` per record and reports the failed records in `batchItemFailures`
 * (the construct's event source mapping has `ReportBatchItemFailures` on). Export the result
 * as `handler` from the file named by the construct's `lambda.entry`.
 */
export function makeHandler<T = unknown>(process: MessageProcessor<T>): SqsWorkerHandler {
  if (typeof process !== "function") {
    throw new TypeError(`makeHandler needs the business logic as a function (given ${typeof process})`);
  }
  const standard = new BatchProcessor(EventType.SQS);
  const fifo = new SqsFifoPartialProcessorAsync();
  const handleRecord = async (record: SQSRecord): Promise<void> => process(parseBody(record) as T, record);
  return async (event, context) =>
    processPartialResponse(event, handleRecord, isFifoBatch(event) ? fifo : standard, { context });
}
