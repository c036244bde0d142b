import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Annotations, AssetType, Fn, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import { adviseSqsWorkerConfig } from "./advice";
import { SqsWorkerConfigError } from "./config-error";
import { resolveSqsWorkerConfig, type ResolvedSqsWorkerConfig } from "./defaults";
import { unquoteDependsOnInHcl } from "./depends-on";
import { literalForTerraform } from "./environment";
import { functionEnvironment } from "./construct-environment";
import { codeHashPrecondition } from "./code-precondition";
import { createIdempotencyTable, idempotencyStatements } from "./idempotency";
import { createMonitoring, type WorkerMonitoring } from "./monitoring";
import { BUNDLE_HANDLER, type LambdaBundle } from "./lambda-bundle";
import { claimNames } from "./name-registry";
import { deriveNames, dlqToolCommand, type WorkerNames } from "./names";
import { providerRegion, validateAndBundle } from "./preflight";
import type { SqsWorkerProps } from "./props";
import { queueArns } from "./queue-arns";
import { findShapeViolations } from "./shape";
import { snapshotProps } from "./props-read-once";
import { checkSynthTimeValues } from "./synth-time-props";
import {
  dlqOperatorStatements,
  lambdaTrustStatements,
  optionalWorkerStatements,
  redriveAllowPolicy,
  tlsOnlyQueueStatements,
  workerPolicyStatements,
} from "./security";

/**
 * The alarm's actions. A topic given as a Terraform expression (the app's `alert_sns_arn`
 * variable) may be null, since the variable is optional so that `destroy` never prompts for
 * it: `compact()` drops a null, or a destroy plan fails on "Null value found in list". A plan
 * that creates the alarm without a topic is stopped by the stack's precondition instead.
 */
function alarmActions(topicArn: string): string[] {
  return Token.isUnresolved(topicArn) ? Fn.compact([topicArn]) : [topicArn];
}

/**
 * Reliable background job processing on AWS, as Terraform:
 *
 * ```
 * producer → <service>-queue → event source mapping (batch 10, ReportBatchItemFailures,
 *   maximum concurrency 10) → <service>-worker Lambda
 *   a message failing maxReceiveCount (3) times → <service>-dlq (14 days)
 *   → alarm <service>-dlq-not-empty → SNS
 * ```
 *
 * The props are validated before any resource exists: every broken AWS rule is reported at
 * once in one {@link SqsWorkerConfigError}, so nothing fails half-way through an apply.
 * Above all, the queue's visibility timeout can never be shorter than the function timeout.
 * Departures from AWS's recommendations become synth warnings.
 *
 * Secure by default: both queues encrypted (SSE-SQS or a customer key) and TLS-only, the
 * DLQ accepting redrives only from its source queue, a least-privilege role, traced and
 * logged with a retention.
 *
 * Optionally (`idempotency: {}`) exactly-once effects on top of at-least-once delivery: a
 * DynamoDB table of idempotency records that the worker plumbing checks per message.
 */
export class SqsWorker extends Construct {
  /**
   * The props with every default applied: what was actually built.
   * @internal for this repository's tests: its type changes with any refactor, so it is not
   * in the published declarations (stripInternal) nor the API report.
   */
  public readonly config: ResolvedSqsWorkerConfig;
  /** The AWS names of the created resources. */
  public readonly names: WorkerNames;
  /** The source queue producers send to. */
  public readonly queue: SqsQueue;
  /** The dead-letter queue receiving messages that failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: SqsQueue;
  /** The worker function. */
  public readonly function: LambdaFunction;
  /** The worker function's execution role. */
  public readonly role: IamRole;
  /** The worker role's inline policy (the mapping is created after it). */
  public readonly rolePolicy: IamRolePolicy;
  /** The function's log group, created by Terraform so its retention is managed. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The mapping that polls the queue and invokes the function. */
  public readonly eventSourceMapping: LambdaEventSourceMapping;
  /** The alarm that fires when the dead-letter queue holds a message. */
  public readonly dlqAlarm: CloudwatchMetricAlarm;
  /** The health alarms and the dashboard (see WorkerMonitoringProps); each is undefined when turned off. */
  public readonly monitoring: WorkerMonitoring;
  /** The `<service>-dlq-operator` policy for on-call engineers, unless turned off. */
  public readonly dlqOperatorPolicy: IamPolicy | undefined;
  /** The DynamoDB table of idempotency records, when `idempotency` is on. */
  public readonly idempotencyTable: DynamodbTable | undefined;
  /**
   * The bundled code (zip path, hash, sizes).
   * @internal not in the published declarations (stripInternal) nor the API report.
   */
  public readonly bundle: LambdaBundle;

  constructor(scope: Construct, id: string, props: SqsWorkerProps) {
    super(scope, id);
    // Each prop is read once (getters and prototype props included): what is checked is what is built.
    const snapshot = snapshotProps(props);
    // JavaScript callers and casts can break the shape TypeScript promises: check it first,
    // since defaults and range rules read the values.
    const shapeProblems = findShapeViolations(snapshot, this);
    if (shapeProblems.length > 0) throw new SqsWorkerConfigError(shapeProblems);
    // Terraform expressions where the construct needs a value at synth: refused with the rules' findings.
    const synthTime = checkSynthTimeValues(snapshot as Record<string, unknown>, this);
    const config = resolveSqsWorkerConfig(synthTime.usable as unknown as SqsWorkerProps, providerRegion(this));
    const names = deriveNames(config.serviceName, config.queue.fifo, config.namePrefix);
    this.bundle = validateAndBundle(this, config, names, synthTime);
    this.config = config;
    this.names = names;
    for (const warning of adviseSqsWorkerConfig(config)) Annotations.of(this).addWarning(warning);
    claimNames(this, names, config, this.node.path);

    // Written out even when true: a scanner (and a reviewer) reads absence as unencrypted.
    const encryption = config.queue.kmsKeyArn
      ? { kmsMasterKeyId: config.queue.kmsKeyArn }
      : { sqsManagedSseEnabled: true };
    const fifo = config.queue.fifo ? { fifoQueue: true } : {};
    // Left out unless given, so SQS's default applies; on both queues, so that a message the
    // source queue took fits in the DLQ and can be redriven back.
    const messageSize =
      config.queue.maximumMessageBytes === undefined ? {} : { maxMessageSize: config.queue.maximumMessageBytes };

    // Both queues' ARNs, known before either exists: the queue policies and the DLQ's redrive
    // allow policy are then attributes of the queues themselves. As separate resources
    // (aws_sqs_queue_policy, aws_sqs_queue_redrive_allow_policy) the redrive allow policy was
    // needed to break a cycle (DLQ → source ARN → DLQ ARN), and each one cost a destroy 25 s of
    // the provider waiting for the attribute's removal to propagate.
    const arns = queueArns(this, names, config.provider.awsVersion);

    this.deadLetterQueue = new SqsQueue(this, "DeadLetterQueue", {
      name: names.deadLetterQueue,
      messageRetentionSeconds: config.deadLetterQueue.messageRetentionSeconds,
      ...messageSize,
      ...fifo,
      ...encryption,
      policy: new DataAwsIamPolicyDocument(this, "DeadLetterQueueTlsPolicy", {
        statement: tlsOnlyQueueStatements(arns.deadLetterQueue),
      }).json,
      // Only this worker's source queue may use the DLQ.
      redriveAllowPolicy: Fn.jsonencode(redriveAllowPolicy(arns.queue)),
    });

    this.queue = new SqsQueue(this, "Queue", {
      name: names.queue,
      visibilityTimeoutSeconds: config.queue.visibilityTimeoutSeconds,
      messageRetentionSeconds: config.queue.messageRetentionSeconds,
      delaySeconds: config.queue.delaySeconds,
      receiveWaitTimeSeconds: config.queue.receiveWaitTimeSeconds,
      ...messageSize,
      ...fifo,
      ...(config.queue.fifo ? { contentBasedDeduplication: config.queue.contentBasedDeduplication } : {}),
      ...encryption,
      policy: new DataAwsIamPolicyDocument(this, "QueueTlsPolicy", { statement: tlsOnlyQueueStatements(arns.queue) })
        .json,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: config.deadLetterQueue.maxReceiveCount,
      }),
    });

    this.dlqAlarm = new CloudwatchMetricAlarm(this, "DeadLetterQueueAlarm", {
      alarmName: names.alarm,
      alarmDescription: `Messages in ${names.deadLetterQueue}: jobs of ${config.serviceName} failed ${config.deadLetterQueue.maxReceiveCount} times. Inspect, fix, then redrive.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: this.deadLetterQueue.name },
      statistic: "Maximum",
      period: config.alarm.periodSeconds,
      evaluationPeriods: config.alarm.evaluationPeriods,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      // SQS stops publishing metrics for a queue idle for 6 hours: no data means no messages.
      treatMissingData: "notBreaching",
      alarmActions: alarmActions(config.alarm.topicArn),
    });

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: names.logGroup,
      retentionInDays: config.lambda.logRetentionDays,
    });

    const trustPolicy = new DataAwsIamPolicyDocument(this, "TrustPolicy", { statement: lambdaTrustStatements() });
    this.role = new IamRole(this, "Role", {
      name: names.role,
      assumeRolePolicy: trustPolicy.json,
    });
    this.idempotencyTable = config.idempotency ? createIdempotencyTable(this, names) : undefined;
    const tracing = config.lambda.tracing === "Active";
    const workerPolicy = new DataAwsIamPolicyDocument(this, "WorkerPolicy", {
      statement: [
        ...workerPolicyStatements({ queueArn: this.queue.arn, logGroupArn: this.logGroup.arn }),
        ...optionalWorkerStatements({ tracing, kmsKeyArn: config.queue.kmsKeyArn }),
        // The table's ARN attribute: the policy, and so the function, come after the table.
        ...(this.idempotencyTable ? idempotencyStatements(this.idempotencyTable.arn) : []),
      ],
    });
    this.rolePolicy = new IamRolePolicy(this, "RolePolicy", {
      name: names.role,
      role: this.role.id,
      policy: workerPolicy.json,
    });

    const code = new TerraformAsset(this, "Code", {
      path: this.bundle.zipPath,
      type: AssetType.FILE,
      assetHash: this.bundle.sha256Hex,
    });
    // Only strings reach here: the rule table refused anything else.
    const environment = functionEnvironment(config, names) as Record<string, string>;
    this.function = new LambdaFunction(this, "Function", {
      functionName: names.function,
      role: this.role.arn,
      runtime: config.lambda.runtime,
      architectures: [config.lambda.architecture],
      handler: BUNDLE_HANDLER,
      filename: code.path,
      sourceCodeHash: this.bundle.sourceCodeHash,
      timeout: config.lambda.timeoutSeconds,
      memorySize: config.lambda.memorySizeMb,
      reservedConcurrentExecutions: config.lambda.reservedConcurrency,
      tracingConfig: { mode: config.lambda.tracing },
      environment:
        Object.keys(environment).length > 0
          ? {
              variables: Object.fromEntries(
                Object.entries(environment).map(([key, value]) => [key, literalForTerraform(value)]),
              ),
            }
          : undefined,
      // The log group must exist first, or Lambda creates one without retention.
      // The role's policy too: a traced function writes to X-Ray from its first invocation.
      dependsOn: [this.logGroup, this.rolePolicy],
    });
    unquoteDependsOnInHcl(this.function, [this.logGroup, this.rolePolicy]);
    // The zip Terraform uploads must be the one hashed above: see codeHashPrecondition.
    this.function.lifecycle = { precondition: [codeHashPrecondition(code.path, this.bundle.sourceCodeHash)] };

    this.eventSourceMapping = new LambdaEventSourceMapping(this, "EventSourceMapping", {
      eventSourceArn: this.queue.arn,
      functionName: this.function.arn,
      batchSize: config.eventSource.batchSize,
      // Lambda does not support a batching window on FIFO queues: leave the setting out there.
      maximumBatchingWindowInSeconds: config.queue.fifo ? undefined : config.eventSource.maximumBatchingWindowSeconds,
      // Always on: the handler returns batchItemFailures, which Lambda ignores without it
      // (the whole batch would be deleted as a success).
      functionResponseTypes: ["ReportBatchItemFailures"],
      // Polled, filtered, failed and dropped event counts, for the dashboard and for debugging.
      metricsConfig: { metrics: ["EventCount"] },
      scalingConfig:
        config.eventSource.maximumConcurrency === undefined
          ? undefined
          : { maximumConcurrency: config.eventSource.maximumConcurrency },
      // Provisioned mode (exclusive with the scaling config above: the rule table saw to it).
      provisionedPollerConfig: config.eventSource.provisionedPollers
        ? {
            minimumPollers: config.eventSource.provisionedPollers.minimum,
            maximumPollers: config.eventSource.provisionedPollers.maximum,
          }
        : undefined,
      // Lambda checks the role's SQS permissions when the mapping is created.
      dependsOn: [this.rolePolicy],
    });
    unquoteDependsOnInHcl(this.eventSourceMapping, [this.rolePolicy]);

    this.monitoring = createMonitoring(this, {
      config,
      names,
      queueName: this.queue.name,
      deadLetterQueueName: this.deadLetterQueue.name,
      functionName: this.function.functionName,
      eventSourceMappingUuid: this.eventSourceMapping.uuid,
      region: arns.region,
      alarmActions: alarmActions(config.alarm.topicArn),
    });

    this.dlqOperatorPolicy = config.deadLetterQueue.operatorPolicy
      ? new IamPolicy(this, "DeadLetterQueueOperatorPolicy", {
          name: names.operatorPolicy,
          description: `Inspect, redrive and purge the dead-letter queue of ${config.serviceName} (${dlqToolCommand(config.serviceName, config.namePrefix, "<command>")})`,
          policy: new DataAwsIamPolicyDocument(this, "DeadLetterQueueOperatorPolicyDocument", {
            statement: dlqOperatorStatements({
              queueArn: this.queue.arn,
              deadLetterQueueArn: this.deadLetterQueue.arn,
              alarmArns: [
                this.dlqAlarm,
                ...Object.values(this.monitoring).filter(
                  (m): m is CloudwatchMetricAlarm => m instanceof CloudwatchMetricAlarm,
                ),
              ].map((a) => a.arn),
              logGroupArn: this.logGroup.arn,
              kmsKeyArn: config.queue.kmsKeyArn,
              idempotencyTableArn: this.idempotencyTable?.arn,
            }),
          }).json,
        })
      : undefined;
  }
}
