import * as fs from "fs";
import * as path from "path";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { SqsWorker } from "../modules/internal";
import { TEST_ENTRY } from "./helpers/props";
import {
  addressOfElement,
  bodyOf,
  childOf,
  onlyResource,
  referenceTo,
  resourceWhere,
  resources,
  synthService,
  synthServiceStack,
  type TerraformJson,
} from "./helpers/synth";

// The article's values, asserted one by one on the `orders` settings (timeout 50 s).
const { json: orders, worker } = synthServiceStack("orders", { lambda: { timeoutSeconds: 50 } });

/** An IAM policy document's statements as synthesized. */
type PolicyDocument = {
  statement: { sid: string; effect: string; actions: string[]; resources: string[]; principals?: unknown }[];
};
/** The worker's policy document with construct id `id`, as synthesized in `json`. */
const policyDocument = (json: TerraformJson, of: SqsWorker, id: string) =>
  bodyOf<PolicyDocument>(json, childOf(of, id, DataAwsIamPolicyDocument));

describe("the source queue", () => {
  const queue = bodyOf(orders, worker.queue);

  test("is named <service>-queue", () => {
    expect(queue.name).toBe("orders-queue");
  });

  test("has the article's visibility timeout of 300 s: six times the 50 s function timeout", () => {
    expect(queue.visibility_timeout_seconds).toBe(300);
  });

  test("redrives to the dead-letter queue after 3 receives, as jsonencode of the DLQ's ARN", () => {
    expect(queue.redrive_policy).toBe(
      `\${jsonencode({"deadLetterTargetArn" = ${addressOfElement(worker.deadLetterQueue)}.arn, "maxReceiveCount" = 3})}`,
    );
  });
});

describe("the dead-letter queue", () => {
  test("is named <service>-dlq and keeps messages 14 days (1209600 s)", () => {
    expect(bodyOf(orders, worker.deadLetterQueue)).toMatchObject({
      name: "orders-dlq",
      message_retention_seconds: 1_209_600,
    });
  });
});

describe("the dead-letter queue alarm", () => {
  const alarm = bodyOf<Record<string, unknown> & { lifecycle: { precondition: unknown } }>(orders, worker.dlqAlarm);

  test("has the article's metric, statistic, period, threshold and comparison", () => {
    expect(alarm).toMatchObject({
      alarm_name: "orders-dlq-not-empty",
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      period: 300,
      evaluation_periods: 1,
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
    });
  });

  test("watches the dead-letter queue by name", () => {
    expect(alarm.dimensions).toEqual({ QueueName: referenceTo(worker.deadLetterQueue, "name") });
  });

  test("notifies the stack's alert_sns_arn variable, dropped by compact() when it is null (destroy needs no topic)", () => {
    expect(alarm.alarm_actions).toBe("${compact([var.alert_sns_arn])}");
    expect(orders.variable.alert_sns_arn).toMatchObject({ type: "string", default: null, nullable: true });
  });

  test("cannot be created without a topic: a precondition stops the plan, saying how to pass it", () => {
    expect(alarm.lifecycle.precondition).toEqual([
      {
        condition: "${var.alert_sns_arn != null}",
        error_message: "alert_sns_arn unset: pass --var alert_sns_arn=ARN or TF_VAR_alert_sns_arn",
      },
    ]);
  });

  test("treats missing data as not breaching, since SQS stops publishing for idle queues", () => {
    expect(alarm.treat_missing_data).toBe("notBreaching");
  });
});

describe("the worker function", () => {
  type FunctionBody = Record<string, unknown> & { filename: string; source_code_hash: string };
  const fn = bodyOf<FunctionBody>(orders, worker.function);

  test("is named <service>-worker and runs the bundle on nodejs22.x", () => {
    expect(fn).toMatchObject({
      function_name: "orders-worker",
      runtime: "nodejs22.x",
      handler: "index.handler",
      timeout: 50,
    });
  });

  test("ships a zip by a relative asset path with its base64 SHA-256 as source_code_hash", () => {
    expect(fn.filename).toMatch(/^assets\/Worker_Code_[0-9A-F]{8}\/[0-9a-f]{64}\/lambda\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const hexInPath = fn.filename.split("/")[2];
    expect(Buffer.from(fn.source_code_hash, "base64").toString("hex")).toBe(hexInPath);
  });

  test("is created after its log group (so Lambda never creates one without retention) and its role's policy", () => {
    expect(fn.depends_on).toEqual([addressOfElement(worker.logGroup), addressOfElement(worker.rolePolicy)]);
  });

  test("is traced with X-Ray and has no reserved concurrency unless asked", () => {
    expect(fn.tracing_config).toEqual({ mode: "Active" });
    expect(fn.reserved_concurrent_executions).toBeUndefined();
  });

  test("passes environment variables only when given", () => {
    expect(fn.environment).toBeUndefined();
    const withEnv = synthServiceStack("env", { lambda: { environment: { AB: "1" } } });
    expect(bodyOf(withEnv.json, withEnv.worker.function).environment).toEqual({ variables: { AB: "1" } });
  });
});

describe("the log group", () => {
  test("is the function's /aws/lambda/<service>-worker with a retention", () => {
    expect(bodyOf(orders, worker.logGroup)).toMatchObject({
      name: "/aws/lambda/orders-worker",
      retention_in_days: 365,
    });
  });
});

describe("the event source mapping", () => {
  const esm = bodyOf(orders, worker.eventSourceMapping);

  test("has batch 10, ReportBatchItemFailures and maximum concurrency 10", () => {
    expect(esm.batch_size).toBe(10);
    expect(esm.function_response_types).toEqual(["ReportBatchItemFailures"]);
    expect(esm.scaling_config).toEqual({ maximum_concurrency: 10 });
    expect(esm.maximum_batching_window_in_seconds).toBe(0);
  });

  test("connects the source queue to the function", () => {
    expect(esm.event_source_arn).toBe(referenceTo(worker.queue, "arn"));
    expect(esm.function_name).toBe(referenceTo(worker.function, "arn"));
  });

  test("is created after the role's policy exists", () => {
    expect(esm.depends_on).toEqual([addressOfElement(worker.rolePolicy)]);
  });
});

describe("the worker role", () => {
  const role = bodyOf(orders, worker.role);
  const rolePolicy = bodyOf(orders, worker.rolePolicy);
  const policy = policyDocument(orders, worker, "WorkerPolicy");
  const queueArn = referenceTo(worker.queue, "arn");
  const logGroupArn = referenceTo(worker.logGroup, "arn");

  test("can only be assumed by Lambda", () => {
    const trust = policyDocument(orders, worker, "TrustPolicy");
    expect(role.assume_role_policy).toBe(referenceTo(childOf(worker, "TrustPolicy", DataAwsIamPolicyDocument), "json"));
    expect(trust.statement).toEqual([
      expect.objectContaining({
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
      }),
    ]);
  });

  test("has no managed policy attached", () => {
    expect(role.managed_policy_arns).toBeUndefined();
    expect(orders.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  test("grants exactly the four SQS consumer actions on this queue's ARN, log writes on this log group and X-Ray writes", () => {
    expect(rolePolicy.policy).toBe(referenceTo(childOf(worker, "WorkerPolicy", DataAwsIamPolicyDocument), "json"));
    expect(policy.statement).toEqual([
      {
        sid: "ConsumeQueue",
        effect: "Allow",
        actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        resources: [queueArn],
      },
      {
        sid: "WriteLogs",
        effect: "Allow",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${logGroupArn}:*`],
      },
      // AWS has no resource-level permissions for these two: "*" is the only possible resource.
      {
        sid: "WriteTraces",
        effect: "Allow",
        actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
        resources: ["*"],
      },
    ]);
  });

  test("grants no * action, and a * resource only to the X-Ray actions that cannot be scoped", () => {
    for (const statement of policy.statement) {
      for (const action of statement.actions) expect(action).not.toContain("*");
      if (statement.resources.includes("*")) expect(statement.sid).toBe("WriteTraces");
    }
  });

  test("drops the X-Ray statement when tracing is PassThrough", () => {
    const untraced = synthServiceStack("untraced", { lambda: { tracing: "PassThrough" } });
    expect(policyDocument(untraced.json, untraced.worker, "WorkerPolicy").statement.map((s) => s.sid)).toEqual([
      "ConsumeQueue",
      "WriteLogs",
    ]);
    expect(bodyOf(untraced.json, untraced.worker.function).tracing_config).toEqual({ mode: "PassThrough" });
  });
});

describe("the stack", () => {
  test("outputs the queue and DLQ URL and ARN, the function name and the alarm name", () => {
    expect(Object.keys(orders.output).sort()).toEqual([
      "alarm_name",
      "dlq_arn",
      "dlq_operator_policy_arn",
      "dlq_url",
      "function_name",
      "queue_arn",
      "queue_url",
    ]);
    expect(orders.output.queue_url.value).toBe(referenceTo(worker.queue, "url"));
    expect(orders.output.dlq_arn.value).toBe(referenceTo(worker.deadLetterQueue, "arn"));
  });

  test("tags every resource with the service through the provider's default tags", () => {
    expect(orders.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      default_tags: [{ tags: { Service: "orders", ManagedBy: "cdktf" } }],
    });
  });

  test("keeps local state in the project root by a relative path", () => {
    expect(orders.terraform.backend).toEqual({ local: { path: "../../../terraform.orders.tfstate" } });
  });
});

describe("props shape the resources", () => {
  const custom = synthService("reports", {
    lambda: {
      timeoutSeconds: 100,
      memorySizeMb: 2048,
      runtime: "nodejs22.x",
      architecture: "x86_64",
      logRetentionDays: 30,
    },
    queue: { messageRetentionSeconds: 7200 },
    deadLetterQueue: { maxReceiveCount: 7, messageRetentionSeconds: 86_400 },
    eventSource: { batchSize: 50, maximumBatchingWindowSeconds: 5, maximumConcurrency: 40 },
    alarm: { periodSeconds: 60, evaluationPeriods: 3 },
  });

  test("the default visibility timeout is 6 × the timeout + the batching window", () => {
    const queue = resources(custom, "aws_sqs_queue").find((q) => q.name === "reports-queue");
    expect(queue).toMatchObject({ visibility_timeout_seconds: 6 * 100 + 5, message_retention_seconds: 7200 });
    expect(String(queue?.redrive_policy)).toContain('"maxReceiveCount" = 7');
  });

  test("function, mapping, DLQ, log group and alarm take the given values", () => {
    expect(onlyResource(custom, "aws_lambda_function")).toMatchObject({
      timeout: 100,
      memory_size: 2048,
      runtime: "nodejs22.x",
      architectures: ["x86_64"],
    });
    expect(onlyResource(custom, "aws_lambda_event_source_mapping")).toMatchObject({
      batch_size: 50,
      maximum_batching_window_in_seconds: 5,
      scaling_config: { maximum_concurrency: 40 },
    });
    expect(resources(custom, "aws_sqs_queue").find((q) => q.name === "reports-dlq")).toMatchObject({
      message_retention_seconds: 86_400,
    });
    expect(onlyResource(custom, "aws_cloudwatch_log_group").retention_in_days).toBe(30);
    expect(
      resourceWhere(custom, "aws_cloudwatch_metric_alarm", "alarm_name", "reports-dlq-not-empty").body,
    ).toMatchObject({ period: 60, evaluation_periods: 3 });
  });

  test("an explicit visibility timeout wins over the default", () => {
    const json = synthService("explicit", { lambda: { timeoutSeconds: 50 }, queue: { visibilityTimeoutSeconds: 50 } });
    expect(resources(json, "aws_sqs_queue").find((q) => q.name === "explicit-queue")?.visibility_timeout_seconds).toBe(
      50,
    );
  });
});

describe("the DLQ operator policy", () => {
  const operatorPolicy = (synthesized: { json: TerraformJson; worker: SqsWorker }) =>
    policyDocument(synthesized.json, synthesized.worker, "DeadLetterQueueOperatorPolicyDocument");

  test("is named <service>-dlq-operator and grants exactly what npm run dlq needs on these two queues and the alarm", () => {
    expect(onlyResource(orders, "aws_iam_policy").name).toBe("orders-dlq-operator");
    expect(operatorPolicy({ json: orders, worker }).statement).toEqual([
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
        resources: [referenceTo(worker.deadLetterQueue, "arn")],
      },
      {
        sid: "SendBackToSourceQueue",
        effect: "Allow",
        actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
        resources: [referenceTo(worker.queue, "arn")],
      },
      {
        sid: "ReadAlarmState",
        effect: "Allow",
        actions: ["cloudwatch:DescribeAlarms"],
        resources: ["dlq-not-empty", "backlog-age", "errors", "throttles", "dlq-arrivals"].map(
          (what) =>
            `\${${resourceWhere(orders, "aws_cloudwatch_metric_alarm", "alarm_name", `orders-${what}`).address}.arn}`,
        ),
      },
      {
        sid: "ReadWorkerLogs",
        effect: "Allow",
        actions: ["logs:FilterLogEvents"],
        resources: [referenceTo(worker.logGroup, "arn"), `${referenceTo(worker.logGroup, "arn")}:*`],
      },
      { sid: "ReadQueueAgeMetrics", effect: "Allow", actions: ["cloudwatch:GetMetricStatistics"], resources: ["*"] },
    ]);
  });

  test("grants exactly the actions the dlq tool's AWS calls need, no more (idempotency on: DescribeTable of its table too)", () => {
    // Every AWS SDK command the tool sends, read from its sources, as the IAM action it needs
    // (the batch APIs are authorized by their single-message actions).
    // Every file of the tool: tools/dlq.ts, all of tools/dlq/, and the queue counters it shares with the local runner.
    const dlqFiles = fs
      .readdirSync(path.join(__dirname, "..", "tools", "dlq"))
      .filter((file) => file.endsWith(".ts"))
      .map((file) => `tools/dlq/${file}`);
    expect(dlqFiles).toEqual(
      expect.arrayContaining(["tools/dlq/operations.ts", "tools/dlq/redrive-client-side.ts", "tools/dlq/peek.ts"]),
    );
    const sources = ["tools/dlq.ts", ...dlqFiles, "tools/shared/queue-depth.ts"].map((file) =>
      fs.readFileSync(path.join(__dirname, "..", file), "utf8"),
    );
    const service = (command: string) =>
      ["DescribeAlarms", "GetMetricStatistics"].includes(command)
        ? "cloudwatch"
        : command === "FilterLogEvents"
          ? "logs"
          : command === "DescribeTable"
            ? "dynamodb"
            : "sqs";
    const used = new Set(
      sources
        .flatMap((text) => [...text.matchAll(/new (\w+)Command\(/g)].map((m) => m[1].replace(/Batch$/, "")))
        .map((command) => `${service(command)}:${command}`),
    );
    const granted = (synthesized: { json: TerraformJson; worker: SqsWorker }) =>
      operatorPolicy(synthesized).statement.flatMap((statement) => statement.actions);
    const idempotent = synthServiceStack("orders", { idempotency: {} });
    expect([...used].sort()).toEqual([...new Set(granted(idempotent))].sort());
    expect([...used].filter((action) => !action.startsWith("dynamodb:")).sort()).toEqual(
      [...new Set(granted({ json: orders, worker }))].sort(),
    );
    const describe = operatorPolicy(idempotent).statement.find((st) => st.sid === "SeeIdempotencyTable");
    expect(idempotent.worker.idempotencyTable).toBeDefined();
    expect(describe).toEqual({
      sid: "SeeIdempotencyTable",
      effect: "Allow",
      actions: ["dynamodb:DescribeTable"],
      resources: [referenceTo(idempotent.worker.idempotencyTable!, "arn")],
    });
  });

  test("adds the queue key's encrypt and decrypt actions when a customer key is used", () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(operatorPolicy(synthServiceStack("keyed", { queue: { kmsKeyArn: key } })).statement.at(-1)).toEqual({
      sid: "UseQueueKey",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [key],
    });
  });

  test("can be turned off", () => {
    const { json } = synthServiceStack("noop", { deadLetterQueue: { operatorPolicy: false } });
    expect(json.resource.aws_iam_policy).toBeUndefined();
    expect(json.output.dlq_operator_policy_arn).toBeUndefined();
  });
});

describe("environment values", () => {
  test("reach Lambda literally: Terraform template markers are escaped, tokens are not", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "env-literal");
    const region = new TerraformVariable(stack, "region", { type: "string" }).stringValue;
    const envWorker = new SqsWorker(stack, "Worker", {
      serviceName: "env-literal",
      lambda: {
        entry: TEST_ENTRY,
        environment: {
          GREETING: "Hello ${name}",
          DIRECTIVE: "%{ if x }y%{ endif }",
          PLAIN: "$5 {ok}",
          MIXED: `\${x} in ${region}`,
        },
      },
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
    });
    const fn = bodyOf<{ environment: { variables: unknown } }>(
      JSON.parse(Testing.synth(stack)) as TerraformJson,
      envWorker.function,
    );
    expect(fn.environment.variables).toEqual({
      GREETING: "Hello $${name}",
      DIRECTIVE: "%%{ if x }y%%{ endif }",
      PLAIN: "$5 {ok}",
      MIXED: "$${x} in ${var.region}",
    });
  });
});
