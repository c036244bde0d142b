import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

const DEPTH_ATTRIBUTES = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] as const;

/** Visible + in-flight + delayed messages of a queue (SQS's approximate counters). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...DEPTH_ATTRIBUTES] }));
  return DEPTH_ATTRIBUTES.reduce((sum, key) => sum + Number(Attributes[key] ?? 0), 0);
}
