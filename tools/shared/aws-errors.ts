/**
 * What the tools (the DLQ tool, the local runner) need to know about AWS SDK errors, in one
 * place: both ask whether a queue exists.
 */

/**
 * True when an AWS SDK error says the queue does not exist: the JSON protocol's
 * `QueueDoesNotExist`, the query protocol's `AWS.SimpleQueueService.NonExistentQueue`, or an
 * endpoint (the emulator) that only says so in its message.
 */
export function isMissingQueue(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; message?: string } | undefined;
  const name = e?.name ?? e?.Code ?? "";
  return name === "QueueDoesNotExist" || name === "AWS.SimpleQueueService.NonExistentQueue" || /NonExistentQueue|does not exist/i.test(e?.message ?? "");
}
