import * as fs from "fs";
import * as path from "path";
import { App, Testing, TerraformStack } from "cdktf";
import {
  ServiceStack,
  SqsWorker,
  SqsWorkerConfigError,
  addServiceStacks,
  settingsFromEnv,
  type ServiceStackProps,
} from "../modules/internal";
import { TEST_ENTRY, withEntry, type TestWorkerProps } from "./helpers/props";
import { resources, synthService, tempDirsRemovedAfterAll, type TerraformJson } from "./helpers/synth";

// A name prefix lets dev and prod of one service live in one account: every AWS name carries it,
// and each prefix has its own state. A stage (ServiceStack's `stage`) gives a stack that prefix,
// its own stack id (`dev-<service>`) and tag, so one app holds dev and prod of one service.

const names = (json: TerraformJson, type: string, field: string) =>
  resources(json, type)
    .map((r) => r[field])
    .sort();

describe("namePrefix", () => {
  const dev = synthService("orders", { namePrefix: "dev-" });

  test("prefixes every AWS name the worker creates", () => {
    expect(names(dev, "aws_sqs_queue", "name")).toEqual(["dev-orders-dlq", "dev-orders-queue"]);
    expect(names(dev, "aws_lambda_function", "function_name")).toEqual(["dev-orders-worker"]);
    expect(names(dev, "aws_iam_role", "name")).toEqual(["dev-orders-worker"]);
    expect(names(dev, "aws_iam_role_policy", "name")).toEqual(["dev-orders-worker"]);
    expect(names(dev, "aws_cloudwatch_log_group", "name")).toEqual(["/aws/lambda/dev-orders-worker"]);
    expect(names(dev, "aws_cloudwatch_metric_alarm", "alarm_name")).toEqual([
      "dev-orders-backlog-age",
      "dev-orders-dlq-arrivals",
      "dev-orders-dlq-not-empty",
      "dev-orders-errors",
      "dev-orders-throttles",
    ]);
    expect(names(dev, "aws_cloudwatch_dashboard", "dashboard_name")).toEqual(["dev-orders-worker"]);
    expect(names(dev, "aws_iam_policy", "name")).toEqual(["dev-orders-dlq-operator"]);
  });

  test("prefixes FIFO queue names before the .fifo suffix", () => {
    expect(
      names(synthService("ledger", { namePrefix: "prod-", queue: { fifo: true } }), "aws_sqs_queue", "name"),
    ).toEqual(["prod-ledger-dlq.fifo", "prod-ledger-queue.fifo"]);
  });

  test("gives each prefix its own local state file", () => {
    expect(dev.terraform.backend).toEqual({ local: { path: "../../../terraform.dev-orders.tfstate" } });
  });

  test("leaves the article's names alone by default", () => {
    expect(names(synthService("orders"), "aws_sqs_queue", "name")).toEqual(["orders-dlq", "orders-queue"]);
  });
});

describe("the app's stage (SQS_WORKER_STAGE)", () => {
  test("is read from the environment, and absent by default", () => {
    expect(settingsFromEnv({ SQS_WORKER_STAGE: "dev" })).toEqual({
      region: "us-east-1",
      backend: { kind: "local" },
      stage: "dev",
    });
    expect(settingsFromEnv({})).toEqual({ region: "us-east-1", backend: { kind: "local" } });
  });

  test("names every service's stack <stage>-<service>, prefixes its names and separates its S3 state key", () => {
    const app = Testing.app();
    const [stack] = addServiceStacks(
      app,
      { orders: withEntry({}) },
      settingsFromEnv({ SQS_WORKER_STAGE: "prod", TF_STATE_BUCKET: "state" }),
    );
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(stack.node.id).toBe("prod-orders");
    expect(names(json, "aws_sqs_queue", "name")).toEqual(["prod-orders-dlq", "prod-orders-queue"]);
    expect(json.terraform.backend).toMatchObject({ s3: { key: "sqs-worker/prod-orders/terraform.tfstate" } });
  });

  test("an empty SQS_WORKER_STAGE is no stage", () => {
    const [stack] = addServiceStacks(
      Testing.app(),
      { orders: withEntry({}) },
      settingsFromEnv({ SQS_WORKER_STAGE: "" }),
    );
    expect(stack.node.id).toBe("orders");
  });

  test("does not override a service's own namePrefix, which keeps naming its state", () => {
    const app = Testing.app();
    const [stack] = addServiceStacks(
      app,
      { orders: withEntry<TestWorkerProps>({ namePrefix: "blue-" }) },
      settingsFromEnv({ SQS_WORKER_STAGE: "prod" }),
    );
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(stack.node.id).toBe("prod-orders");
    expect(names(json, "aws_sqs_queue", "name")).toEqual(["blue-orders-dlq", "blue-orders-queue"]);
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.blue-orders.tfstate" } });
  });

  test("refuses a stage ServiceStack refuses, for every service", () => {
    expect(() =>
      addServiceStacks(
        Testing.app(),
        { orders: withEntry({}), billing: withEntry({}) },
        settingsFromEnv({ SQS_WORKER_STAGE: "dev!" }),
      ),
    ).toThrow(
      [
        "Invalid SqsWorker configuration (2 problems):",
        `  - orders: stage ${STAGE_RULE} (given "dev!")`,
        `  - billing: stage ${STAGE_RULE} (given "dev!")`,
      ].join("\n"),
    );
  });
});

const STAGE_RULE =
  'must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, such as "dev" or "prod" (it starts the stack id and every AWS name: <stage>-<service>)';

describe("dev and prod of one service in one app", () => {
  const temp = tempDirsRemovedAfterAll();
  const worker = withEntry({});
  const build = (backend: ServiceStackProps["backend"] = { kind: "local" }) => {
    const app = Testing.app();
    const stacks = ["dev", "prod"].map(
      (stage) => new ServiceStack(app, "invoices", { stage, region: "eu-west-1", backend, worker }),
    );
    return stacks.map((stack) => ({ id: stack.node.id, json: JSON.parse(Testing.synth(stack)) as TerraformJson }));
  };

  test("are two stacks, <stage>-<service>, with distinct AWS names", () => {
    const [dev, prod] = build();
    expect([dev.id, prod.id]).toEqual(["dev-invoices", "prod-invoices"]);
    expect(names(dev.json, "aws_sqs_queue", "name")).toEqual(["dev-invoices-dlq", "dev-invoices-queue"]);
    expect(names(prod.json, "aws_sqs_queue", "name")).toEqual(["prod-invoices-dlq", "prod-invoices-queue"]);
    expect(names(prod.json, "aws_lambda_function", "function_name")).toEqual(["prod-invoices-worker"]);
    // The worker's service name stays the service's: its environment and metrics say invoices.
    expect(resources(prod.json, "aws_cloudwatch_dashboard").map((d) => String(d.dashboard_body))[0]).toContain(
      "prod-invoices-queue",
    );
  });

  test("name the stack, not only the service, in a config error: per-stage settings show which stage is wrong", () => {
    const app = Testing.app();
    new ServiceStack(app, "invoices", { stage: "dev", region: "eu-west-1", worker });
    const prod = () =>
      new ServiceStack(app, "invoices", {
        stage: "prod",
        region: "eu-west-1",
        worker: { ...worker, lambda: { ...worker.lambda, timeoutSeconds: 1000 } },
      });
    expect(prod).toThrow(
      /^ {2}- prod-invoices: lambda\.timeoutSeconds must be an integer from 1 to 900 .*\(given 1000\)$/m,
    );
  });

  test("tell on-call, in the alarm and policy descriptions AWS shows, the DLQ command that finds this stage's queues", () => {
    const [, prod] = build();
    const descriptions = [
      ...resources(prod.json, "aws_cloudwatch_metric_alarm").map((a) => String(a.alarm_description)),
      ...resources(prod.json, "aws_iam_policy").map((p) => String(p.description)),
    ].filter((d) => d.includes("sqs-worker dlq"));
    expect(descriptions.length).toBe(3); // errors, DLQ arrivals, the operator policy
    for (const d of descriptions)
      expect(d).toMatch(/npx sqs-worker dlq invoices (logs|peek|<command>) --name-prefix prod-/);
    expect(JSON.stringify(prod.json)).not.toContain("npm run dlq");
  });

  test("have their own state: local files and S3 keys named as the stacks", () => {
    const [dev, prod] = build();
    expect(dev.json.terraform.backend).toEqual({ local: { path: "../../../terraform.dev-invoices.tfstate" } });
    expect(prod.json.terraform.backend).toEqual({ local: { path: "../../../terraform.prod-invoices.tfstate" } });
    const [s3Dev, s3Prod] = build({ kind: "s3", bucket: "state", region: "eu-west-1", keyPrefix: "team" });
    expect(s3Dev.json.terraform.backend).toMatchObject({ s3: { key: "team/dev-invoices/terraform.tfstate" } });
    expect(s3Prod.json.terraform.backend).toMatchObject({ s3: { key: "team/prod-invoices/terraform.tfstate" } });
  });

  test("tag every resource with the service and the stage, and say the stage in the alarm variable", () => {
    const [dev, prod] = build();
    expect(dev.json.provider.aws[0].default_tags).toEqual([
      { tags: { Service: "invoices", Stage: "dev", ManagedBy: "cdktf" } },
    ]);
    expect(prod.json.provider.aws[0].default_tags).toEqual([
      { tags: { Service: "invoices", Stage: "prod", ManagedBy: "cdktf" } },
    ]);
    expect(prod.json.variable.alert_sns_arn.description).toBe(
      "SNS topic ARN notified when the dead-letter queue of invoices (stage prod) holds messages",
    );
  });

  test("without a stage, nothing changes: the stack id is the service, no Stage tag, no prefix", () => {
    const app = Testing.app();
    const stack = new ServiceStack(app, "invoices", { region: "eu-west-1", worker });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(stack.node.id).toBe("invoices");
    expect(json.provider.aws[0].default_tags).toEqual([{ tags: { Service: "invoices", ManagedBy: "cdktf" } }]);
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.invoices.tfstate" } });
  });

  test("addServiceStacks called once per stage builds both, and the synth writes cdktf.out/stacks/<stage>-<service>", () => {
    const outdir = temp("stages-app");
    const app = new App({ outdir });
    const settings = { region: "us-east-1", backend: { kind: "local" } } as const;
    const stacks = ["dev", "prod"].flatMap((stage) =>
      addServiceStacks(app, { invoices: worker, billing: worker }, { ...settings, stage }),
    );
    expect(stacks.map((stack) => stack.node.id)).toEqual([
      "dev-invoices",
      "dev-billing",
      "prod-invoices",
      "prod-billing",
    ]);
    app.synth();
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual([
      "dev-billing",
      "dev-invoices",
      "prod-billing",
      "prod-invoices",
    ]);
    const queue = (stack: string) =>
      Object.values(
        (JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson)
          .resource.aws_sqs_queue,
      ).map((q) => q.name);
    expect(queue("prod-billing").sort()).toEqual(["prod-billing-dlq", "prod-billing-queue"]);
  });

  test("the same stage twice is refused: cdktf refuses the stack id, the worker's check the names", () => {
    const app = Testing.app();
    new ServiceStack(app, "invoices", { stage: "dev", region: "us-east-1", worker });
    expect(() => new ServiceStack(app, "invoices", { stage: "dev", region: "us-east-1", worker })).toThrow(
      /There is already a Construct with name 'dev-invoices'/,
    );
    // Another stage whose worker sets the first one's prefix would create the same AWS names.
    expect(
      () =>
        new ServiceStack(app, "invoices", {
          stage: "qa",
          region: "us-east-1",
          worker: { ...worker, namePrefix: "dev-" },
        }),
    ).toThrow(
      /invoices: serviceName gives AWS names that dev-invoices\/Worker in this app already creates .* \(given "invoices" with namePrefix "dev-"\)/,
    );
  });
});

describe("a stage ServiceStack refuses", () => {
  const build = (stage: unknown, extra: object = {}) =>
    new ServiceStack(Testing.app(), "orders", {
      region: "us-east-1",
      worker: withEntry({}),
      stage: stage as string,
      ...extra,
    });
  const lines = (stage: unknown, extra: object = {}): string[] => {
    try {
      build(stage, extra);
    } catch (error) {
      expect(error).toBeInstanceOf(SqsWorkerConfigError);
      return (error as Error).message
        .split("\n")
        .slice(1)
        .map((line) => line.trim());
    }
    throw new Error("no error");
  };

  test("not a string, empty, uppercase, ending with a hyphen, or with other characters: one line each, with the rule", () => {
    expect(lines(3)).toEqual([
      '- orders: stage must be a string such as "dev" or "prod", or left out for no stage (given 3)',
    ]);
    expect(lines("")).toEqual(['- orders: stage must not be empty: leave it out for no stage (given "")']);
    for (const stage of ["Dev", "dev-", "-dev", "1dev", "dev_1", "dev.1", "dév"])
      expect(lines(stage)).toEqual([`- orders: stage ${STAGE_RULE} (given ${JSON.stringify(stage)})`]);
  });

  test("comes with the stack's other problems, all at once", () => {
    expect(lines("Prod", { region: "" })).toEqual([
      '- orders: region must be an AWS region such as us-east-1 (given "")',
      `- orders: stage ${STAGE_RULE} (given "Prod")`,
    ]);
  });

  test("good stages pass: letters, digits and inner hyphens", () => {
    for (const stage of ["dev", "prod", "qa2", "eu-prod", "x"]) expect(build(stage).node.id).toBe(`${stage}-orders`);
  });

  test("too long for the names: the construct's name-length rule fires, naming the stage", () => {
    const stage = "s".repeat(51); // s...s-orders-worker is 65 characters, one more than a function name may have
    expect(lines(stage)).toEqual([
      `- ${stage}-orders: serviceName must give a valid function and role name: 1 to 64 characters of A-Z a-z 0-9 _ - (given "orders" with stage "${stage}" (namePrefix "${stage}-"), function and role name "${stage}-orders-worker")`,
    ]);
    expect(() => build("s".repeat(50))).not.toThrow();
  });
});

describe("two workers that would create the same AWS names", () => {
  const props = (extra: object = {}) => ({
    serviceName: "orders",
    lambda: { entry: TEST_ENTRY },
    alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:a",
    ...extra,
  });

  test("are refused in one stack, naming the other worker and the names", () => {
    const stack = new TerraformStack(Testing.app(), "shop");
    new SqsWorker(stack, "Worker", props());
    expect(() => new SqsWorker(stack, "Again", props())).toThrow(
      'orders: serviceName gives AWS names that shop/Worker in this app already creates (SQS queue orders-queue, SQS queue orders-dlq, Lambda function orders-worker, IAM role orders-worker, log group /aws/lambda/orders-worker, alarm orders-dlq-not-empty, alarm orders-dlq-arrivals, alarm orders-backlog-age, alarm orders-errors, alarm orders-throttles, dashboard orders-worker, IAM policy orders-dlq-operator): choose another serviceName, or a namePrefix (given "orders")',
    );
  });

  test("are refused across the stacks of one app, even when only some names repeat", () => {
    const app = Testing.app();
    new SqsWorker(new TerraformStack(app, "one"), "Worker", props());
    expect(() => new SqsWorker(new TerraformStack(app, "two"), "Worker", props({ queue: { fifo: true } }))).toThrow(
      /already creates \(Lambda function orders-worker, IAM role orders-worker, log group \/aws\/lambda\/orders-worker, alarm orders-dlq-not-empty, alarm orders-dlq-arrivals, alarm orders-backlog-age, alarm orders-errors, alarm orders-throttles, dashboard orders-worker, IAM policy orders-dlq-operator\)/,
    );
  });

  test("are accepted with different name prefixes, and in different apps", () => {
    const stack = new TerraformStack(Testing.app(), "shop");
    new SqsWorker(stack, "Dev", props({ namePrefix: "dev-" }));
    expect(() => new SqsWorker(stack, "Prod", props({ namePrefix: "prod-" }))).not.toThrow();
    expect(
      () => new SqsWorker(new TerraformStack(Testing.app(), "other"), "Worker", props({ namePrefix: "dev-" })),
    ).not.toThrow();
  });
});
