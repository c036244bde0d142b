/**
 * Message-group isolation for a FIFO batch. A FIFO batch holds records of several message
 * groups, each group's records in order. When a record fails, the later records of *its* group
 * must not run (that would break the group's order), but the other groups' records have nothing
 * to do with it: they run. Powertools' FIFO processor without `skipGroupOnError` fails every
 * later record of the batch, whatever its group, so one poison message raised the receive count
 * of other groups' healthy messages on every retry until SQS dead-lettered them too.
 *
 * One exception keeps a poison message from taking its own group's later messages with it: a
 * record that fails on its last receive (ApproximateReceiveCount >= the queue's maxReceiveCount)
 * is on its way to the dead-letter queue (SQS moves it on its next receive), and the group's
 * later records would have been received as often, so they would be dead-lettered with it,
 * untried. Its group therefore goes on in the same batch, in order, as it would once the poison
 * message is gone. Without a known maxReceiveCount the group is always held.
 */
import type { SQSRecord } from "aws-lambda";

/** Thrown for a FIFO record that did not run because an earlier record of its group failed in this batch. */
export class HeldBackError extends Error {
  constructor(record: SQSRecord, blockerId: string, lastReceive: boolean) {
    super(
      `held back: message ${blockerId} of group ${record.attributes.MessageGroupId} failed earlier in this batch` +
        (lastReceive
          ? " (this is its last receive: SQS dead-letters it untried)"
          : "; it runs after that message succeeds or is dead-lettered"),
    );
    this.name = "HeldBackError";
  }
}

/** True when `record` is on its last receive: failing now sends it to the dead-letter queue. */
export function isLastReceive(record: SQSRecord, maxReceiveCount: number | undefined): boolean {
  return maxReceiveCount !== undefined && Number(record.attributes.ApproximateReceiveCount) >= maxReceiveCount;
}

/**
 * A record handler for one FIFO batch (make a new one per invocation: it remembers the groups
 * that failed): runs `handle` for each record unless an earlier record of the same group
 * failed (not on its last receive), in which case it throws {@link HeldBackError} without
 * running it. The batch's records must be given one at a time, in order.
 */
export function isolateGroups(
  handle: (record: SQSRecord) => Promise<void>,
  maxReceiveCount: number | undefined,
): (record: SQSRecord) => Promise<void> {
  const failedGroups = new Map<string, string>(); // group id → the message that failed
  return async (record) => {
    const group = record.attributes.MessageGroupId ?? "";
    const blocker = failedGroups.get(group);
    if (blocker !== undefined) throw new HeldBackError(record, blocker, isLastReceive(record, maxReceiveCount));
    try {
      await handle(record);
    } catch (error) {
      if (!isLastReceive(record, maxReceiveCount)) failedGroups.set(group, record.messageId);
      throw error;
    }
  };
}
