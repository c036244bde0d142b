import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { deadLetterQueueOperatorStatements } from "./iam-statements";
import type { WorkerMonitoring } from "./monitoring";
import { dlqToolCommand, type WorkerNames } from "./names";

/** The resources the operator policy grants on. */
export interface OperatedResources {
  readonly queueArn: string;
  readonly deadLetterQueueArn: string;
  /** The DLQ alarm, listed before the health alarms. */
  readonly deadLetterQueueAlarm: CloudwatchMetricAlarm;
  readonly monitoring: WorkerMonitoring;
  readonly logGroupArn: string;
  readonly idempotencyTableArn: string | undefined;
}

/** The `<service>-dlq-operator` policy: what an on-call engineer needs for `npx sqs-worker dlq`. */
export function createDeadLetterQueueOperatorPolicy(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
  operated: OperatedResources,
): IamPolicy {
  const alarms = [
    operated.deadLetterQueueAlarm,
    ...Object.values(operated.monitoring).filter((m): m is CloudwatchMetricAlarm => m instanceof CloudwatchMetricAlarm),
  ];
  return new IamPolicy(scope, "DeadLetterQueueOperatorPolicy", {
    name: names.operatorPolicy,
    description: `Inspect, redrive and purge the dead-letter queue of ${config.serviceName} (${dlqToolCommand(config.serviceName, config.namePrefix, "<command>")})`,
    policy: new DataAwsIamPolicyDocument(scope, "DeadLetterQueueOperatorPolicyDocument", {
      statement: deadLetterQueueOperatorStatements({
        queueArn: operated.queueArn,
        deadLetterQueueArn: operated.deadLetterQueueArn,
        alarmArns: alarms.map((alarm) => alarm.arn),
        logGroupArn: operated.logGroupArn,
        kmsKeyArn: config.queue.kmsKeyArn,
        idempotencyTableArn: operated.idempotencyTableArn,
      }),
    }).json,
  });
}
