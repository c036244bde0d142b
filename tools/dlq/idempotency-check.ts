import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { deriveNames } from "../../modules/tool-facts";
import { readStackQueueOutputs } from "./stack-outputs";

/** Whether a service's worker has idempotency on, as far as the tool can tell, and from where. */
export type IdempotencyState =
  | { readonly on: true; readonly table: string; readonly source: string }
  | { readonly on: false }
  | { readonly on: "unknown"; readonly table: string; readonly reason: string };

/**
 * Finds out whether the service has an idempotency table: from the outputs of the stack deployed
 * from `projectDir` (its local state file) when there is one, otherwise by DescribeTable of the
 * name the construct gives the table (the operator policy allows exactly that call on it). A
 * missing table means off; any other answer (access denied, a network error) is "unknown", and
 * the caller warns as if it were on.
 */
export async function idempotencyState(
  dynamodb: DynamoDBClient,
  options: { service: string; namePrefix?: string; fifo: boolean; projectDir?: string },
): Promise<IdempotencyState> {
  const prefix = options.namePrefix ?? "";
  const outputs = options.projectDir ? readStackQueueOutputs(options.projectDir, options.service, prefix) : undefined;
  if (outputs)
    return outputs.idempotencyTableName
      ? { on: true, table: outputs.idempotencyTableName, source: outputs.source }
      : { on: false };
  const table = deriveNames(options.service, options.fifo, prefix).idempotencyTable;
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    return { on: true, table, source: "DescribeTable" };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e.name === "ResourceNotFoundException") return { on: false };
    return { on: "unknown", table, reason: `${e.name ?? "Error"}: ${e.message ?? String(error)}` };
  }
}

/**
 * What `redrive` prints before a native redrive of a service with idempotency on (or when it
 * cannot tell): SQS's move task gives every moved message a new message id, so the worker's
 * default idempotency key (the message id) does not recognise a job that had completed before
 * its message was dead-lettered; the client-side redrive keeps the original id.
 */
export function nativeRedriveIdempotencyWarning(
  service: string,
  state: Exclude<IdempotencyState, { on: false }>,
): string {
  const which =
    state.on === true
      ? `${service} has idempotency on (table ${state.table})`
      : `cannot tell whether ${service} has idempotency on (DescribeTable ${state.table}: ${state.reason})`;
  return (
    `warning: ${which}. SQS's native redrive gives every moved message a new message id, so a job that completed before it ` +
    "was dead-lettered runs again unless the worker keys on a body field (makeHandler's idempotencyKey). " +
    "`redrive --client-side` keeps the original id, which the default key uses."
  );
}
