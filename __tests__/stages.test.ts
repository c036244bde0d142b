import { App, Testing, TerraformStack } from "cdktf";
import { SqsWorker, addServiceStacks, settingsFromEnv } from "../modules/internal";
import { TEST_ENTRY, withEntry, type TestWorkerProps } from "./helpers/props";
import { resources, synthService, type TerraformJson } from "./helpers/synth";

// A name prefix (a stage) lets dev and prod of one service live in one account: every AWS name
// carries it, and each prefix has its own state.

const names = (json: TerraformJson, type: string, field: string) => resources(json, type).map((r) => r[field]).sort();

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
    expect(names(synthService("ledger", { namePrefix: "prod-", queue: { fifo: true } }), "aws_sqs_queue", "name")).toEqual(["prod-ledger-dlq.fifo", "prod-ledger-queue.fifo"]);
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
    expect(settingsFromEnv({ SQS_WORKER_STAGE: "dev" })).toEqual({ region: "us-east-1", backend: { kind: "local" }, stage: "dev" });
    expect(settingsFromEnv({})).toEqual({ region: "us-east-1", backend: { kind: "local" } });
  });

  test("prefixes every service's names and separates its S3 state key, keeping the stack id", () => {
    const app = Testing.app() as App;
    const [stack] = addServiceStacks(app, { orders: withEntry({}) }, settingsFromEnv({ SQS_WORKER_STAGE: "prod", TF_STATE_BUCKET: "state" }));
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(stack.node.id).toBe("orders");
    expect(names(json, "aws_sqs_queue", "name")).toEqual(["prod-orders-dlq", "prod-orders-queue"]);
    expect(json.terraform.backend).toMatchObject({ s3: { key: "sqs-worker/prod-orders/terraform.tfstate" } });
  });

  test("does not override a service's own namePrefix", () => {
    const app = Testing.app() as App;
    const [stack] = addServiceStacks(app, { orders: withEntry<TestWorkerProps>({ namePrefix: "blue-" }) }, settingsFromEnv({ SQS_WORKER_STAGE: "prod" }));
    expect(names(JSON.parse(Testing.synth(stack)), "aws_sqs_queue", "name")).toEqual(["blue-orders-dlq", "blue-orders-queue"]);
  });
});

describe("two workers that would create the same AWS names", () => {
  const props = (extra: object = {}) => ({ serviceName: "orders", lambda: { entry: TEST_ENTRY }, alarm: { topicArn: "arn:aws:sns:us-east-1:123456789012:a" }, ...extra });

  test("are refused in one stack, naming the other worker and the names", () => {
    const stack = new TerraformStack(Testing.app(), "shop");
    new SqsWorker(stack, "Worker", props());
    expect(() => new SqsWorker(stack, "Again", props())).toThrow(
      'orders: serviceName gives AWS names that shop/Worker in this app already creates (SQS queue orders-queue, SQS queue orders-dlq, Lambda function orders-worker, IAM role orders-worker, log group /aws/lambda/orders-worker, alarm orders-dlq-not-empty, alarm orders-backlog-age, alarm orders-errors, alarm orders-throttles, alarm orders-dlq-arrivals, dashboard orders-worker, IAM policy orders-dlq-operator): choose another serviceName, or a namePrefix (given "orders")',
    );
  });

  test("are refused across the stacks of one app, even when only some names repeat", () => {
    const app = Testing.app();
    new SqsWorker(new TerraformStack(app, "one"), "Worker", props());
    expect(() => new SqsWorker(new TerraformStack(app, "two"), "Worker", props({ queue: { fifo: true } }))).toThrow(
      /already creates \(Lambda function orders-worker, IAM role orders-worker, log group \/aws\/lambda\/orders-worker, alarm orders-dlq-not-empty, alarm orders-backlog-age, alarm orders-errors, alarm orders-throttles, alarm orders-dlq-arrivals, dashboard orders-worker, IAM policy orders-dlq-operator\)/,
    );
  });

  test("are accepted with different name prefixes, and in different apps", () => {
    const stack = new TerraformStack(Testing.app(), "shop");
    new SqsWorker(stack, "Dev", props({ namePrefix: "dev-" }));
    expect(() => new SqsWorker(stack, "Prod", props({ namePrefix: "prod-" }))).not.toThrow();
    expect(() => new SqsWorker(new TerraformStack(Testing.app(), "other"), "Worker", props({ namePrefix: "dev-" }))).not.toThrow();
  });
});
