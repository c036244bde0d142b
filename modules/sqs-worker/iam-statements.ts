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
 * No managed policy (AWSLambdaSQSQueueExecutionRole grants on `*`), no `*` resource;
 * see {@link optionalWorkerStatements} for tracing and KMS.
 */
export function workerPolicyStatements(scope: WorkerPolicyScope): DataAwsIamPolicyDocumentStatement[] {
  return [
    { sid: "ConsumeQueue", effect: "Allow", actions: [...WORKER_SQS_ACTIONS], resources: [scope.queueArn] },
    // Log streams are children of the group: their ARNs are "<group arn>:log-stream:<name>".
    { sid: "WriteLogs", effect: "Allow", actions: [...WORKER_LOG_ACTIONS], resources: [`${scope.logGroupArn}:*`] },
  ];
}

/**
 * X-Ray write actions for active tracing. AWS does not support resource-level permissions
 * for them, so `*` is the only possible resource (the one `*` this module ever writes).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
 */
export const XRAY_WRITE_ACTIONS = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"] as const;

/** Receiving from an SSE-KMS queue decrypts the data key; nothing else is needed to consume. */
export const WORKER_KMS_ACTIONS = ["kms:Decrypt"] as const;

/** Extra statements of the worker policy for tracing and a customer managed key. */
export function optionalWorkerStatements(options: {
  tracing: boolean;
  kmsKeyArn?: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const statements: DataAwsIamPolicyDocumentStatement[] = [];
  if (options.kmsKeyArn) {
    statements.push({
      sid: "DecryptQueueMessages",
      effect: "Allow",
      actions: [...WORKER_KMS_ACTIONS],
      resources: [options.kmsKeyArn],
    });
  }
  if (options.tracing) {
    statements.push({ sid: "WriteTraces", effect: "Allow", actions: [...XRAY_WRITE_ACTIONS], resources: ["*"] });
  }
  return statements;
}

/**
 * A queue policy that denies every request not made over TLS, whoever makes it. It grants
 * nothing: access still comes only from IAM policies such as the worker's.
 */
export function tlsOnlyQueueStatements(queueArn: string): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "DenyInsecureTransport",
      effect: "Deny",
      actions: ["sqs:*"],
      resources: [queueArn],
      principals: [{ type: "*", identifiers: ["*"] }],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    },
  ];
}

/** The dead-letter queue's redrive allow policy: only this worker's source queue may use it. */
export function redriveAllowPolicy(sourceQueueArn: string): {
  redrivePermission: "byQueue";
  sourceQueueArns: string[];
} {
  return { redrivePermission: "byQueue", sourceQueueArns: [sourceQueueArn] };
}

/** CloudWatch metric reads, which AWS cannot scope to a resource (the operator policy's one `*`). */
export const METRIC_READ_ACTIONS = ["cloudwatch:GetMetricStatistics"] as const;

/** What the DLQ operator policy is scoped to. */
export interface OperatorPolicyScope {
  readonly queueArn: string;
  readonly deadLetterQueueArn: string;
  /** Every alarm of the worker: `status` shows each one's state. */
  readonly alarmArns: readonly string[];
  readonly logGroupArn: string;
  readonly kmsKeyArn?: string;
  /** The idempotency table, when idempotency is on: `redrive` checks that it exists before a native redrive. */
  readonly idempotencyTableArn?: string;
}

/**
 * The DLQ operator policy (`<service>-dlq-operator`): exactly what `sqs-worker dlq` needs on these
 * two queues. StartMessageMoveTask runs with the caller's permissions: receive and delete on
 * the DLQ, send on the source queue.
 */
export function deadLetterQueueOperatorStatements(scope: OperatorPolicyScope): DataAwsIamPolicyDocumentStatement[] {
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    {
      sid: "InspectRedrivePurgeDeadLetterQueue",
      effect: "Allow",
      actions: [
        "sqs:CancelMessageMoveTask",
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ListDeadLetterSourceQueues",
        "sqs:ListMessageMoveTasks",
        "sqs:PurgeQueue",
        "sqs:ReceiveMessage",
        "sqs:StartMessageMoveTask",
      ],
      resources: [scope.deadLetterQueueArn],
    },
    {
      sid: "SendBackToSourceQueue",
      effect: "Allow",
      actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
      resources: [scope.queueArn],
    },
    { sid: "ReadAlarmState", effect: "Allow", actions: ["cloudwatch:DescribeAlarms"], resources: [...scope.alarmArns] },
    // `logs` reads the worker's log group; IAM names it with and without the ":*" of its streams.
    {
      sid: "ReadWorkerLogs",
      effect: "Allow",
      actions: ["logs:FilterLogEvents"],
      resources: [scope.logGroupArn, `${scope.logGroupArn}:*`],
    },
    // status reads the queues' ApproximateAgeOfOldestMessage; CloudWatch supports no resource-level
    // permissions for metric reads, so `*` is the only possible resource.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
    { sid: "ReadQueueAgeMetrics", effect: "Allow", actions: [...METRIC_READ_ACTIONS], resources: ["*"] },
  ];
  if (scope.idempotencyTableArn) {
    // Metadata only (no item reads): a native redrive gives moved messages new ids, which the
    // default idempotency key does not survive, so the tool warns when the table exists.
    statements.push({
      sid: "SeeIdempotencyTable",
      effect: "Allow",
      actions: ["dynamodb:DescribeTable"],
      resources: [scope.idempotencyTableArn],
    });
  }
  if (scope.kmsKeyArn) {
    statements.push({
      sid: "UseQueueKey",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [scope.kmsKeyArn],
    });
  }
  return statements;
}
