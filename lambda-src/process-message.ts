import type { SQSRecord } from "aws-lambda";

/**
 * The business logic: the one function a service team edits.
 *
 * It is called once per SQS message with the message body already parsed as JSON.
 * Throw to mark this message as failed: only failed messages are retried (after the
 * queue's visibility timeout) and, after `maxReceiveCount` failed receives, moved to
 * the dead-letter queue. Return normally and the message is deleted.
 *
 * Delivery is at least once: the same message can arrive twice even with a correct
 * visibility timeout, so make this idempotent (key writes on `record.messageId` or on
 * your domain's own id).
 *
 * @param message the parsed JSON body of the message
 * @param record the raw SQS record (attributes, message id, receive count)
 */
export async function processMessage(message: unknown, record: SQSRecord): Promise<void> {
  // Replace with the real work. Logging the id (not the body) keeps payloads out of logs.
  console.log(JSON.stringify({ event: "processed", messageId: record.messageId, type: typeof message }));
}
