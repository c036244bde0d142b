/**
 * How Lambda's event source mapping reads a handler's response when ReportBatchItemFailures
 * is on: which records of the batch to delete and which to leave for a retry.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export type BatchVerdict =
  /** Delete these message ids; the rest become visible again after the visibility timeout. */
  | { readonly kind: "partial"; readonly failedIds: ReadonlySet<string> }
  /** The whole batch failed: delete nothing. */
  | { readonly kind: "batch-failed"; readonly reason: string };

/**
 * Interprets the handler's outcome. Success is an empty, null or missing response or an
 * empty `batchItemFailures`; a thrown error, an unknown or empty `itemIdentifier` or a
 * malformed response fails the whole batch. Without ReportBatchItemFailures the response is
 * ignored and only a thrown error fails the batch.
 */
export function judgeBatch(
  outcome: { ok: true; result: unknown } | { ok: false; error: { message: string } },
  batchIds: readonly string[],
  reportBatchItemFailures: boolean,
): BatchVerdict {
  if (!outcome.ok) return { kind: "batch-failed", reason: outcome.error.message };
  const result = outcome.result;
  if (!reportBatchItemFailures || result === null || result === undefined)
    return { kind: "partial", failedIds: new Set() };
  if (typeof result !== "object") return { kind: "batch-failed", reason: "malformed response" };
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: "partial", failedIds: new Set() };
  if (!Array.isArray(failures)) return { kind: "batch-failed", reason: "batchItemFailures is not a list" };
  const known = new Set(batchIds);
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || id === "" || !known.has(id)) {
      return { kind: "batch-failed", reason: `invalid itemIdentifier ${JSON.stringify(id)}` };
    }
    failedIds.add(id);
  }
  return { kind: "partial", failedIds };
}
