import { createHash } from "crypto";
import type { Message, MessageAttributeValue, SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { ORIGINAL_MESSAGE_ID_ATTRIBUTE } from "../../lambda-src/worker-settings";
import { SQS_BATCH_LIMIT } from "../shared/sqs-batches";

/**
 * SQS's limits for one SendMessageBatch call: 10 entries, and 1 MiB for all their bodies and
 * attributes together (the same as for one message).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export const MAX_BATCH_ENTRIES = SQS_BATCH_LIMIT;
export const MAX_BATCH_BYTES = 1024 * 1024;

/** The size SQS counts for one message: its body plus each attribute's name, type and value. */
export function messageBytes(body: string, attributes: Record<string, MessageAttributeValue> | undefined): number {
  let bytes = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "");
    bytes += value.StringValue !== undefined ? Buffer.byteLength(value.StringValue) : (value.BinaryValue?.length ?? 0);
  }
  return bytes;
}

/**
 * SQS's limit on message attributes per message.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/**
 * A message's user attributes, copied as SendMessage takes them, plus the original's message id
 * ({@link ORIGINAL_MESSAGE_ID_ATTRIBUTE}) so that the worker's default idempotency key survives
 * the copy's new message id. A copy of a copy keeps the first id. A message that already carries
 * SQS's maximum of 10 attributes has no room for it: its copy goes without (see {@link carriesOriginalId}).
 */
function copyAttributes(message: Message): Record<string, MessageAttributeValue> | undefined {
  const copy: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    copy[name] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue };
  }
  if (!copy[ORIGINAL_MESSAGE_ID_ATTRIBUTE] && Object.keys(copy).length < MAX_MESSAGE_ATTRIBUTES && message.MessageId) {
    copy[ORIGINAL_MESSAGE_ID_ATTRIBUTE] = { DataType: "String", StringValue: message.MessageId };
  }
  return Object.keys(copy).length > 0 ? copy : undefined;
}

/** True when a copy entry carries the original message id (false only for a message that had 10 attributes of its own). */
export function carriesOriginalId(entry: SendMessageBatchRequestEntry): boolean {
  return entry.MessageAttributes?.[ORIGINAL_MESSAGE_ID_ATTRIBUTE] !== undefined;
}

/**
 * The deduplication id of a redriven copy on a FIFO queue: its own, so that the source queue
 * never drops it as a repeat of the original send (which it saw with the original's id less
 * than 5 minutes ago, maybe), and derived from the original (its deduplication id and message
 * id), so that a rerun after a crash sends a copy with the same id, which SQS drops if the
 * first copy was already accepted: never two copies.
 */
export function redriveDeduplicationId(message: Message): string {
  const original = `${message.Attributes?.MessageDeduplicationId ?? ""}:${message.MessageId}`;
  return `redrive-${createHash("sha256").update(original).digest("hex")}`;
}

/**
 * The SendMessageBatch entry that copies `message` (its `Id` is the message's index in the
 * receive): body, attributes, the original message id, and on FIFO the group and a derived
 * deduplication id.
 */
export function copyEntry(message: Message, id: string, fifo: boolean): SendMessageBatchRequestEntry {
  return {
    Id: id,
    MessageBody: message.Body!,
    MessageAttributes: copyAttributes(message),
    ...(fifo
      ? { MessageGroupId: message.Attributes?.MessageGroupId, MessageDeduplicationId: redriveDeduplicationId(message) }
      : {}),
  };
}

/**
 * Splits entries into batches SQS accepts: at most 10 entries and 1 MiB each, in order. On a
 * FIFO queue a batch holds at most one message per group, so that when a send fails the later
 * messages of its group are still unsent (the caller stops there) and the group's order holds.
 */
export function splitIntoBatches(
  entries: readonly SendMessageBatchRequestEntry[],
  fifo: boolean,
): SendMessageBatchRequestEntry[][] {
  const batches: SendMessageBatchRequestEntry[][] = [];
  const remaining = [...entries];
  while (remaining.length > 0) {
    const batch: SendMessageBatchRequestEntry[] = [];
    const groups = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < remaining.length && batch.length < MAX_BATCH_ENTRIES;) {
      const entry = remaining[i];
      const size = messageBytes(entry.MessageBody ?? "", entry.MessageAttributes);
      const group = entry.MessageGroupId ?? "";
      if ((fifo && groups.has(group)) || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        if (fifo && groups.has(group)) {
          i++; // a later batch keeps this group's order; other groups may still fit here
          continue;
        }
        break;
      }
      batch.push(entry);
      groups.add(group);
      bytes += size;
      remaining.splice(i, 1);
    }
    batches.push(batch);
  }
  return batches;
}
