import * as fs from "fs";
import * as path from "path";
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from "@aws-sdk/client-cloudwatch";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { EXAMPLE_SERVICES } from "../../examples/services";
import { deriveNames, resolveSqsWorkerConfig, type ServiceCatalog } from "../../modules/internal";
import { main as dlqMain } from "../../tools/dlq";
import { readDeployedWorkerConfig } from "../../tools/local-runner/stack-config";
import { FAKE_AWS_ENV, startMoto, type MotoServer } from "../../tools/emulator/moto";
import { makeTempDir, removeDir, synthApp } from "../helpers/synth";
import { prepareTerraform, terraformOk, terraformRun, type TerraformState } from "../helpers/terraform";
import { IDEMPOTENCY_ENV, IDEMPOTENCY_TABLE_ACTIONS } from "../../lambda-src/idempotency-settings";
import { WORKER_ENV } from "../../lambda-src/worker-settings";
import { createQueue, drainQueue, queueDepth, readLog, runScenario, sendAll, sendAllFifo } from "./scenario";

// Rung 5 of the verification ladder: terraform apply of every synthesized stack against moto,
// the deployed values read back with the AWS SDK, a second plan that must be empty, the worker's
// real bundle run against the emulated queues, and destroy.

/** The scenario service: a short Lambda timeout (1 s) so that redelivery takes seconds. */
const SCENARIO_SERVICE = "e2e";
const SERVICES: ServiceCatalog = {
  ...EXAMPLE_SERVICES,
  [SCENARIO_SERVICE]: {
    // Template markers must reach Lambda literally, not be evaluated by Terraform.
    lambda: {
      entry: path.join(__dirname, "scenario-worker.ts"),
      timeoutSeconds: 1,
      environment: { GREETING: "Hello ${name}, %{ if admin }admin%{ endif }" },
    },
    eventSource: { batchSize: 10, maximumConcurrency: 10 },
  },
};
/** The same scenario worker with idempotency on. */
const IDEMPOTENT_SERVICE = "e2e-idem";
Object.assign(SERVICES, {
  [IDEMPOTENT_SERVICE]: {
    lambda: { entry: path.join(__dirname, "scenario-worker.ts"), timeoutSeconds: 1 },
    idempotency: {},
  },
});
const STACKS = Object.keys(SERVICES);

const tool = prepareTerraform();
let moto: MotoServer;
let projectDir: string;
let stackDirs: Record<string, string>;
let topicArn: string;
let env: NodeJS.ProcessEnv;
let aws: ReturnType<typeof clients>;
let sqs: SQSClient;
let lambda: LambdaClient;
const destroyed = new Set<string>();

/**
 * The event source mappings of one function. moto's ListEventSourceMappings filter compares
 * FunctionName with the exact string the mapping was created with (the function ARN, from
 * Terraform), where Lambda accepts a name too, so the list is filtered here by ARN instead.
 */
async function mappingsOf(functionName: string) {
  const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
  return EventSourceMappings.filter((m) => m.FunctionArn?.endsWith(`:function:${functionName}`));
}

function clients(endpoint: string) {
  const config = {
    region: FAKE_AWS_ENV.AWS_REGION,
    endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
  return {
    sqs: new SQSClient(config),
    lambda: new LambdaClient(config),
    cloudwatch: new CloudWatchClient(config),
    iam: new IAMClient(config),
    sns: new SNSClient(config),
    dynamodb: new DynamoDBClient(config),
  };
}

const tfVars = () => ["-var", `alert_sns_arn=${topicArn}`];

async function destroy(stack: string): Promise<void> {
  if (!tool.ok || destroyed.has(stack)) return;
  await terraformOk(
    tool,
    stackDirs[stack],
    ["destroy", "-auto-approve", "-input=false", "-no-color", ...tfVars()],
    env,
  );
  destroyed.add(stack);
}

beforeAll(async () => {
  if (!tool.ok) throw new Error(`the e2e suite needs terraform and the provider mirror: ${tool.reason}`);
  moto = await startMoto();
  env = { ...FAKE_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint };
  aws = clients(moto.endpoint);
  ({ sqs, lambda } = aws);
  topicArn = (await aws.sns.send(new CreateTopicCommand({ Name: "alerts" }))).TopicArn!;
  // cdktf.out inside a project folder: the local backend keeps state two levels above the stacks.
  projectDir = makeTempDir("e2e");
  stackDirs = await synthApp(path.join(projectDir, "cdktf.out"), { services: SERVICES });
  // Stacks apply in parallel: most of an apply is the provider waiting for SQS attributes to
  // settle (6 matching reads 5 s apart per queue resource), not CPU.
  await Promise.all(
    STACKS.map(async (stack) => {
      await terraformOk(tool, stackDirs[stack], ["init", "-input=false", "-no-color"], env);
      await terraformOk(
        tool,
        stackDirs[stack],
        ["apply", "-auto-approve", "-input=false", "-no-color", ...tfVars()],
        env,
      );
    }),
  );
}, 600_000);

afterAll(async () => {
  try {
    await Promise.allSettled(STACKS.map(destroy));
  } finally {
    await moto?.stop();
    if (projectDir) removeDir(projectDir);
    if (tool.ok) removeDir(tool.dir);
  }
}, 600_000);

describe.each(STACKS)("the applied %s stack", (stack) => {
  const props = SERVICES[stack];
  const expected = () => resolveSqsWorkerConfig({ serviceName: stack, ...props, alarm: { ...props.alarm, topicArn } });

  test("has the configured queue and dead-letter queue attributes", async () => {
    const config = expected();
    const names = deriveNames(stack, config.queue.fifo);
    const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    const attributes = async (name: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await url(name), AttributeNames: ["All"] })))
        .Attributes!;
    const queue = await attributes(names.queue);
    const dlq = await attributes(names.deadLetterQueue);
    expect(Number(queue.VisibilityTimeout)).toBe(config.queue.visibilityTimeoutSeconds);
    expect(Number(queue.MessageRetentionPeriod)).toBe(config.queue.messageRetentionSeconds);
    expect(JSON.parse(queue.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: dlq.QueueArn,
      maxReceiveCount: config.deadLetterQueue.maxReceiveCount,
    });
    expect(Number(dlq.MessageRetentionPeriod)).toBe(config.deadLetterQueue.messageRetentionSeconds);
    expect(JSON.parse(dlq.RedriveAllowPolicy!)).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [queue.QueueArn],
    });
    for (const q of [queue, dlq]) {
      expect(q.SqsManagedSseEnabled).toBe("true");
      // The ARN the construct computed from partition, region, account and name is the queue's own.
      expect((JSON.parse(q.Policy!) as PolicyDocument).Statement).toEqual([
        expect.objectContaining({
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Resource: q.QueueArn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ]);
      if (config.queue.fifo) expect(q.FifoQueue).toBe("true");
    }
    if (config.queue.fifo) expect(queue.ContentBasedDeduplication).toBe(String(config.queue.contentBasedDeduplication));
  });

  test("has the configured event source mapping, as far as moto stores it", async () => {
    const config = expected();
    const EventSourceMappings = await mappingsOf(deriveNames(stack).function);
    expect(EventSourceMappings).toHaveLength(1);
    expect(EventSourceMappings[0]).toMatchObject({
      BatchSize: config.eventSource.batchSize,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      EventSourceArn: expect.stringMatching(
        new RegExp(`:${deriveNames(stack, config.queue.fifo).queue.replace(".", "\\.")}$`),
      ) as string,
    });
    if (config.eventSource.maximumConcurrency !== undefined) {
      expect(EventSourceMappings[0].ScalingConfig).toEqual({
        MaximumConcurrency: config.eventSource.maximumConcurrency,
      });
    }
  });

  test("has the configured alarm on the dead-letter queue, notifying the topic", async () => {
    const config = expected();
    const { MetricAlarms = [] } = await aws.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [`${stack}-dlq-not-empty`] }),
    );
    expect(MetricAlarms).toHaveLength(1);
    expect(MetricAlarms[0]).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Statistic: "Maximum",
      Period: config.deadLetterQueue.alarmPeriodSeconds,
      EvaluationPeriods: config.deadLetterQueue.alarmEvaluationPeriods,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [topicArn],
      Dimensions: [{ Name: "QueueName", Value: deriveNames(stack, config.queue.fifo).deadLetterQueue }],
    });
  });

  test("has the health alarms (metric, statistic or metric math, threshold, actions) and the dashboard", async () => {
    const config = expected();
    const names = deriveNames(stack, config.queue.fifo);
    const { MetricAlarms = [] } = await aws.cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmNames: [names.backlogAgeAlarm, names.errorsAlarm, names.throttlesAlarm, names.deadLetterArrivalsAlarm],
      }),
    );
    const byName = Object.fromEntries(MetricAlarms.map((a) => [a.AlarmName ?? "", a] as const));
    const common = {
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [topicArn],
    };
    expect(byName[names.backlogAgeAlarm]).toMatchObject({
      ...common,
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Statistic: "Maximum",
      Threshold: config.monitoring.backlogAgeSeconds,
      Dimensions: [{ Name: "QueueName", Value: names.queue }],
    });
    for (const [name, metric] of [
      [names.errorsAlarm, "Errors"],
      [names.throttlesAlarm, "Throttles"],
    ] as const) {
      expect(byName[name]).toMatchObject({
        ...common,
        Namespace: "AWS/Lambda",
        MetricName: metric,
        Statistic: "Sum",
        Dimensions: [{ Name: "FunctionName", Value: names.function }],
      });
    }
    expect(byName[names.deadLetterArrivalsAlarm]).toMatchObject({
      ...common,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 1,
      Threshold: 0,
    });
    // metric_query is a set: compare in id order.
    expect(
      [...(byName[names.deadLetterArrivalsAlarm].Metrics ?? [])].sort((x, y) => (x.Id ?? "").localeCompare(y.Id ?? "")),
    ).toEqual([
      expect.objectContaining({ Id: "arrivals", Expression: "DIFF(visible)", ReturnData: true }),
      expect.objectContaining({
        Id: "visible",
        ReturnData: false,
        MetricStat: expect.objectContaining({
          Metric: expect.objectContaining({
            Namespace: "AWS/SQS",
            MetricName: "ApproximateNumberOfMessagesVisible",
            Dimensions: [{ Name: "QueueName", Value: names.deadLetterQueue }],
          }) as unknown,
          Stat: "Maximum",
        }) as unknown,
      }),
    ]);
    const { DashboardBody } = await aws.cloudwatch.send(new GetDashboardCommand({ DashboardName: names.dashboard }));
    const dashboard = JSON.parse(DashboardBody!) as {
      widgets: { properties: { title: string; metrics: unknown[][] } }[];
    };
    expect(dashboard.widgets.map((w) => w.properties.title)).toEqual([
      "Queue depth",
      "Age of the oldest message (s)",
      "Dead-letter queue depth",
      "Invocations, errors, throttles",
      "Duration (ms)",
      "Concurrent executions",
      "Event source mapping: events",
    ]);
    const [mapping] = await mappingsOf(names.function);
    expect(dashboard.widgets[6].properties.metrics[0]).toEqual([
      "AWS/Lambda",
      "PolledEventCount",
      "EventSourceMappingUUID",
      mapping.UUID,
      { stat: "Sum" },
    ]);
    expect(mapping.MetricsConfig).toEqual({ Metrics: ["EventCount"] });
  });

  test("npm run dlq -- <service> status lists every alarm's state", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, FAKE_AWS_ENV);
    const out: string[] = [];
    try {
      expect(
        await dlqMain(
          [stack, "status", "--endpoint-url", moto.endpoint],
          (line) => out.push(line),
          () => undefined,
        ),
      ).toBe(0);
    } finally {
      process.env = saved;
    }
    const names = deriveNames(stack, expected().queue.fifo);
    for (const alarm of [
      names.alarm,
      names.deadLetterArrivalsAlarm,
      names.backlogAgeAlarm,
      names.errorsAlarm,
      names.throttlesAlarm,
    ]) {
      expect(out).toContainEqual(
        expect.stringMatching(new RegExp(`^alarm\\s+${alarm}: (OK|ALARM|INSUFFICIENT_DATA)$`)),
      );
    }
  });

  test("has the configured function, running as the worker role with its inline policy", async () => {
    const config = expected();
    const names = deriveNames(stack);
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: names.function }));
    const { Role } = await aws.iam.send(new GetRoleCommand({ RoleName: names.role }));
    expect(fn).toMatchObject({
      Runtime: config.lambda.runtime,
      Timeout: config.lambda.timeoutSeconds,
      MemorySize: config.lambda.memorySizeMb,
      Handler: "index.handler",
      Role: Role!.Arn,
    });
    const idempotencyEnv = config.idempotency
      ? {
          [IDEMPOTENCY_ENV.table]: names.idempotencyTable,
          [IDEMPOTENCY_ENV.expirySeconds]: String(config.idempotency.expirySeconds),
        }
      : {};
    // FIFO workers learn the maxReceiveCount: a message on its last receive lets its group go on.
    const fifoEnv = config.queue.fifo
      ? { [WORKER_ENV.maxReceiveCount]: String(config.deadLetterQueue.maxReceiveCount) }
      : {};
    expect(fn.Environment?.Variables ?? {}).toEqual({ ...config.lambda.environment, ...idempotencyEnv, ...fifoEnv });
    const policy = await aws.iam.send(new GetRolePolicyCommand({ RoleName: names.role, PolicyName: names.role }));
    const document = JSON.parse(decodeURIComponent(policy.PolicyDocument!)) as PolicyDocument;
    const actions = document.Statement.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(
      expect.arrayContaining([
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
      ]),
    );
    expect(actions.some((a) => a.startsWith("dynamodb:"))).toBe(config.idempotency !== undefined);
  });

  test("has the idempotency table (key, on-demand, TTL, encryption, point-in-time recovery) and the role statement on it, when on", async () => {
    const names = deriveNames(stack);
    const { TableNames = [] } = await aws.dynamodb.send(new ListTablesCommand({}));
    if (!expected().idempotency) {
      expect(TableNames).not.toContain(names.idempotencyTable);
      return;
    }
    const { Table } = await aws.dynamodb.send(new DescribeTableCommand({ TableName: names.idempotencyTable }));
    expect(Table).toMatchObject({
      TableName: names.idempotencyTable,
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
      SSEDescription: { Status: "ENABLED" },
    });
    const ttl = await aws.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: names.idempotencyTable }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: "ENABLED", AttributeName: "expiration" });
    const backups = await aws.dynamodb.send(
      new DescribeContinuousBackupsCommand({ TableName: names.idempotencyTable }),
    );
    expect(backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe(
      "ENABLED",
    );
    const policy = await aws.iam.send(new GetRolePolicyCommand({ RoleName: names.role, PolicyName: names.role }));
    const statements = (JSON.parse(decodeURIComponent(policy.PolicyDocument!)) as PolicyDocument).Statement as {
      Sid: string;
      Action: string | string[];
      Resource: string | string[];
    }[];
    const statement = statements.find((s) => s.Sid === "IdempotencyRecords");
    expect({ actions: [statement?.Action].flat().sort(), resources: [statement?.Resource].flat() }).toEqual({
      actions: [...IDEMPOTENCY_TABLE_ACTIONS],
      resources: [Table!.TableArn],
    });
  });

  test("plans no changes after apply", async () => {
    const plan = await terraformRun(
      tool as Extract<typeof tool, { ok: true }>,
      stackDirs[stack],
      ["plan", "-detailed-exitcode", "-input=false", "-no-color", ...tfVars()],
      env,
    );
    // 0 = no changes, 2 = changes, 1 = error: print the plan when it is not 0.
    expect({ code: plan.code, output: plan.code === 0 ? "" : plan.stdout + plan.stderr }).toEqual({
      code: 0,
      output: "",
    });
  });
});

/** An IAM or SQS policy document, read as far as these tests read it. */
type PolicyDocument = { Statement: { Action: string | string[]; [key: string]: unknown }[] };

describe("the deployed worker's behaviour", () => {
  // The local runner takes Lambda's place here. The emulator never triggers functions from a
  // queue (patch 5 in tools/emulator/moto_server.py); the deployed mapping is disabled anyway,
  // as one would on AWS so that Lambda and the runner do not share the queue.
  beforeAll(async () => {
    const mappings = await mappingsOf(deriveNames(SCENARIO_SERVICE).function);
    expect(mappings).toHaveLength(1);
    for (const mapping of mappings)
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }));
    expect((await mappingsOf(deriveNames(SCENARIO_SERVICE).function))[0].State).toBe("Disabled");
  });

  test("processes every good message, dead-letters every poison message after exactly maxReceiveCount receives, loses nothing", async () => {
    const worker = readDeployedWorkerConfig(path.join(projectDir, "cdktf.out"), SCENARIO_SERVICE);
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: deriveNames(SCENARIO_SERVICE).queue })))
      .QueueUrl!;
    const dlqUrl = (
      await sqs.send(new GetQueueUrlCommand({ QueueName: deriveNames(SCENARIO_SERVICE).deadLetterQueue }))
    ).QueueUrl!;
    const total = 1000;
    // 5 % poison (always throws), 5 % transient (fails its first receive), the rest good.
    const messages = Array.from({ length: total }, (_, i) => ({
      id: String(i),
      kind: i % 20 === 0 ? ("poison" as const) : i % 20 === 1 ? ("transient" as const) : ("good" as const),
    }));
    const logFile = path.join(projectDir, "scenario.log");
    await sendAll(sqs, queueUrl, messages);
    const stats = await runScenario({
      sqs,
      queueUrl,
      worker,
      logFile,
      until: async () => (await queueDepth(sqs, queueUrl)) === 0 && (await queueDepth(sqs, dlqUrl)) >= 50,
      timeoutMs: 240_000,
    });
    const log = readLog(logFile);
    const dead = await drainQueue(sqs, dlqUrl);

    const good = messages.filter((m) => m.kind !== "poison").map((m) => m.id);
    const poison = messages.filter((m) => m.kind === "poison").map((m) => m.id);
    const processed = new Set(log.filter((e) => e.outcome === "ok").map((e) => e.id));
    const okCount = log.filter((e) => e.outcome === "ok").length;
    const deadIds = dead.map((m) => (JSON.parse(m.Body!) as { id: string }).id);

    console.log(
      `e2e scenario: sent ${total}, processed ${processed.size} (duplicates ${okCount - processed.size}), dead-lettered ${deadIds.length}, ` +
        `runner ${JSON.stringify(stats)}`,
    );

    expect([...processed].sort()).toEqual([...good].sort());
    expect([...deadIds].sort()).toEqual([...poison].sort());
    expect(processed.size + deadIds.length).toBe(total);
    // Every poison message was received exactly maxReceiveCount (3) times, failed each time,
    // and SQS moved it on the next receive.
    for (const id of poison) {
      const attempts = log.filter((e) => e.id === id);
      expect({
        id,
        attempts: attempts.map((e) => e.attempt).sort(),
        outcomes: [...new Set(attempts.map((e) => e.outcome))],
      }).toEqual({
        id,
        attempts: [1, 2, 3],
        outcomes: ["failed"],
      });
    }
    for (const m of messages.filter((m) => m.kind === "transient")) {
      expect(log.filter((e) => e.id === m.id && e.outcome === "failed").map((e) => e.attempt)).toEqual([1]);
    }
  });

  test("a message sent with `npm run dlq -- e2e send` is processed by the worker", async () => {
    const worker = readDeployedWorkerConfig(path.join(projectDir, "cdktf.out"), SCENARIO_SERVICE);
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: deriveNames(SCENARIO_SERVICE).queue })))
      .QueueUrl!;
    const logFile = path.join(projectDir, "send.log");
    const saved = { ...process.env };
    Object.assign(process.env, FAKE_AWS_ENV);
    const out: string[] = [];
    try {
      const code = await dlqMain(
        [
          SCENARIO_SERVICE,
          "send",
          "--body",
          JSON.stringify({ id: "sent-by-dlq", kind: "good" }),
          "--endpoint-url",
          moto.endpoint,
        ],
        (line) => out.push(line),
        () => undefined,
      );
      expect({ code, out }).toEqual({ code: 0, out: [expect.stringMatching(/^sent message \S+ to .*e2e-queue$/)] });
    } finally {
      process.env = saved;
    }
    await runScenario({
      sqs,
      queueUrl,
      worker,
      logFile,
      until: async () => (await queueDepth(sqs, queueUrl)) === 0,
      timeoutMs: 60_000,
    });
    expect(readLog(logFile)).toEqual([{ id: "sent-by-dlq", kind: "good", attempt: 1, outcome: "ok" }]);
  });

  test("a queue made directly with a visibility timeout shorter than the processing time processes messages twice", async () => {
    const worker = {
      ...readDeployedWorkerConfig(path.join(projectDir, "cdktf.out"), SCENARIO_SERVICE),
      timeoutSeconds: 10,
      batchSize: 1,
    };
    // Each job takes 2.5 s. The article's mistake: visibility 1 s; the construct's default: 6 × 10 s.
    const run = async (visibilityTimeoutSeconds: number) => {
      const queueUrl = await createQueue(sqs, `raw-visibility-${visibilityTimeoutSeconds}`, visibilityTimeoutSeconds);
      const messages = Array.from({ length: 20 }, (_, i) => ({ id: String(i), kind: "slow" as const, sleepMs: 2500 }));
      const logFile = path.join(projectDir, `duplicates-${visibilityTimeoutSeconds}.log`);
      await sendAll(sqs, queueUrl, messages);
      await runScenario({
        sqs,
        queueUrl,
        worker,
        logFile,
        until: async () => (await queueDepth(sqs, queueUrl)) === 0,
        timeoutMs: 120_000,
      });
      const ok = readLog(logFile).filter((e) => e.outcome === "ok");
      return {
        processed: new Set(ok.map((e) => e.id)).size,
        duplicates: ok.length - new Set(ok.map((e) => e.id)).size,
      };
    };
    const short = await run(1);
    const correct = await run(60);

    console.log(
      `visibility 1 s < 2.5 s processing: ${short.duplicates} duplicate runs of ${short.processed} messages; visibility 60 s: ${correct.duplicates}`,
    );
    expect(short.processed).toBe(20);
    expect(short.duplicates).toBeGreaterThan(0);
    expect(correct).toEqual({ processed: 20, duplicates: 0 });
  });

  describe("with idempotency on", () => {
    /** The idempotent service's deployed worker; the threads reach the emulated DynamoDB table through AWS_ENDPOINT_URL. */
    const idempotentWorker = (overrides: object = {}) => ({
      ...readDeployedWorkerConfig(path.join(projectDir, "cdktf.out"), IDEMPOTENT_SERVICE),
      ...overrides,
    });
    const awsEnvironment = () => ({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint });
    /** Business-logic runs (the side effect: one log line per completed run) per message id. */
    const runsPerId = (logFile: string) => {
      const runs: Record<string, number> = {};
      for (const entry of readLog(logFile).filter((e) => e.outcome === "ok"))
        runs[entry.id] = (runs[entry.id] ?? 0) + 1;
      return runs;
    };
    const once = (ids: readonly string[]) => Object.fromEntries(ids.map((id) => [id, 1]));

    test.each([
      ["standard", `idem-short-visibility`, sendAll],
      ["FIFO", `idem-short-visibility.fifo`, sendAllFifo],
    ] as const)(
      "%s queue with a visibility timeout shorter than the job: SQS delivers duplicates, the business logic runs exactly once per message",
      async (_kind, queueName, send) => {
        // The same forced-duplicate setup as the test above (1 s visibility, 2.5 s jobs), run
        // through the bundle built with idempotency and the table Terraform created.
        const worker = idempotentWorker({ timeoutSeconds: 10, batchSize: 1 });
        expect(worker.environment[IDEMPOTENCY_ENV.table]).toBe(deriveNames(IDEMPOTENT_SERVICE).idempotencyTable);
        const queueUrl = await createQueue(sqs, queueName, 1);
        const messages = Array.from({ length: 20 }, (_, i) => ({
          id: `${queueName}-${i}`,
          kind: "slow" as const,
          sleepMs: 2500,
        }));
        const logFile = path.join(projectDir, `${queueName}.log`);
        await send(sqs, queueUrl, messages);
        const stats = await runScenario({
          sqs,
          queueUrl,
          worker,
          logFile,
          environment: awsEnvironment(),
          until: async () => (await queueDepth(sqs, queueUrl)) === 0,
          timeoutMs: 180_000,
        });

        console.log(
          `idempotency on, ${_kind}, visibility 1 s < 2.5 s jobs: ${stats.records} receives of ${messages.length} messages, runs ${JSON.stringify(runsPerId(logFile))}`,
        );
        expect(stats.records).toBeGreaterThan(messages.length);
        expect(runsPerId(logFile)).toEqual(once(messages.map((m) => m.id)));
      },
    );

    test("an attempt killed mid-job (timeout) blocks its key no longer than the function timeout: the retry runs it once", async () => {
      // 2 s function timeout, 3 s visibility (>= the timeout, as the construct requires). Each
      // first attempt stalls for 10 s and is killed at 2 s, leaving its key INPROGRESS. The
      // in-progress expiry is the invocation's remaining time (2 s), so the redelivery 3 s later
      // takes the key over and runs; without the Lambda context the key would stay blocked
      // until the record's expiry (4 days) and the message would never run.
      const worker = idempotentWorker({ timeoutSeconds: 2, batchSize: 1 });
      const queueUrl = await createQueue(sqs, "idem-crash", 3);
      const messages = Array.from({ length: 5 }, (_, i) => ({
        id: `crash-${i}`,
        kind: "stall-first" as const,
        sleepMs: 10_000,
      }));
      const logFile = path.join(projectDir, "idem-crash.log");
      await sendAll(sqs, queueUrl, messages);
      const stats = await runScenario({
        sqs,
        queueUrl,
        worker,
        logFile,
        environment: awsEnvironment(),
        until: async () => (await queueDepth(sqs, queueUrl)) === 0,
        timeoutMs: 60_000,
      });

      console.log(
        `idempotency on, attempts killed by the 2 s timeout: ${stats.timedOutBatches} timed out, runs ${JSON.stringify(runsPerId(logFile))}`,
      );
      expect(stats.timedOutBatches).toBeGreaterThanOrEqual(messages.length);
      expect(runsPerId(logFile)).toEqual(once(messages.map((m) => m.id)));
      expect(readLog(logFile).every((e) => e.attempt >= 2)).toBe(true);
    });

    test("a producer that sends the same job twice: twice by message id, once with a body key function", async () => {
      const run = async (label: string, bodyKey: Record<string, string>) => {
        // A copy received while the other is in flight fails as "in progress" and comes back
        // after the visibility timeout: 3 s, so that the test does not wait a minute for it.
        const queueUrl = await createQueue(sqs, `idem-producer-${label}`, 3);
        // Ten jobs, each sent twice as two SQS messages (two message ids, one jobKey).
        const jobs = Array.from({ length: 10 }, (_, i) => ({
          id: `${label}-${i}`,
          kind: "good" as const,
          jobKey: `${label}-job-${i}`,
        }));
        const logFile = path.join(projectDir, `producer-${label}.log`);
        await sendAll(sqs, queueUrl, [...jobs, ...jobs]);
        const stats = await runScenario({
          sqs,
          queueUrl,
          worker: idempotentWorker(),
          logFile,
          environment: { ...awsEnvironment(), ...bodyKey },
          until: async () => (await queueDepth(sqs, queueUrl)) === 0,
          timeoutMs: 60_000,
        });

        console.log(
          `producer duplicates keyed by ${label}: ${stats.records} receives, ${stats.failedRecords} in-progress retries, runs ${JSON.stringify(runsPerId(logFile))}`,
        );
        return { jobs: jobs.map((j) => j.id), runs: runsPerId(logFile) };
      };
      const byMessageId = await run("message-id", {});
      expect(byMessageId.runs).toEqual(Object.fromEntries(byMessageId.jobs.map((id) => [id, 2])));
      const byBody = await run("body-key", { SCENARIO_BODY_KEY: "jobKey" });
      expect(byBody.runs).toEqual(once(byBody.jobs));
    });
  });
});

describe("teardown", () => {
  test("destroys every stack, leaving empty state", async () => {
    await Promise.all(STACKS.map(destroy));
    for (const stack of STACKS) {
      const state = JSON.parse(
        fs.readFileSync(path.join(projectDir, `terraform.${stack}.tfstate`), "utf8"),
      ) as TerraformState;
      expect({ stack, resources: state.resources }).toEqual({ stack, resources: [] });
    }
  });
});
