/**
 * Idempotent records for the worker plumbing (worker.ts loads this file only when the function
 * has an idempotency table, and the construct's bundle leaves it out otherwise): Powertools'
 * idempotency utility with its DynamoDB persistence layer, one record per idempotency key.
 *
 * Per record: a conditional PutItem takes the key (INPROGRESS, expiring with the invocation's
 * remaining time), the business logic runs, an UpdateItem marks it COMPLETED until the expiry
 * window ends. A record whose key is COMPLETED returns success without running the business
 * logic; one whose key is INPROGRESS elsewhere fails (it is retried after the visibility
 * timeout, by when the other attempt has finished or its in-progress time has run out); one
 * whose business logic throws releases the key (DeleteItem) and fails, so the retry runs it.
 */
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { Context, SQSRecord } from "aws-lambda";
import { IDEMPOTENCY_ATTRIBUTES } from "./idempotency-settings";
import { MAX_ORIGINAL_MESSAGE_ID_LENGTH, ORIGINAL_MESSAGE_ID_ATTRIBUTE } from "./worker-settings";

/** What {@link idempotentRecords} needs: the table, the expiry window and how to key a record. */
export interface IdempotentRecordSettings<T> {
  readonly tableName: string;
  readonly expirySeconds: number;
  /** The record's key from its parsed body; `undefined` keys on the message's original id ({@link originalMessageId}). */
  readonly key: ((message: T, record: SQSRecord) => string) | undefined;
  /** Parses a record's body (throws for a body that is not JSON). */
  readonly parse: (record: SQSRecord) => T;
  /** The business logic. */
  readonly run: (message: T, record: SQSRecord) => Promise<void>;
  /** Where a skipped duplicate is reported (one JSON line naming it and the original). @default console.log */
  readonly log?: (line: string) => void;
}

/** Thrown for a record whose `idempotencyKey` function threw or returned no usable key. */
export class IdempotencyKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdempotencyKeyError";
  }
}

/**
 * The id a message had when its producer sent it: the SQS message id, or, on a copy that the
 * DLQ tool's client-side redrive sent back, the original's id it carries in the
 * `sqs-worker.original-message-id` attribute (a copy gets a new message id from SQS). A value
 * that cannot be a message id (empty, not a string, too long) is ignored.
 */
export function originalMessageId(record: SQSRecord): string {
  const carried = record.messageAttributes?.[ORIGINAL_MESSAGE_ID_ATTRIBUTE]?.stringValue;
  return typeof carried === "string" && carried !== "" && carried.length <= MAX_ORIGINAL_MESSAGE_ID_LENGTH
    ? carried
    : record.messageId;
}

/** The record's idempotency key: the body key function's result, or the message's original id. */
function keyOf<T>(settings: IdempotentRecordSettings<T>, message: T, record: SQSRecord): string {
  if (!settings.key) return originalMessageId(record);
  let key: unknown;
  try {
    key = settings.key(message, record);
  } catch (error) {
    throw new IdempotencyKeyError(
      `message ${record.messageId}: idempotencyKey threw: ${(error as Error)?.message ?? String(error)}`,
    );
  }
  if (typeof key !== "string" || key === "") {
    throw new IdempotencyKeyError(
      `message ${record.messageId}: idempotencyKey must return a non-empty string (returned ${typeof key === "string" ? '""' : String(key)})`,
    );
  }
  return key;
}

/**
 * Wraps the business logic so that each idempotency key runs it at most once per expiry window
 * (see the file comment). Call `startInvocation(context)` at the start of every invocation: the
 * in-progress expiry follows `context.getRemainingTimeInMillis()`, so a crashed or timed-out
 * attempt blocks its key no longer than the function's timeout.
 */
export function idempotentRecords<T>(settings: IdempotentRecordSettings<T>): {
  readonly startInvocation: (context: Context) => void;
  readonly handleRecord: (record: SQSRecord) => Promise<void>;
} {
  const log = settings.log ?? ((line: string) => console.log(line));
  const config = new IdempotencyConfig({
    // The hashed payload is `{ key }`: the key alone decides, whatever else the body holds.
    eventKeyJmesPath: "key",
    expiresAfterSeconds: settings.expirySeconds,
    throwOnNoIdempotencyKey: true,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: settings.tableName,
    keyAttr: IDEMPOTENCY_ATTRIBUTES.key,
    expiryAttr: IDEMPOTENCY_ATTRIBUTES.expiry,
    inProgressExpiryAttr: IDEMPOTENCY_ATTRIBUTES.inProgressExpiry,
    statusAttr: IDEMPOTENCY_ATTRIBUTES.status,
    dataAttr: IDEMPOTENCY_ATTRIBUTES.data,
  });
  // The records whose business logic ran in this environment: a record that is not among them
  // after runOnce returned was a duplicate of one that had completed.
  const ran = new WeakSet<SQSRecord>();
  const runOnce = makeIdempotent(
    async (_keyed: { key: string }, message: T, record: SQSRecord): Promise<{ messageId: string }> => {
      ran.add(record);
      await settings.run(message, record);
      // Stored with the COMPLETED record, so that a skipped duplicate can name the original.
      return { messageId: record.messageId };
    },
    {
      persistenceStore,
      config,
      // A fixed prefix: Powertools would otherwise add the wrapped function's name, which the
      // minifier may change between builds, and every key would change with a deploy.
      keyPrefix: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "sqs-worker",
    },
  );
  return {
    startInvocation: (context) => config.registerLambdaContext(context),
    handleRecord: async (record) => {
      const message = settings.parse(record);
      const completed = await runOnce({ key: keyOf(settings, message, record) }, message, record);
      if (!ran.has(record)) {
        log(
          JSON.stringify({
            event: "duplicate-skipped",
            messageId: record.messageId,
            duplicateOf: completed?.messageId ?? null,
          }),
        );
      }
    },
  };
}
