import {
  BatchProcessor,
  EventType,
  SqsFifoPartialProcessorAsync,
  processPartialResponse,
} from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { processMessage } from "./process-message";

/**
 * The Lambda entry point: parses each record's body and hands it to `processMessage`,
 * then reports the failed records by `messageId` in `batchItemFailures` so that only
 * they are retried (the event source mapping has `ReportBatchItemFailures` on).
 *
 * The batch plumbing is Powertools' (`processPartialResponse`), not ours:
 * - standard queues: records run concurrently; each failure is reported on its own;
 * - FIFO queues (`.fifo` source ARN): records run in order and processing stops at the
 *   first failure, which is reported together with every later record, or order breaks.
 *
 * When every record fails, Powertools throws `FullBatchFailureError` on purpose: the
 * invocation is then an error in Lambda's metrics and the event source mapping backs off,
 * instead of reporting a "successful" invocation that failed everything. All records are
 * retried either way.
 *
 * One loaded copy of this code handles one invocation at a time (as on Lambda): the
 * processors below keep per-invocation state and must not be shared by concurrent batches.
 */
const standardProcessor = new BatchProcessor(EventType.SQS);
const fifoProcessor = new SqsFifoPartialProcessorAsync();

/** Thrown for a record whose body is not valid JSON; the record is reported as failed. */
export class InvalidMessageBodyError extends Error {
  constructor(messageId: string, cause: unknown) {
    super(`message ${messageId}: body is not valid JSON (${(cause as Error).message})`);
    this.name = "InvalidMessageBodyError";
  }
}

/** Parses one record's body and runs the business logic on it; throws on any failure. */
export async function recordHandler(record: SQSRecord): Promise<void> {
  let message: unknown;
  try {
    message = JSON.parse(record.body);
  } catch (error) {
    throw new InvalidMessageBodyError(record.messageId, error);
  }
  await processMessage(message, record);
}

/** True when the batch comes from a FIFO queue, whose name (and so ARN) ends in `.fifo`. */
export function isFifoBatch(event: SQSEvent): boolean {
  return event.Records.length > 0 && event.Records[0].eventSourceARN.endsWith(".fifo");
}

/** The Lambda handler wired to the queue by the event source mapping. */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const processor = isFifoBatch(event) ? fifoProcessor : standardProcessor;
  return processPartialResponse(event, recordHandler, processor, { context });
}
