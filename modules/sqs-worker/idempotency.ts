import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { Construct } from "constructs";
import { IDEMPOTENCY_ATTRIBUTES, IDEMPOTENCY_TABLE_ACTIONS } from "../../lambda-src/idempotency-settings";
import type { WorkerNames } from "./names";

/**
 * The construct's half of idempotency (the worker's half is lambda-src/idempotency.ts): the
 * table Powertools' DynamoDB persistence layer writes to and the role statement it needs (the
 * variables that tell the worker plumbing where the table is: construct-environment.ts).
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
  return [
    { sid: "IdempotencyRecords", effect: "Allow", actions: [...IDEMPOTENCY_TABLE_ACTIONS], resources: [tableArn] },
  ];
}
