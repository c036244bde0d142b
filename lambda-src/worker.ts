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
 * - FIFO queues (`.fifo` source ARN): records run one at a time, in order; a failed record holds
 *   back only the later records of its own message group (reported unprocessed, so the group's
 *   order holds), while other groups' records run (see fifo-groups.ts, which also says why a
 *   record failing on its last receive lets its group go on).
 *
 * Every failed record is logged as one JSON line on stderr (`{"event":"record-failed",
 * "messageId":..., "error":...}`): Powertools keeps the errors to itself, and the on-call
 * engineer reading the function's log, or the local runner, needs to know why.
 *
 * When every record fails, Powertools throws `FullBatchFailureError` on purpose: the
 * invocation is then an error in Lambda's metrics and the event source mapping backs off,
 * instead of reporting a "successful" invocation that failed everything. All records are
 * retried either way.
 *
 * One loaded copy of a handler handles one invocation at a time (as on Lambda): the
 * processors keep per-invocation state and must not be shared by concurrent batches.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { isLastReceive, isolateGroups } from "./fifo-groups";
import { IDEMPOTENCY_ENV } from "./idempotency-settings";
import { WORKER_ENV } from "./worker-settings";

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
 * visibility timeout. Turn on the construct's `idempotency` to run each message once per
 * expiry window, and/or key your own writes on `record.messageId` or your domain's id.
 */
export type MessageProcessor<T = unknown> = (message: T, record: SQSRecord) => Promise<void>;

/** The Lambda handler {@link makeHandler} returns: a partial batch response for an SQS batch. */
export type SqsWorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Fails an invocation when makeHandler's options and the function's configuration disagree
 * (an `idempotencyKey` without an idempotency table); checked on the first invocation.
 */
export class WorkerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerConfigError";
  }
}

/** Options of {@link makeHandler}. */
export interface WorkerOptions<T = unknown> {
  /**
   * The idempotency key of a message, from its parsed body: two messages with the same key run
   * the business logic once per expiry window, e.g. `(order) => order.orderId` for a producer
   * that may send the same order twice. Needs the construct's `idempotency` on (the function
   * then has an idempotency table); without it every invocation fails with a
   * {@link WorkerConfigError}. Must return a non-empty string; a message it throws for, or
   * returns anything else for, fails.
   * @default - with idempotency on, the message's original id: the SQS message id, or on a copy
   * sent back by the DLQ tool's client-side redrive, the id of the message it copies (covers
   * redelivery of one message, and its redrive with `redrive --client-side`; SQS's native
   * redrive gives moved messages new ids)
   */
  readonly idempotencyKey?: (message: T, record: SQSRecord) => string;
}

/** The name of the function, for messages: Lambda sets it; the local runner too. */
function functionName(): string {
  return process.env.AWS_LAMBDA_FUNCTION_NAME ?? "this worker";
}

/** The expiry window the construct passed; a missing or broken value is a configuration error. */
function expirySecondsFromEnv(): number {
  const raw = process.env[IDEMPOTENCY_ENV.expirySeconds];
  const value = Number(raw);
  if (!raw || !Number.isInteger(value) || value <= 0) {
    throw new WorkerConfigError(
      `${functionName()}: ${IDEMPOTENCY_ENV.expirySeconds} must be a positive integer (given ${JSON.stringify(raw)})`,
    );
  }
  return value;
}

/** The queue's maxReceiveCount the construct passed to a FIFO worker; undefined when not set. */
function maxReceiveCountFromEnv(): number | undefined {
  const raw = process.env[WORKER_ENV.maxReceiveCount];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new WorkerConfigError(
      `${functionName()}: ${WORKER_ENV.maxReceiveCount} must be a positive integer (given ${JSON.stringify(raw)})`,
    );
  }
  return value;
}

/**
 * Writes the one log line of a failed record: its message id and the error's name and message on
 * one line; `lastReceive` says SQS dead-letters it now.
 */
function logRecordFailure(record: SQSRecord, error: unknown, maxReceiveCount: number | undefined): void {
  const e = error as { name?: unknown; message?: unknown } | null;
  const text =
    e && typeof e === "object" && "message" in e
      ? // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever was thrown, its name is logged as String() writes it
        `${String(e.name ?? "Error")}: ${String(e.message)}`
      : `thrown: ${String(error)}`;
  console.error(
    JSON.stringify({
      event: "record-failed",
      messageId: record.messageId,
      receiveCount: Number(record.attributes?.ApproximateReceiveCount) || undefined,
      lastReceive: isLastReceive(record, maxReceiveCount) || undefined,
      error: text.replace(/\s*\n\s*/g, " "),
    }),
  );
}

/** How each record is run, and what to do at the start of an invocation. */
interface RecordHandling {
  readonly handleRecord: (record: SQSRecord) => Promise<void>;
  readonly startInvocation: (context: Context) => void;
}

/**
 * The business logic as a record handler: straight, or through the idempotency table when the
 * function has one. Throws {@link WorkerConfigError} when the options and the function's
 * environment disagree (an `idempotencyKey` without a table): every invocation then fails
 * loudly instead of quietly running without the protection the code asks for.
 */
function recordHandling<T>(businessLogic: MessageProcessor<T>, options: WorkerOptions<T>): RecordHandling {
  const tableName = process.env[IDEMPOTENCY_ENV.table];
  // The construct bundles with SQS_WORKER_BUNDLE_IDEMPOTENCY defined as "off" when idempotency
  // is off: esbuild then drops this branch and the Powertools idempotency code with it, so the
  // zip of a worker without idempotency does not carry it. Unbundled (tests, ts-node) it is unset.
  if (process.env.SQS_WORKER_BUNDLE_IDEMPOTENCY !== "off" && tableName) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on this branch only, so that esbuild drops it from a bundle built with idempotency off
    const { idempotentRecords } = require("./idempotency") as typeof import("./idempotency");
    return idempotentRecords<T>({
      tableName,
      expirySeconds: expirySecondsFromEnv(),
      key: options.idempotencyKey,
      parse: (record) => parseBody(record) as T,
      run: businessLogic,
    });
  } else if (process.env.SQS_WORKER_BUNDLE_IDEMPOTENCY === "off" && tableName) {
    // Only a hand-set variable gets here: the construct sets the table and bundles with idempotency together.
    throw new WorkerConfigError(
      `${functionName()}: ${IDEMPOTENCY_ENV.table} is set, but the bundle was built with idempotency off`,
    );
  } else if (options.idempotencyKey) {
    throw new WorkerConfigError(
      `${functionName()}: makeHandler got an idempotencyKey, but the function has no idempotency table (${IDEMPOTENCY_ENV.table} is not set): ` +
        "turn on the service's idempotency ({ idempotency: {} } on SqsWorker), or remove idempotencyKey",
    );
  }
  return {
    handleRecord: async (record) => businessLogic(parseBody(record) as T, record),
    startInvocation: () => undefined,
  };
}

/**
 * Builds the Lambda handler of a worker around its business logic: parses each record's
 * body, runs `businessLogic` per record and reports the failed records in `batchItemFailures`
 * (the construct's event source mapping has `ReportBatchItemFailures` on). Export the result
 * as `handler` from the file named by the construct's `lambda.entry`.
 *
 * With the construct's `idempotency` on, each record runs through Powertools' idempotency
 * utility (see idempotency.ts): a message whose key already completed within the expiry window
 * is acknowledged without running `businessLogic` again. The key is the message's original id
 * (its SQS message id, kept across the DLQ tool's client-side redrive), or
 * `options.idempotencyKey` of the body.
 */
export function makeHandler<T = unknown>(
  businessLogic: MessageProcessor<T>,
  options: WorkerOptions<T> = {},
): SqsWorkerHandler {
  if (typeof businessLogic !== "function") {
    throw new TypeError(`makeHandler needs the business logic as a function (given ${typeof businessLogic})`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`makeHandler: options must be an object (given ${options === null ? "null" : typeof options})`);
  }
  if (options.idempotencyKey !== undefined && typeof options.idempotencyKey !== "function") {
    throw new TypeError(
      `makeHandler: options.idempotencyKey must be a function of the message (given ${typeof options.idempotencyKey})`,
    );
  }
  const processor = new BatchProcessor(EventType.SQS);
  // Read on the first invocation, not when the module loads: a service's unit tests can then
  // import its worker file without the function's environment.
  let records: RecordHandling | undefined;
  let maxReceiveCount: number | undefined;
  return async (event, context) => {
    if (!records) {
      maxReceiveCount = maxReceiveCountFromEnv();
      records = recordHandling(businessLogic, options);
    }
    records.startInvocation(context);
    const fifo = isFifoBatch(event);
    const run = fifo ? isolateGroups(records.handleRecord, maxReceiveCount) : records.handleRecord;
    const handleRecord = async (record: SQSRecord) => {
      try {
        await run(record);
      } catch (error) {
        logRecordFailure(record, error, maxReceiveCount);
        throw error;
      }
    };
    // FIFO records run one at a time, in order; standard ones concurrently.
    return processPartialResponse(event, handleRecord, processor, { context, processInParallel: !fifo });
  };
}
