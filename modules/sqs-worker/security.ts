import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/**
 * The SQS actions the Lambda event source mapping performs with the function's role.
 * `ChangeMessageVisibility` lets the poller return messages early; nothing else is needed.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions
 */
export const WORKER_SQS_ACTIONS = [
  "sqs:ChangeMessageVisibility",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "sqs:ReceiveMessage",
] as const;

/** The log actions the function needs on its own, Terraform-created log group. */
export const WORKER_LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/** The trust policy: only the Lambda service may assume the worker role. */
export function lambdaTrustStatements(): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "LambdaAssumeRole",
      effect: "Allow",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
    },
  ];
}

/** What the worker's inline policy is scoped to: ARNs of this worker's own resources only. */
export interface WorkerPolicyScope {
  readonly queueArn: string;
  readonly logGroupArn: string;
}

/**
 * The worker role's inline policy: consume this queue, write to this log group.
 * No managed policy (AWSLambdaSQSQueueExecutionRole grants on `*`), no `*` resource.
 */
export function workerPolicyStatements(scope: WorkerPolicyScope): DataAwsIamPolicyDocumentStatement[] {
  return [
    { sid: "ConsumeQueue", effect: "Allow", actions: [...WORKER_SQS_ACTIONS], resources: [scope.queueArn] },
    // Log streams are children of the group: their ARNs are "<group arn>:log-stream:<name>".
    { sid: "WriteLogs", effect: "Allow", actions: [...WORKER_LOG_ACTIONS], resources: [`${scope.logGroupArn}:*`] },
  ];
}
