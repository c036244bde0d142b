import { Testing } from "cdktf";
import { ServiceStack, SqsWorkerConfigError, collectWarnings } from "../modules/internal";
import { formatViolation } from "../modules/sqs-worker/config-error";
import { TEST_ENTRY } from "./helpers/props";
import { onlyResource, resourceWhere, resources } from "./helpers/synth";

// A ServiceStack reads its worker props the way SqsWorker does: once, getters and prototype
// props included: a spread keeps own enumerable keys only, so a class instance's `queue` getter
// or an inherited alarm period would vanish without a word.

function synth(worker: unknown) {
  const app = Testing.app();
  const stack = new ServiceStack(app, "orders", { region: "us-east-1", worker: worker as never });
  return JSON.parse(Testing.synth(stack)) as Parameters<typeof onlyResource>[0];
}

function refusal(worker: unknown): string[] {
  try {
    synth(worker);
  } catch (error) {
    if (error instanceof SqsWorkerConfigError) return error.violations.map(formatViolation);
    throw error;
  }
  throw new Error("expected the stack to be refused");
}

describe("the worker props of a ServiceStack", () => {
  test("a class instance's getter group is read, not dropped", () => {
    class Worker {
      lambda = { entry: TEST_ENTRY };
      get queue() {
        return { fifo: true };
      }
    }
    const names = resources(synth(new Worker()), "aws_sqs_queue")
      .map((q) => q.name)
      .sort();
    expect(names).toEqual(["orders-dlq.fifo", "orders-queue.fifo"]);
  });

  test("an inherited alarm setting is read, not dropped", () => {
    const deadLetterQueue = Object.create({ alarmPeriodSeconds: 600 }) as { alarmPeriodSeconds: number };
    const json = synth({ lambda: { entry: TEST_ENTRY }, deadLetterQueue });
    expect(resourceWhere(json, "aws_cloudwatch_metric_alarm", "alarm_name", "orders-dlq-not-empty").body.period).toBe(
      600,
    );
  });

  test("a prototype's fifo of the wrong type is refused as for SqsWorker", () => {
    expect(refusal(Object.create({ lambda: { entry: TEST_ENTRY }, queue: { fifo: "false" } }))).toEqual([
      'orders: queue.fifo must be a boolean (given "false")',
    ]);
  });

  test("serviceName and alarm.topicArn, which the stack sets, are refused instead of silently overridden", () => {
    expect(
      refusal({
        serviceName: "billing",
        lambda: { entry: TEST_ENTRY },
        alarm: { topicArn: "arn:aws:sns:us-east-1:123456789012:mine" },
      }),
    ).toEqual([
      'orders: serviceName is set by ServiceStack (its second argument, the service name), not in worker (given "billing")',
      'orders: alarm.topicArn is set by ServiceStack (the alert_sns_arn variable), not in worker; pass the topic with --var alert_sns_arn=ARN (given "arn:aws:sns:us-east-1:123456789012:mine")',
    ]);
  });

  test("alarmTopicArn, the stack's alert_sns_arn variable, is refused in worker too", () => {
    expect(
      refusal({ lambda: { entry: TEST_ENTRY }, alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:mine" }),
    ).toEqual([
      'orders: alarmTopicArn is set by ServiceStack (the alert_sns_arn variable), not in worker; pass the topic with --var alert_sns_arn=ARN (given "arn:aws:sns:us-east-1:123456789012:mine")',
    ]);
  });

  test("the stack's own topic gives no deprecation warning; a deprecated alarm group the user writes does", () => {
    const warningsOf = (worker: Record<string, unknown>) => {
      const app = Testing.app();
      new ServiceStack(app, "orders", { region: "us-east-1", worker: worker as never });
      return collectWarnings(app)
        .map((w) => w.message)
        .filter((message) => message.includes("deprecated"));
    };
    expect(warningsOf({ lambda: { entry: TEST_ENTRY } })).toEqual([]);
    expect(warningsOf({ lambda: { entry: TEST_ENTRY }, alarm: { periodSeconds: 60 } })).toEqual([
      expect.stringContaining("alarm.periodSeconds is deprecated: write deadLetterQueue.alarmPeriodSeconds instead"),
    ]);
  });

  test("a plain worker still synthesizes with the stack's name and topic variable", () => {
    const json = synth({ lambda: { entry: TEST_ENTRY } });
    expect(onlyResource(json, "aws_lambda_function").function_name).toBe("orders-worker");
  });
});

describe("ServiceStack's own arguments, as a JavaScript caller may pass them", () => {
  const build = (id: unknown, props: unknown) => () => new ServiceStack(Testing.app(), id as string, props as never);
  const lines = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(SqsWorkerConfigError);
      return (error as Error).message
        .split("\n")
        .slice(1)
        .map((line) => line.trim());
    }
    throw new Error("no error");
  };
  const worker = { lambda: { entry: TEST_ENTRY } };

  test("a mistyped backend kind is refused, not synthesized as an S3 backend without a bucket", () => {
    for (const kind of ["S3", "local3"]) {
      expect(lines(build("orders", { region: "us-east-1", backend: { kind }, worker }))).toEqual([
        `- orders: backend.kind must be "local" or "s3" (given "${kind}")`,
      ]);
    }
    expect(lines(build("orders", { region: "us-east-1", backend: { kind: "s3" }, worker }))).toEqual([
      "- orders: backend.bucket must name the S3 bucket of the state (a non-empty string) (given undefined)",
      "- orders: backend.region must be the state bucket's AWS region, such as us-east-1 (given undefined)",
    ]);
  });

  test("a stack id, props or region of the wrong type is one line each, not a TypeError", () => {
    expect(lines(build(undefined, { region: "us-east-1", worker }))).toEqual([
      "- (service undefined): ServiceStack id must be the service name, a non-empty string (given undefined)",
    ]);
    expect(lines(build(42, { region: "us-east-1", worker }))).toEqual([
      "- (service 42): ServiceStack id must be the service name, a non-empty string (given 42)",
    ]);
    expect(lines(build("orders", undefined))).toEqual([
      "- orders: ServiceStack props must be an object with region (and worker, backend) (given undefined)",
    ]);
    expect(lines(build("orders", { region: 1, worker }))).toEqual([
      "- orders: region must be an AWS region such as us-east-1 (given 1)",
    ]);
    expect(lines(build("orders", { worker }))).toEqual([
      "- orders: region must be an AWS region such as us-east-1 (given undefined)",
    ]);
  });

  test("good arguments pass", () => {
    expect(() =>
      build("orders", { region: "us-east-1", backend: { kind: "s3", bucket: "state", region: "us-east-1" }, worker })(),
    ).not.toThrow();
    expect(() => build("orders", { region: "us-east-1", backend: { kind: "local" }, worker })()).not.toThrow();
  });
});
