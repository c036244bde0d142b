import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Token } from "cdktf";
import type { Construct } from "constructs";
import { IDEMPOTENCY_ATTRIBUTES, IDEMPOTENCY_ENV, IDEMPOTENCY_TABLE_ACTIONS } from "../../lambda-src/idempotency-settings";
import type { ResolvedSqsWorkerConfig } from "./defaults";
import type { WorkerNames } from "./names";
import { environmentEntries } from "./environment";
import { isUnresolved } from "./tokens";

/**
 * The construct's half of idempotency (the worker's half is lambda-src/idempotency.ts): the
 * table Powertools' DynamoDB persistence layer writes to, the role statement it needs, and the
 * environment variables that tell the worker plumbing where the table is.
 */

/**
 * The table of idempotency records, `<service>-idempotency`:
 * - on-demand billing: traffic follows the queue, and an idle worker costs nothing;
 * - partition key `id` (string), TTL on `expiration` (epoch seconds), both as Powertools
 *   writes them, so DynamoDB deletes expired records at no cost;
 * - encrypted with the AWS managed key (the records hold hashed keys and a status, no message
 *   content) and point-in-time recovery on;
 * - no deletion protection: `cdktf destroy` of the service removes it with the queues.
 * @see https://docs.aws.amazon.com/powertools/typescript/latest/features/idempotency/#required-resources
 */
export function createIdempotencyTable(scope: Construct, names: WorkerNames): DynamodbTable {
  return new DynamodbTable(scope, "IdempotencyTable", {
    name: names.idempotencyTable,
    billingMode: "PAY_PER_REQUEST",
    hashKey: IDEMPOTENCY_ATTRIBUTES.key,
    attribute: [{ name: IDEMPOTENCY_ATTRIBUTES.key, type: "S" }],
    ttl: { attributeName: IDEMPOTENCY_ATTRIBUTES.expiry, enabled: true },
    serverSideEncryption: { enabled: true },
    pointInTimeRecovery: { enabled: true },
  });
}

/** The worker role's statement: exactly the item actions Powertools performs, on this table only. */
export function idempotencyStatements(tableArn: string): DataAwsIamPolicyDocumentStatement[] {
  return [{ sid: "IdempotencyRecords", effect: "Allow", actions: [...IDEMPOTENCY_TABLE_ACTIONS], resources: [tableArn] }];
}

/**
 * The environment variables the construct adds to the function: none with idempotency off; the
 * table's name (a literal, so that the local runner reads it from the synthesized stack) and
 * the expiry window with it on.
 */
export function constructEnvironment(config: ResolvedSqsWorkerConfig, names: WorkerNames): Record<string, string> {
  if (!config.idempotency) return {};
  const expiry = config.idempotency.expirySeconds;
  return {
    [IDEMPOTENCY_ENV.table]: names.idempotencyTable,
    [IDEMPOTENCY_ENV.expirySeconds]: isUnresolved(expiry) ? Token.asString(expiry) : String(expiry),
  };
}

/**
 * Every variable the function gets: the user's `lambda.environment` and the construct's own
 * ({@link constructEnvironment}). What the construct writes, and what the 4 KB rule counts.
 */
export function functionEnvironment(config: ResolvedSqsWorkerConfig, names: WorkerNames): Record<string, unknown> {
  return { ...Object.fromEntries(environmentEntries(config.lambda.environment)), ...constructEnvironment(config, names) };
}
