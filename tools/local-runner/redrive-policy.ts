/**
 * The `maxReceiveCount` of a redrive policy, from either place the runner sees one:
 *
 * - SQS's `RedrivePolicy` queue attribute: JSON text, the count a number or a numeric string;
 * - a synthesized `aws_sqs_queue.redrive_policy`: the construct writes
 *   `${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.<dlq>.arn, "maxReceiveCount" = 3})}`,
 *   a Terraform expression rather than JSON, because the dead-letter queue's ARN is only known
 *   after apply. Only the count's literal is read from it; the reference is not evaluated.
 *
 * `undefined` when there is no policy or the count is not a literal (a variable, an
 * expression): the runner then cannot tell a last receive from another and says so.
 */
export function maxReceiveCountOf(redrivePolicy: unknown): number | undefined {
  if (typeof redrivePolicy !== "string" || redrivePolicy.trim() === "") return undefined;
  try {
    const parsed = JSON.parse(redrivePolicy) as { maxReceiveCount?: unknown };
    return positiveInteger(parsed?.maxReceiveCount);
  } catch {
    // Not JSON: a Terraform expression, read below.
  }
  // The literal must end at a `,` or `}` so that `3 + var.extra` is not read as 3.
  const literal = redrivePolicy.match(/"maxReceiveCount"\s*[=:]\s*"?(\d+)"?\s*[,}]/);
  return literal ? positiveInteger(literal[1]) : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  const count = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof count === "number" && Number.isInteger(count) && count > 0 ? count : undefined;
}
