/**
 * What the tools (the DLQ tool, the local runner) need to know about AWS SDK errors, in one
 * place: both ask whether a queue exists, and say where they asked.
 */

/** Where a command asks AWS: for lookups and for saying where it looked. */
export interface AwsPlace {
  readonly region: string;
  /** An endpoint such as the emulator's; `undefined` for AWS itself. */
  readonly endpointUrl?: string;
}

/** `in us-east-1 on AWS`, or `in us-east-1 at http://127.0.0.1:5000` (an emulator). */
export function whereAsked(place: AwsPlace): string {
  return `in ${place.region} ${place.endpointUrl ? `at ${place.endpointUrl}` : "on AWS"}`;
}

/**
 * True when an AWS SDK error says the queue does not exist: the JSON protocol's
 * `QueueDoesNotExist`, the query protocol's `AWS.SimpleQueueService.NonExistentQueue`, or an
 * endpoint (the emulator) that only says so in its message.
 */
export function isMissingQueue(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; message?: string } | undefined;
  const name = e?.name ?? e?.Code ?? "";
  return (
    name === "QueueDoesNotExist" ||
    name === "AWS.SimpleQueueService.NonExistentQueue" ||
    /NonExistentQueue|does not exist/i.test(e?.message ?? "")
  );
}
