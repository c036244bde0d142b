import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { unquoteDependsOnInHcl } from "./depends-on";

/** What the mapping connects, and the policy it waits for. */
export interface MappingEnds {
  readonly queue: SqsQueue;
  readonly function: LambdaFunction;
  /** Created first: Lambda checks the role's SQS permissions when the mapping is created. */
  readonly rolePolicy: IamRolePolicy;
}

/** The mapping that polls the queue and invokes the function with batches of its messages. */
export function createEventSourceMapping(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  ends: MappingEnds,
): LambdaEventSourceMapping {
  const { eventSource } = config;
  const mapping = new LambdaEventSourceMapping(scope, "EventSourceMapping", {
    eventSourceArn: ends.queue.arn,
    functionName: ends.function.arn,
    batchSize: eventSource.batchSize,
    // Lambda does not support a batching window on FIFO queues: leave the setting out there.
    maximumBatchingWindowInSeconds: config.queue.fifo ? undefined : eventSource.maximumBatchingWindowSeconds,
    // Always on: the handler returns batchItemFailures, which Lambda ignores without it
    // (the whole batch would be deleted as a success).
    functionResponseTypes: ["ReportBatchItemFailures"],
    // Polled, filtered, failed and dropped event counts, for the dashboard and for debugging.
    metricsConfig: { metrics: ["EventCount"] },
    scalingConfig:
      eventSource.maximumConcurrency === undefined ? undefined : { maximumConcurrency: eventSource.maximumConcurrency },
    // Provisioned mode (exclusive with the scaling config above: the rule table saw to it).
    provisionedPollerConfig: eventSource.provisionedPollers
      ? {
          minimumPollers: eventSource.provisionedPollers.minimum,
          maximumPollers: eventSource.provisionedPollers.maximum,
        }
      : undefined,
    dependsOn: [ends.rolePolicy],
  });
  unquoteDependsOnInHcl(mapping, [ends.rolePolicy]);
  return mapping;
}
