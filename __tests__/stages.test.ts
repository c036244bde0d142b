import { App, Testing } from "cdktf";
import { addServiceStacks, settingsFromEnv } from "../modules/internal";
import { withEntry, type TestWorkerProps } from "./helpers/props";
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
    expect(names(dev, "aws_cloudwatch_metric_alarm", "alarm_name")).toEqual(["dev-orders-dlq-not-empty"]);
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
