import { Testing } from "cdktf";
import { DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS } from "../modules/sqs-worker/limits";
import { NAME_CASE_RULES } from "../modules/sqs-worker/name-registry";
import { ServiceStack, SqsWorkerConfigError } from "../modules/internal";
import { withEntry, type TestWorkerProps } from "./helpers/props";
import { onlyResource, resourceWhere, synthService } from "./helpers/synth";

/** Builds service stacks in one app, in order; returns the one-line messages of the error, or [] when every stack was built. */
function problemsOf(...stacks: { service: string; region?: string; worker?: TestWorkerProps }[]): string[] {
  const app = Testing.app();
  try {
    for (const { service, region = "us-east-1", worker = {} } of stacks)
      new ServiceStack(app, service, { region, worker: withEntry(worker) });
    return [];
  } catch (error) {
    if (!(error instanceof SqsWorkerConfigError)) throw error;
    return error.message.split("\n").slice(1);
  }
}

const REGION_RULE =
  'region must be a well-formed AWS Region name such as us-east-1 or us-gov-west-1 (lowercase <area>-<place>-<number>): the stack\'s AWS provider stops the plan on any other ("invalid AWS Region")';

describe("the stack's region", () => {
  test("us-east1 is refused in one line naming the service, region and the value", () => {
    expect(problemsOf({ service: "orders", region: "us-east1" })).toEqual([
      `  - orders: ${REGION_RULE} (given "us-east1")`,
    ]);
  });

  test("US-EAST-1 is refused: AWS Region names are lowercase", () => {
    expect(problemsOf({ service: "orders", region: "US-EAST-1" })).toEqual([
      `  - orders: ${REGION_RULE} (given "US-EAST-1")`,
    ]);
  });

  test("a malformed region comes with the worker's other problems, in one error", () => {
    expect(
      problemsOf({ service: "orders", region: "us-east1", worker: { deadLetterQueue: { maxReceiveCount: 0 } } }),
    ).toEqual([
      `  - orders: ${REGION_RULE} (given "us-east1")`,
      "  - orders: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)",
    ]);
  });

  test.each([
    "eu-central-2",
    "us-gov-west-1",
    "cn-north-1",
    "ap-southeast-7",
    "mx-central-1",
    "us-isob-east-1",
    "eusc-de-east-1",
  ])("%s is a well-formed region", (region) => {
    expect(problemsOf({ service: "orders", region })).toEqual([]);
  });

  test("eu-central-2 reaches the provider", () => {
    expect(synthService("orders", {}, "eu-central-2").provider.aws[0].region).toBe("eu-central-2");
  });
});

describe("names as AWS compares them", () => {
  test("services orders and Orders in one app are refused: IAM role and policy names ignore case", () => {
    expect(problemsOf({ service: "orders" }, { service: "Orders" })).toEqual([
      "  - Orders: serviceName gives AWS names that orders/Worker in this app already creates " +
        "(IAM role Orders-worker (the same as orders-worker: IAM role names ignore case), IAM policy Orders-dlq-operator (the same as orders-dlq-operator: IAM policy names ignore case)): " +
        'choose another serviceName, or a namePrefix (given "Orders")',
    ]);
  });

  test("the clash comes with the worker's other problems", () => {
    expect(problemsOf({ service: "orders" }, { service: "Orders", worker: { lambda: { memorySizeMb: 64 } } })[0]).toBe(
      "  - Orders: lambda.memorySizeMb must be an integer from 128 to 10240 (given 64)",
    );
  });

  test("an uppercase service name on its own synthesizes, its names as given", () => {
    expect(onlyResource(synthService("Orders"), "aws_iam_role").name).toBe("Orders-worker");
  });

  test("only IAM role and policy names are compared without case", () => {
    expect(
      Object.entries(NAME_CASE_RULES)
        .filter(([, rule]) => rule === "insensitive")
        .map(([kind]) => kind),
    ).toEqual(["IAM role", "IAM policy"]);
  });

  test("different stages of one service differ by prefix and do not clash", () => {
    expect(
      problemsOf(
        { service: "orders", worker: { namePrefix: "dev-" } },
        { service: "Orders", worker: { namePrefix: "prod-" } },
      ),
    ).toEqual([]);
  });
});

describe("valid neighbours of the refused inputs synthesize", () => {
  test("a 57-character FIFO service with idempotency", () => {
    const service = "s".repeat(57);
    const json = synthService(service, { queue: { fifo: true, contentBasedDeduplication: true }, idempotency: {} });
    expect(resourceWhere(json, "aws_sqs_queue", "name", `${service}-queue.fifo`).body.fifo_queue).toBe(true);
    expect(onlyResource(json, "aws_dynamodb_table").name).toBe(`${service}-idempotency`);
  });

  test("retention exactly long enough for the retry cycle", () => {
    const json = synthService("orders", {
      queue: { messageRetentionSeconds: 540, visibilityTimeoutSeconds: 180 },
      deadLetterQueue: { maxReceiveCount: 3 },
    });
    expect(resourceWhere(json, "aws_sqs_queue", "name", "orders-queue").body.message_retention_seconds).toBe(540);
  });

  test("reservedConcurrency 1,000 (the default account limit)", () => {
    expect(
      onlyResource(synthService("orders", { lambda: { reservedConcurrency: 1000 } }), "aws_lambda_function")
        .reserved_concurrent_executions,
    ).toBe(1000);
  });
});

describe("the derived dlq-arrivals alarm", () => {
  test("evaluates the number of alarm periods its window rule counts", () => {
    const alarm = resourceWhere(
      synthService("orders", { deadLetterQueue: { alarmPeriodSeconds: 3600 } }),
      "aws_cloudwatch_metric_alarm",
      "alarm_name",
      "orders-dlq-arrivals",
    ).body as { evaluation_periods: number; metric_query: { metric?: { period: number } }[] };
    expect({ evaluationPeriods: alarm.evaluation_periods, period: alarm.metric_query[1].metric?.period }).toEqual({
      evaluationPeriods: DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS,
      period: 3600,
    });
  });
});
