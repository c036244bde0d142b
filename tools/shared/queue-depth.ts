import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** SQS's approximate message counters of one queue. */
export interface QueueCounters {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** Reads a queue's visible, in-flight and delayed counters in one call. */
export async function queueCounters(sqs: SQSClient, queueUrl: string): Promise<QueueCounters> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Visible + in-flight + delayed messages of a queue. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { visible, inFlight, delayed } = await queueCounters(sqs, queueUrl);
  return visible + inFlight + delayed;
}
