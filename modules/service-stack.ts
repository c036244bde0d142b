import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import type { SqsWorkerProps, WorkerAlarmProps } from "./sqs-worker/props";
import { SqsWorkerConfigError, type SqsWorkerViolation } from "./sqs-worker/config-error";
import { snapshotProps } from "./sqs-worker/props-read-once";
import { SqsWorker } from "./sqs-worker/sqs-worker";
import { AWS_PARTITIONS, show } from "./sqs-worker/validate";
import { keepStackFolderConsistent } from "./stack-files";
import { serviceStackId, stageNamePrefix, stageProblem } from "./stage";

/**
 * Where Terraform keeps one service's state.
 * - `local`: `terraform.<namePrefix><service>.tfstate` in the project root, written as a path relative to
 *   the stack folder (`cdktf.out/stacks/<stack id>`), so the output holds no absolute path.
 * - `s3`: one object per service and prefix, `<keyPrefix>/<namePrefix><service>/terraform.tfstate`, encrypted, locked
 *   with S3's native lock file (Terraform >= 1.10) or, when given, a DynamoDB table.
 *
 * With a stage and no namePrefix of its own, the prefix is `<stage>-`: the state of `dev` is
 * `terraform.dev-<service>.tfstate` (S3: `<keyPrefix>/dev-<service>/terraform.tfstate`), named as the stack.
 */
export type StateBackendConfig =
  | { readonly kind: "local" }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      readonly region: string;
      /** @default "sqs-worker" */
      readonly keyPrefix?: string;
      /** Legacy DynamoDB lock table; without it the S3 lock file is used. */
      readonly dynamodbTable?: string;
    };

/** One service's stack: everything except the alarm topic, which is a Terraform variable. */
export interface ServiceStackProps {
  /** AWS region of the provider. */
  readonly region: string;
  /**
   * The deployment stage, such as `dev` or `prod`: lowercase letters, digits and hyphens,
   * starting with a letter, not ending with a hyphen. With a stage, the stack id is
   * `<stage>-<service>` (`cdktf deploy dev-invoices`), the worker's `namePrefix` defaults to
   * `<stage>-` (`dev-invoices-queue`...; the name-length rules count it), so is the state
   * (`terraform.dev-invoices.tfstate`), and the provider tags every resource `Stage: <stage>`.
   * One app can hold several stages of a service side by side. The `sqs-worker` commands take
   * the same stage as `--stage` (or `SQS_WORKER_STAGE`).
   * @default - none: the stack id is the service name and names carry no prefix
   */
  readonly stage?: string;
  /** @default { kind: "local" } */
  readonly backend?: StateBackendConfig;
  /**
   * The worker's props, minus the service name (the constructor's second argument) and the
   * alarm topic (a variable). `lambda.entry` is required. A `namePrefix` (by default `<stage>-`
   * with a stage) also separates the state: each prefix of a service has its own state file or
   * S3 key.
   */
  readonly worker: ServiceWorkerProps;
}

/** {@link SqsWorkerProps} as a {@link ServiceStack} takes them: without `serviceName` and `alarmTopicArn`. */
export type ServiceWorkerProps = Omit<SqsWorkerProps, "serviceName" | "alarm" | "alarmTopicArn"> & {
  /** @deprecated use `deadLetterQueue.alarmPeriodSeconds` and `deadLetterQueue.alarmEvaluationPeriods` */
  readonly alarm?: Omit<WorkerAlarmProps, "topicArn">;
};

/**
 * Refuses, in one error, the worker props a ServiceStack sets itself: `serviceName` (its second
 * argument) and the alarm topic (the `alert_sns_arn` variable). A JavaScript caller could pass them;
 * overriding them silently would deploy names or an alarm target other than the ones written.
 */
function refuseStackOwnedProps(
  serviceName: string,
  worker: Readonly<Record<string, unknown>>,
  alarm: Readonly<Record<string, unknown>> | undefined,
): void {
  const violations: SqsWorkerViolation[] = [];
  if (worker.serviceName !== undefined) {
    violations.push({
      serviceName,
      path: "serviceName",
      rule: "is set by ServiceStack (its second argument, the service name), not in worker",
      given: show(worker.serviceName),
    });
  }
  const topicRule =
    "is set by ServiceStack (the alert_sns_arn variable), not in worker; pass the topic with --var alert_sns_arn=ARN";
  if (worker.alarmTopicArn !== undefined) {
    violations.push({ serviceName, path: "alarmTopicArn", rule: topicRule, given: show(worker.alarmTopicArn) });
  }
  if (alarm && typeof alarm === "object" && alarm.topicArn !== undefined) {
    violations.push({ serviceName, path: "alarm.topicArn", rule: topicRule, given: show(alarm.topicArn) });
  }
  if (violations.length > 0) throw new SqsWorkerConfigError(violations);
}

/**
 * The relative path from `cdktf.out/stacks/<stack id>` to the project root's state file,
 * `terraform.<namePrefix><service>.tfstate`.
 */
export function localStatePath(stateName: string): string {
  return `../../../terraform.${stateName}.tfstate`;
}

/**
 * One deployable unit per service and stage (`cdktf deploy <service>`, with a stage
 * `cdktf deploy <stage>-<service>`): the AWS provider with tags naming the service (and the
 * stage), a state backend, the `alert_sns_arn` variable, one {@link SqsWorker} and the outputs a
 * producer or an operator needs.
 */
export class ServiceStack extends TerraformStack {
  /** The worker this stack deploys. */
  public readonly worker: SqsWorker;
  /** The `alert_sns_arn` variable the DLQ alarm notifies. */
  public readonly alertTopicArn: TerraformVariable;

  constructor(scope: Construct, serviceName: string, props: ServiceStackProps) {
    // JavaScript callers: a stack id, region or backend of the wrong shape would otherwise fail as
    // a raw TypeError, or (a mistyped backend kind) silently synthesize an S3 backend without a bucket.
    const wrong = stackPropViolations(serviceName, props);
    if (wrong.length > 0) throw new SqsWorkerConfigError(wrong);
    const stage = props.stage;
    super(scope, serviceStackId(serviceName, stage));
    keepStackFolderConsistent(this);

    const { worker, alarm, stagePrefix, stateName } = workerPropsFor(serviceName, stage, props.worker);
    new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [
        { tags: { Service: serviceName, ...(stage === undefined ? {} : { Stage: stage }), ManagedBy: "cdktf" } },
      ],
    });
    configureBackend(this, stateName, props.backend ?? { kind: "local" });
    this.alertTopicArn = alertTopicVariable(this, serviceName, stage, props.region);

    try {
      this.worker = new SqsWorker(this, "Worker", {
        ...worker,
        ...stagePrefix,
        serviceName,
        ...(alarm === undefined ? {} : { alarm }),
        alarmTopicArn: this.alertTopicArn.stringValue,
      });
    } catch (error) {
      throw stage !== undefined && error instanceof SqsWorkerConfigError ? namingTheStage(error, stage) : error;
    }
    this.worker.dlqAlarm.lifecycle = {
      precondition: [
        {
          condition: "${var.alert_sns_arn != null}",
          // Short enough for Terraform not to wrap it: one line says what to do.
          errorMessage: "alert_sns_arn unset: pass --var alert_sns_arn=ARN or TF_VAR_alert_sns_arn",
        },
      ],
    };
    addOutputs(this, this.worker);
  }
}

/**
 * The worker props as the stack passes them on: read once (getters and prototype props included;
 * a spread would keep only own enumerable keys and drop the rest without a word), refused if they
 * set what the stack owns, and with the stage's name prefix unless the worker chose its own. A
 * JavaScript caller can omit the worker entirely: SqsWorker then reports lambda.entry.
 */
function workerPropsFor(serviceName: string, stage: string | undefined, given: ServiceWorkerProps | undefined) {
  const snapshot = snapshotProps(given ?? {});
  const { alarm, ...worker } = (
    typeof snapshot === "object" && snapshot !== null ? snapshot : {}
  ) as ServiceWorkerProps;
  refuseStackOwnedProps(serviceName, worker, alarm);
  const stagePrefix: { namePrefix?: string } =
    stage !== undefined && worker.namePrefix === undefined ? { namePrefix: stageNamePrefix(stage) } : {};
  const namePrefix = stagePrefix.namePrefix ?? worker.namePrefix;
  // A prefix (stage) gets its own state: dev-orders and prod-orders never share one.
  const stateName = `${typeof namePrefix === "string" ? namePrefix : ""}${serviceName}`;
  return { worker, alarm, stagePrefix, stateName };
}

/**
 * The `alert_sns_arn` variable. Optional (default null) so that no command ever stops at an
 * interactive prompt for it: `cdktf destroy` needs no topic, and a plan that would create or
 * change the alarm without one fails at once on the alarm's precondition, naming both ways to
 * pass it.
 */
function alertTopicVariable(
  stack: TerraformStack,
  serviceName: string,
  stage: string | undefined,
  region: string,
): TerraformVariable {
  const topicRegion = Token.isUnresolved(region) ? "[a-z0-9-]+" : region.replace(/[^a-z0-9-]/g, "");
  const variable = new TerraformVariable(stack, "alert_sns_arn", {
    type: "string",
    nullable: true,
    description: `SNS topic ARN notified when the dead-letter queue of ${serviceName}${stage === undefined ? "" : ` (stage ${stage})`} holds messages`,
    validation: [
      {
        // Terraform JSON reads a plain string as a literal: the expression needs "${...}".
        // A real partition, and the stack's region: alarm actions must be in the alarm's region.
        condition: `\${var.alert_sns_arn == null || can(regex("^arn:(${AWS_PARTITIONS.join("|")}):sns:${topicRegion}:[0-9]{12}:[A-Za-z0-9_-]+(\\\\.fifo)?$", var.alert_sns_arn))}`,
        errorMessage: `alert_sns_arn must be an SNS topic ARN in ${Token.isUnresolved(region) ? "the stack's region" : region} (arn:aws:sns:<region>:<account>:<topic>): alarm actions must be in the alarm's region.`,
      },
    ],
  });
  // cdktf 0.21 cannot write a null default through the config (it crashes on null).
  variable.addOverride("default", null);
  return variable;
}

/** The outputs a producer or an operator needs: the queues, the function, the alarm, the optional policy and table. */
function addOutputs(stack: TerraformStack, worker: SqsWorker): void {
  const outputs: Record<string, [string, string]> = {
    queue_url: [worker.queue.url, "URL producers send jobs to"],
    queue_arn: [worker.queue.arn, "ARN of the job queue"],
    dlq_url: [worker.deadLetterQueue.url, "URL of the dead-letter queue"],
    dlq_arn: [worker.deadLetterQueue.arn, "ARN of the dead-letter queue"],
    function_name: [worker.function.functionName, "Name of the worker function"],
    alarm_name: [worker.dlqAlarm.alarmName, "Name of the dead-letter queue alarm"],
  };
  if (worker.dlqOperatorPolicy) {
    outputs.dlq_operator_policy_arn = [
      worker.dlqOperatorPolicy.arn,
      "IAM policy to attach to on-call engineers for npx sqs-worker dlq",
    ];
  }
  if (worker.idempotencyTable) {
    outputs.idempotency_table_name = [
      worker.idempotencyTable.name,
      "DynamoDB table of the worker's idempotency records",
    ];
  }
  for (const [id, [value, description]] of Object.entries(outputs)) {
    new TerraformOutput(stack, id, { value, description });
  }
}

/**
 * The worker's violations with the stage named: each line names the stack (`prod-invoices`), so
 * an app with per-stage settings shows which stage is wrong, and the name-length and name-clash
 * rules, which count the prefix the stage gave and show it as `with namePrefix "dev-"` (which the
 * user did not write), say the stage instead.
 */
function namingTheStage(error: SqsWorkerConfigError, stage: string): SqsWorkerConfigError {
  const given = `with namePrefix ${show(stageNamePrefix(stage))}`;
  const named = new SqsWorkerConfigError(
    error.violations.map((violation) => ({
      ...violation,
      serviceName: serviceStackId(violation.serviceName, stage),
      given: violation.given
        .split(given)
        .join(`with stage ${show(stage)} (namePrefix ${show(stageNamePrefix(stage))})`),
    })),
  );
  Object.defineProperty(named, "cause", { value: error, enumerable: false }); // where the worker found them, for SQS_WORKER_DEBUG=1
  return named;
}

/**
 * What ServiceStack needs before anything is built: a service name, a props object, a region, a
 * backend it knows, and a stage of the stage rule when one is given.
 */
export function stackPropViolations(serviceName: unknown, props: unknown): SqsWorkerViolation[] {
  const name = typeof serviceName === "string" && serviceName !== "" ? serviceName : `(service ${show(serviceName)})`;
  const violation = (path: string, rule: string, given: unknown): SqsWorkerViolation => ({
    serviceName: name,
    path,
    rule,
    given: show(given),
  });
  const out: SqsWorkerViolation[] = [];
  if (typeof serviceName !== "string" || serviceName === "")
    out.push(violation("ServiceStack id", "must be the service name, a non-empty string", serviceName));
  if (typeof props !== "object" || props === null)
    return [...out, violation("ServiceStack props", "must be an object with region (and worker, backend)", props)];
  const { region, backend, stage } = props as { region?: unknown; backend?: unknown; stage?: unknown };
  if (typeof region !== "string" || region === "")
    out.push(violation("region", "must be an AWS region such as us-east-1", region));
  const stageRule = stage === undefined ? undefined : stageProblem(stage);
  if (stageRule) out.push(violation("stage", stageRule, stage));
  if (backend === undefined) return out;
  const kind = typeof backend === "object" && backend !== null ? (backend as { kind?: unknown }).kind : undefined;
  if (kind === "local") return out;
  if (kind !== "s3") return [...out, violation("backend.kind", 'must be "local" or "s3"', kind ?? backend)];
  const { bucket, region: stateRegion } = backend as { bucket?: unknown; region?: unknown };
  if (typeof bucket !== "string" || bucket === "")
    out.push(violation("backend.bucket", "must name the S3 bucket of the state (a non-empty string)", bucket));
  if (typeof stateRegion !== "string" || stateRegion === "")
    out.push(violation("backend.region", "must be the state bucket's AWS region, such as us-east-1", stateRegion));
  return out;
}

function configureBackend(stack: TerraformStack, stateName: string, backend: StateBackendConfig): void {
  if (backend.kind === "local") {
    new LocalBackend(stack, { path: localStatePath(stateName) });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix ?? "sqs-worker"}/${stateName}/terraform.tfstate`,
    region: backend.region,
    encrypt: true,
    dynamodbTable: backend.dynamodbTable,
  });
  // cdktf 0.21 predates S3 native locking; the override writes Terraform's `use_lockfile`.
  if (!backend.dynamodbTable) s3.addOverride("use_lockfile", true);
}
