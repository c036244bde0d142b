import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { adviseSqsWorkerConfig } from "./advice";
import { SqsWorkerConfigError } from "./config-error";
import { alarmActions, createDeadLetterQueueAlarm } from "./dead-letter-queue-alarm";
import { resolveSqsWorkerConfig, type ResolvedSqsWorkerConfig } from "./resolve-config";
import { createEventSourceMapping } from "./event-source-mapping";
import { createIdempotencyTable } from "./idempotency";
import type { LambdaBundle } from "./lambda-bundle";
import { createMonitoring, type WorkerMonitoring } from "./monitoring";
import { claimNames } from "./name-registry";
import { deriveNames, type WorkerNames } from "./names";
import { createDeadLetterQueueOperatorPolicy } from "./operator-policy";
import { providerRegion, validateAndBundle } from "./preflight";
import type { SqsWorkerProps } from "./props";
import { snapshotProps } from "./props-read-once";
import { queueArns } from "./queue-arns";
import { createQueues } from "./queues";
import { findShapeViolations } from "./prop-shape";
import { checkSynthTimeValues, type SynthTimeCheck } from "./synth-time-props";
import { createLogGroup, createWorkerFunction } from "./worker-function";
import { createWorkerRole, createWorkerRolePolicy } from "./worker-role";

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
    const { config, synthTime } = checkedConfig(this, props);
    const names = deriveNames(config.serviceName, config.queue.fifo, config.namePrefix);
    this.bundle = validateAndBundle(this, config, names, synthTime);
    this.config = config;
    this.names = names;
    for (const warning of adviseSqsWorkerConfig(config)) Annotations.of(this).addWarning(warning);
    claimNames(this, names, config, this.node.path);

    const arns = queueArns(this, names, config.provider.awsVersion);
    const queues = createQueues(this, config, names, arns);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.queue = queues.queue;
    this.dlqAlarm = createDeadLetterQueueAlarm(this, config, names, this.deadLetterQueue.name);
    this.logGroup = createLogGroup(this, config, names);
    this.role = createWorkerRole(this, names);
    this.idempotencyTable = config.idempotency ? createIdempotencyTable(this, names) : undefined;
    this.rolePolicy = createWorkerRolePolicy(this, config, names, {
      role: this.role,
      queueArn: this.queue.arn,
      logGroupArn: this.logGroup.arn,
      idempotencyTableArn: this.idempotencyTable?.arn,
    });
    this.function = createWorkerFunction(this, config, names, {
      bundle: this.bundle,
      role: this.role,
      logGroup: this.logGroup,
      rolePolicy: this.rolePolicy,
    });
    this.eventSourceMapping = createEventSourceMapping(this, config, {
      queue: this.queue,
      function: this.function,
      rolePolicy: this.rolePolicy,
    });
    this.monitoring = monitorWorker(this, arns.region);
    this.dlqOperatorPolicy = config.deadLetterQueue.operatorPolicy ? operatorPolicyFor(this) : undefined;
  }
}

/**
 * The props read once (getters and prototype props included: what is checked is what is built),
 * their shape checked (JavaScript callers and casts can break what TypeScript promises, and
 * defaults and range rules read the values), Terraform expressions refused where the construct
 * needs a value at synth, and every default applied.
 */
function checkedConfig(
  worker: SqsWorker,
  props: SqsWorkerProps,
): { config: ResolvedSqsWorkerConfig; synthTime: SynthTimeCheck } {
  const snapshot = snapshotProps(props);
  const shapeProblems = findShapeViolations(snapshot, worker);
  if (shapeProblems.length > 0) throw new SqsWorkerConfigError(shapeProblems);
  const synthTime = checkSynthTimeValues(snapshot as Record<string, unknown>, worker);
  const config = resolveSqsWorkerConfig(synthTime.usable as unknown as SqsWorkerProps, providerRegion(worker));
  return { config, synthTime };
}

/** The health alarms and the dashboard, on the worker's resources. */
function monitorWorker(worker: SqsWorker, region: string): WorkerMonitoring {
  return createMonitoring(worker, {
    config: worker.config,
    names: worker.names,
    resourceNames: {
      queue: worker.queue.name,
      deadLetterQueue: worker.deadLetterQueue.name,
      function: worker.function.functionName,
      eventSourceMapping: worker.eventSourceMapping.uuid,
    },
    region,
    alarmActions: alarmActions(worker.config.alarmTopicArn),
  });
}

/** The `<service>-dlq-operator` policy, on the worker's queues, alarms, log group and table. */
function operatorPolicyFor(worker: SqsWorker): IamPolicy {
  return createDeadLetterQueueOperatorPolicy(worker, worker.config, worker.names, {
    queueArn: worker.queue.arn,
    deadLetterQueueArn: worker.deadLetterQueue.arn,
    deadLetterQueueAlarm: worker.dlqAlarm,
    monitoring: worker.monitoring,
    logGroupArn: worker.logGroup.arn,
    idempotencyTableArn: worker.idempotencyTable?.arn,
  });
}
