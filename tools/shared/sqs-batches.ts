/**
 * SQS's batch limit, for every tool that sends, deletes, releases or receives messages.
 */

/**
 * The most entries one batch call takes (SendMessageBatch, DeleteMessageBatch,
 * ChangeMessageVisibilityBatch), and the most messages one ReceiveMessage returns.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export const SQS_BATCH_LIMIT = 10;

/** `items` in order, in chunks of at most {@link SQS_BATCH_LIMIT}: one batch call per chunk. */
export function inSqsBatches<T>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += SQS_BATCH_LIMIT) batches.push(items.slice(i, i + SQS_BATCH_LIMIT));
  return batches;
}
