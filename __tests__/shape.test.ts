import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { SqsWorker, SqsWorkerConfigError } from "../modules/internal";
import {
  POLLER_KEYS,
  PROP_PATHS,
  PROP_SHAPE,
  closestProp,
  findShapeViolations,
} from "../modules/sqs-worker/prop-shape";
import { TEST_ENTRY } from "./helpers/props";

// What a JavaScript caller (or a cast) can pass that TypeScript would have refused: each is
// refused at synth with one line naming the service, the prop, the rule and the given value,
// all at once, before any resource exists.

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const valid = () => ({ serviceName: "orders", lambda: { entry: TEST_ENTRY }, alarmTopicArn: TOPIC });

/** The one-line messages a JavaScript caller's props are refused with ([] when accepted). */
function refusal(props: unknown): string[] {
  const stack = new TerraformStack(Testing.app(), "test");
  try {
    new SqsWorker(stack, "Worker", props as never);
    return [];
  } catch (error) {
    if (!(error instanceof SqsWorkerConfigError)) throw error;
    expect(stack.node.findAll().filter((c) => c.node.path.startsWith("test/Worker/"))).toEqual([]);
    return error.message
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ""));
  }
}

describe("the shape of the props", () => {
  test("valid props pass, including Terraform tokens where numbers and strings go", () => {
    const stack = new TerraformStack(Testing.app(), "tokens");
    const timeout = new TerraformVariable(stack, "timeout", { type: "number" }).numberValue;
    expect(
      findShapeViolations({
        ...valid(),
        lambda: { entry: TEST_ENTRY, timeoutSeconds: timeout },
        queue: { visibilityTimeoutSeconds: undefined },
      }),
    ).toEqual([]);
  });

  test("provisioned pollers: an object of exactly minimum and maximum, both numbers", () => {
    expect(
      findShapeViolations({ ...valid(), eventSource: { provisionedPollers: { minimum: 2, maximum: 10 } } }),
    ).toEqual([]);
    const rule =
      "must be an object { minimum, maximum } of two numbers (the minimum and maximum event pollers), with no other keys";
    expect(refusal({ ...valid(), eventSource: { provisionedPollers: { minimum: 2 } } })).toEqual([
      `orders: eventSource.provisionedPollers ${rule} (given {"minimum":2})`,
    ]);
    expect(refusal({ ...valid(), eventSource: { provisionedPollers: { min: 2, max: 10 } } })).toEqual([
      `orders: eventSource.provisionedPollers ${rule} (given {"min":2,"max":10})`,
    ]);
    expect(refusal({ ...valid(), eventSource: { provisionedPollers: 10 } })).toEqual([
      `orders: eventSource.provisionedPollers ${rule} (given 10)`,
    ]);
  });

  test("queue.maximumMessageBytes must be a number", () => {
    expect(refusal({ ...valid(), queue: { maximumMessageBytes: "1MiB" } })).toEqual([
      'orders: queue.maximumMessageBytes must be a number (given "1MiB")',
    ]);
  });

  test("a missing serviceName", () => {
    expect(refusal({ lambda: { entry: TEST_ENTRY }, alarmTopicArn: TOPIC })).toEqual([
      "SqsWorker: serviceName is required: every AWS name derives from it (given undefined)",
    ]);
  });

  test("booleans given as strings or numbers", () => {
    expect(
      refusal({
        ...valid(),
        queue: { fifo: "true", contentBasedDeduplication: 1 },
        deadLetterQueue: { operatorPolicy: "false" },
      }),
    ).toEqual([
      'orders: queue.fifo must be a boolean (given "true")',
      "orders: queue.contentBasedDeduplication must be a boolean (given 1)",
      'orders: deadLetterQueue.operatorPolicy must be a boolean (given "false")',
    ]);
  });

  test("numbers given as strings anywhere, the alarm period included", () => {
    expect(
      refusal({
        ...valid(),
        lambda: { entry: TEST_ENTRY, timeoutSeconds: "60" },
        queue: { visibilityTimeoutSeconds: "300" },
        deadLetterQueue: { alarmPeriodSeconds: "300" },
      }),
    ).toEqual([
      'orders: lambda.timeoutSeconds must be a number (given "60")',
      'orders: queue.visibilityTimeoutSeconds must be a number (given "300")',
      'orders: deadLetterQueue.alarmPeriodSeconds must be a number (given "300")',
    ]);
    // Under its deprecated name, the message names the path the caller wrote.
    expect(refusal({ ...valid(), alarmTopicArn: undefined, alarm: { topicArn: TOPIC, periodSeconds: "300" } })).toEqual(
      ['orders: alarm.periodSeconds must be a number (given "300")'],
    );
    expect(refusal({ ...valid(), eventSource: { maximumConcurrency: "10" } })).toEqual([
      'orders: eventSource.maximumConcurrency must be a number or false (given "10")',
    ]);
    expect(refusal({ ...valid(), eventSource: { maximumConcurrency: true } })).toEqual([
      "orders: eventSource.maximumConcurrency must be a number or false (given true)",
    ]);
  });

  test("a group of the wrong type", () => {
    expect(refusal({ ...valid(), lambda: "lambda-src/orders.ts", alarm: TOPIC })).toEqual([
      'orders: lambda must be an object (given "lambda-src/orders.ts")',
      'orders: alarm must be an object (given "arn:aws:sns:us-east-1:123456789012:alerts")',
    ]);
    expect(refusal("orders")).toEqual(['SqsWorker: props must be an object (given "orders")']);
  });

  test("environment values of the wrong type", () => {
    expect(refusal({ ...valid(), lambda: { entry: TEST_ENTRY, environment: "A=1" } })).toEqual([
      'orders: lambda.environment must be an object literal of strings (a Map or a class instance would reach Lambda empty) (given "A=1")',
    ]);
  });

  test("an environment given as a Map or a class instance with getters is refused, not written empty", () => {
    class Environment {
      get STAGE() {
        return "dev";
      }
    }
    for (const environment of [new Map([["STAGE", "dev"]]), new Environment()]) {
      expect(refusal({ ...valid(), lambda: { entry: TEST_ENTRY, environment } })).toEqual([
        expect.stringMatching(
          /^orders: lambda\.environment must be an object literal of strings \(a Map or a class instance would reach Lambda empty\)/,
        ),
      ]);
    }
  });

  test("a missing alarm topic", () => {
    expect(refusal({ serviceName: "orders", lambda: { entry: TEST_ENTRY } })).toEqual([
      "orders: alarmTopicArn is required: the SNS topic every alarm notifies (given undefined)",
    ]);
    expect(refusal({ serviceName: "orders", lambda: { entry: TEST_ENTRY }, alarm: { periodSeconds: 60 } })).toEqual([
      "orders: alarmTopicArn is required: the SNS topic every alarm notifies (given undefined)",
    ]);
    // The deprecated alarm.topicArn still names it.
    expect(refusal({ serviceName: "orders", lambda: { entry: TEST_ENTRY }, alarm: { topicArn: TOPIC } })).toEqual([]);
  });

  test("unknown keys at every level, naming the prop probably meant", () => {
    expect(
      refusal({
        ...valid(),
        timeoutSeconds: 60,
        lambda: { entry: TEST_ENTRY, timeout: 60, visibilityTimeoutSeconds: 360 },
        queue: { visibilityTimeout: 360, colour: "blue" },
        deadLetterQueue: { maxRecieveCount: 5 },
      }),
    ).toEqual([
      "orders: timeoutSeconds is not a prop of SqsWorker; did you mean lambda.timeoutSeconds? (given 60)",
      "orders: lambda.timeout is not a prop of SqsWorker; did you mean lambda.timeoutSeconds? (given 60)",
      "orders: lambda.visibilityTimeoutSeconds is not a prop of SqsWorker; did you mean queue.visibilityTimeoutSeconds? (given 360)",
      "orders: queue.visibilityTimeout is not a prop of SqsWorker; did you mean queue.visibilityTimeoutSeconds? (given 360)",
      'orders: queue.colour is not a prop of SqsWorker (given "blue")',
      "orders: deadLetterQueue.maxRecieveCount is not a prop of SqsWorker; did you mean deadLetterQueue.maxReceiveCount? (given 5)",
    ]);
  });

  test("did-you-mean prefers the same group and stays quiet when nothing is close", () => {
    expect(closestProp("queue", "retention")).toBe(undefined);
    expect(closestProp("queue", "messageRetention")).toBe("queue.messageRetentionSeconds");
    expect(closestProp("deadLetterQueue", "messageRetentionSecond")).toBe("deadLetterQueue.messageRetentionSeconds");
    expect(closestProp("", "fifo")).toBe("queue.fifo");
    expect(closestProp("lambda", "xyz")).toBe(undefined);
  });

  test("the shape table names every prop the docs list, and no other", () => {
    const fs = jest.requireActual<typeof import("fs")>("fs");
    const doc = fs.readFileSync(`${__dirname}/../docs/construct.md`, "utf8");
    const documented = [...doc.matchAll(/^\| `([a-zA-Z.]+)` \|/gm)]
      .map((m) => m[1])
      .filter((p) => /^[a-z]/.test(p) && !p.startsWith("aws_"));
    // A "pollers" prop (eventSource.provisionedPollers) is an object: its two keys have rows too.
    const nested = Object.entries(PROP_SHAPE).flatMap(([group, shape]) =>
      Object.entries(shape)
        .filter(([, kind]) => kind === "pollers")
        .flatMap(([prop]) => POLLER_KEYS.map((key) => `${group}.${prop}.${key}`)),
    );
    expect([...documented].sort()).toEqual([...PROP_PATHS, ...nested].sort());
  });
});
