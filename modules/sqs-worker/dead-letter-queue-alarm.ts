import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { WORKER_METRICS, alarmMetric } from "./metrics";
import type { WorkerNames } from "./names";

/**
 * The alarm's actions. A topic given as a Terraform expression (the app's `alert_sns_arn`
 * variable) may be null, since the variable is optional so that `destroy` never prompts for
 * it: `compact()` drops a null, or a destroy plan fails on "Null value found in list". A plan
 * that creates the alarm without a topic is stopped by the stack's precondition instead.
 */
export function alarmActions(topicArn: string): string[] {
  return Token.isUnresolved(topicArn) ? Fn.compact([topicArn]) : [topicArn];
}

/** The alarm `<service>-dlq-not-empty`: the dead-letter queue holds a message. */
export function createDeadLetterQueueAlarm(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
  deadLetterQueueName: string,
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, "DeadLetterQueueAlarm", {
    alarmName: names.alarm,
    alarmDescription: `Messages in ${names.deadLetterQueue}: jobs of ${config.serviceName} failed ${config.deadLetterQueue.maxReceiveCount} times. Inspect, fix, then redrive.`,
    ...alarmMetric(WORKER_METRICS.visibleMessages, deadLetterQueueName),
    statistic: "Maximum",
    period: config.deadLetterQueue.alarmPeriodSeconds,
    evaluationPeriods: config.deadLetterQueue.alarmEvaluationPeriods,
    comparisonOperator: "GreaterThanThreshold",
    threshold: 0,
    // SQS stops publishing metrics for a queue idle for 6 hours: no data means no messages.
    treatMissingData: "notBreaching",
    alarmActions: alarmActions(config.alarmTopicArn),
  });
}
