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
 * processors keep per-invocation state and must not be shared by concurrent batches.
 */
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

/** The business logic's signature: throw to fail the record. */
export type MessageProcessor = (message: unknown, record: SQSRecord) => Promise<void>;

/**
 * Builds a handler around any business logic, with the same plumbing as {@link handler}
 * (tests and fixtures use it; a service edits process-message.ts instead).
 */
export function makeHandler(process: MessageProcessor): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const standard = new BatchProcessor(EventType.SQS);
  const fifo = new SqsFifoPartialProcessorAsync();
  const handleRecord = async (record: SQSRecord): Promise<void> => process(parseBody(record), record);
  return async (event, context) =>
    processPartialResponse(event, handleRecord, isFifoBatch(event) ? fifo : standard, { context });
}

/** The Lambda handler wired to the queue by the event source mapping. */
export const handler = makeHandler(processMessage);
