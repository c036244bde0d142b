import { Testing } from "cdktf";
import { ServiceStack, SqsWorkerConfigError } from "../modules/internal";
import { TEST_ENTRY } from "./helpers/props";
import { onlyResource, resourceWhere, resources } from "./helpers/synth";

// A ServiceStack reads its worker props the way SqsWorker does: once, getters and prototype
// props included. A spread used to keep own enumerable keys only, so a class instance's `queue`
// getter or an inherited alarm period vanished without a word.

function synth(worker: unknown) {
  const app = Testing.app();
  const stack = new ServiceStack(app, "orders", { region: "us-east-1", worker: worker as never });
  return JSON.parse(Testing.synth(stack)) as Parameters<typeof onlyResource>[0];
}

function refusal(worker: unknown): string[] {
  try {
    synth(worker);
  } catch (error) {
    if (error instanceof SqsWorkerConfigError) return error.violations.map((v) => `${v.serviceName}: ${v.path} ${v.rule} (given ${v.given})`);
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
    const names = resources(synth(new Worker()), "aws_sqs_queue").map((q) => q.name).sort();
    expect(names).toEqual(["orders-dlq.fifo", "orders-queue.fifo"]);
  });

  test("an inherited alarm setting is read, not dropped", () => {
    const json = synth({ lambda: { entry: TEST_ENTRY }, alarm: Object.create({ periodSeconds: 600 }) });
    expect(resourceWhere(json, "aws_cloudwatch_metric_alarm", "alarm_name", "orders-dlq-not-empty").body.period).toBe(600);
  });

  test("a prototype's fifo of the wrong type is refused as for SqsWorker", () => {
    expect(refusal(Object.create({ lambda: { entry: TEST_ENTRY }, queue: { fifo: "false" } }))).toEqual(['orders: queue.fifo must be a boolean (given "false")']);
  });

  test("serviceName and alarm.topicArn, which the stack sets, are refused instead of silently overridden", () => {
    expect(refusal({ serviceName: "billing", lambda: { entry: TEST_ENTRY }, alarm: { topicArn: "arn:aws:sns:us-east-1:123456789012:mine" } })).toEqual([
      'orders: serviceName is set by ServiceStack (its id), not in worker (given "billing")',
      'orders: alarm.topicArn is set by ServiceStack (the alert_sns_arn variable), not in worker; pass the topic with --var alert_sns_arn=ARN (given "arn:aws:sns:us-east-1:123456789012:mine")',
    ]);
  });

  test("a plain worker still synthesizes with the stack's name and topic variable", () => {
    const json = synth({ lambda: { entry: TEST_ENTRY } });
    expect(onlyResource(json, "aws_lambda_function").function_name).toBe("orders-worker");
  });
});
