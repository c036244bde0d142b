/**
 * What the construct and the worker plumbing agree on for idempotency: the environment
 * variables the construct sets on the function, and the attribute names of the DynamoDB table
 * (Powertools' defaults, written out so that the table's key and TTL cannot drift from what the
 * worker writes). No imports: the construct reads this file at synth, the worker at run time.
 */

/** Environment variables the construct sets on a worker whose `idempotency` is on. */
export const IDEMPOTENCY_ENV = {
  /** The DynamoDB table's name: set means idempotency is on. */
  table: "SQS_WORKER_IDEMPOTENCY_TABLE",
  /** How long, in seconds, a processed message's record keeps duplicates from running. */
  expirySeconds: "SQS_WORKER_IDEMPOTENCY_EXPIRY_SECONDS",
} as const;

/**
 * The table's attributes, as Powertools' DynamoDB persistence layer names them by default.
 * @see https://docs.aws.amazon.com/powertools/typescript/latest/features/idempotency/#dynamodbpersistencelayer
 */
export const IDEMPOTENCY_ATTRIBUTES = {
  /** Partition key (string): `<function name>#<md5 of the idempotency key>`. */
  key: "id",
  /** Epoch seconds after which the record no longer counts: the table's TTL attribute. */
  expiry: "expiration",
  /** Epoch milliseconds after which an INPROGRESS record may be taken over (a crashed attempt). */
  inProgressExpiry: "in_progress_expiration",
  /** INPROGRESS, COMPLETED or EXPIRED. */
  status: "status",
  /** The business logic's return value (the worker's returns nothing). */
  data: "data",
} as const;

/**
 * The item actions Powertools' DynamoDB persistence layer performs: PutItem (conditional: take
 * the key), GetItem (read a record that exists), UpdateItem (mark it COMPLETED), DeleteItem
 * (release it when the business logic failed, so the retry runs).
 */
export const IDEMPOTENCY_TABLE_ACTIONS = [
  "dynamodb:DeleteItem",
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
] as const;

/**
 * The AWS SDK packages the idempotency code loads. Lambda's Node.js runtimes provide them, so
 * the bundle leaves them out (external) instead of carrying ~1 MB of DynamoDB client.
 */
export const IDEMPOTENCY_RUNTIME_PACKAGES = ["@aws-sdk/client-dynamodb", "@aws-sdk/util-dynamodb"] as const;
