import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { redriveAllowPolicy, tlsOnlyQueueStatements } from "./iam-statements";
import type { WorkerNames } from "./names";
import type { QueueArns } from "./queue-arns";

/** The worker's two queues. */
export interface WorkerQueues {
  readonly deadLetterQueue: SqsQueue;
  readonly queue: SqsQueue;
}

/**
 * The dead-letter queue, then the source queue that redrives to it. Each queue's policy and the
 * DLQ's redrive allow policy are attributes of the queue itself, written from the ARNs known
 * before either queue exists (`arns`): no separate policy resource, and no cycle between them.
 */
export function createQueues(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
  arns: QueueArns,
): WorkerQueues {
  const shared = sharedQueueAttributes(config);
  const deadLetterQueue = new SqsQueue(scope, "DeadLetterQueue", {
    name: names.deadLetterQueue,
    messageRetentionSeconds: config.deadLetterQueue.messageRetentionSeconds,
    ...shared.messageSize,
    ...shared.fifo,
    ...shared.encryption,
    policy: tlsOnlyPolicy(scope, "DeadLetterQueueTlsPolicy", arns.deadLetterQueue),
    // Only this worker's source queue may use the DLQ.
    redriveAllowPolicy: Fn.jsonencode(redriveAllowPolicy(arns.queue)),
  });
  const queue = new SqsQueue(scope, "Queue", {
    name: names.queue,
    visibilityTimeoutSeconds: config.queue.visibilityTimeoutSeconds,
    messageRetentionSeconds: config.queue.messageRetentionSeconds,
    delaySeconds: config.queue.delaySeconds,
    receiveWaitTimeSeconds: config.queue.receiveWaitTimeSeconds,
    ...shared.messageSize,
    ...shared.fifo,
    ...(config.queue.fifo ? { contentBasedDeduplication: config.queue.contentBasedDeduplication } : {}),
    ...shared.encryption,
    policy: tlsOnlyPolicy(scope, "QueueTlsPolicy", arns.queue),
    redrivePolicy: Fn.jsonencode({
      deadLetterTargetArn: deadLetterQueue.arn,
      maxReceiveCount: config.deadLetterQueue.maxReceiveCount,
    }),
  });
  return { deadLetterQueue, queue };
}

/** The attributes both queues carry alike. */
function sharedQueueAttributes(config: ResolvedSqsWorkerConfig) {
  return {
    // Written out even when true: a scanner (and a reviewer) reads absence as unencrypted.
    encryption: config.queue.kmsKeyArn ? { kmsMasterKeyId: config.queue.kmsKeyArn } : { sqsManagedSseEnabled: true },
    fifo: config.queue.fifo ? { fifoQueue: true } : {},
    // Left out unless given, so SQS's default applies; on both queues, so that a message the
    // source queue took fits in the DLQ and can be redriven back.
    messageSize:
      config.queue.maximumMessageBytes === undefined ? {} : { maxMessageSize: config.queue.maximumMessageBytes },
  };
}

/** The JSON of a queue policy that refuses every request not made over TLS. */
function tlsOnlyPolicy(scope: Construct, id: "DeadLetterQueueTlsPolicy" | "QueueTlsPolicy", queueArn: string): string {
  return new DataAwsIamPolicyDocument(scope, id, { statement: tlsOnlyQueueStatements(queueArn) }).json;
}
