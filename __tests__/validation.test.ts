import { Testing, TerraformStack } from "cdktf";
import { SqsWorker, SqsWorkerConfigError, type SqsWorkerProps } from "../modules";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";

/** Builds a worker with `props` and returns the thrown error's message, or "" when valid. */
function errorFor(props: Partial<SqsWorkerProps>): string {
  const stack = new TerraformStack(Testing.app(), "test");
  try {
    new SqsWorker(stack, "Worker", { serviceName: "orders", alarm: { topicArn: TOPIC }, ...props });
    return "";
  } catch (error) {
    if (!(error instanceof SqsWorkerConfigError)) throw error;
    return error.message;
  }
}

describe("the visibility timeout rule (the article's most common mistake)", () => {
  test("fails if the visibility timeout is below the Lambda timeout, naming the service, both values and the rule", () => {
    const message = errorFor({ lambda: { timeoutSeconds: 60 }, queue: { visibilityTimeoutSeconds: 30 } });
    expect(message).toContain(
      "orders: queue.visibilityTimeoutSeconds must be >= lambda.timeoutSeconds, or a message still being processed becomes visible again and is processed twice (given visibilityTimeoutSeconds 30, lambda.timeoutSeconds 60)",
    );
  });

  test("accepts a visibility timeout equal to the Lambda timeout", () => {
    expect(errorFor({ lambda: { timeoutSeconds: 60 }, queue: { visibilityTimeoutSeconds: 60 } })).toBe("");
  });

  test("fails before any resource exists", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() =>
      new SqsWorker(stack, "Worker", { serviceName: "orders", alarm: { topicArn: TOPIC }, lambda: { timeoutSeconds: 60 }, queue: { visibilityTimeoutSeconds: 30 } }),
    ).toThrow(SqsWorkerConfigError);
    expect(stack.node.findAll().filter((c) => c.node.id !== "test" && c.node.path.startsWith("test/Worker/"))).toEqual([]);
  });

  test("never fires on the default, which derives the visibility timeout from the Lambda timeout", () => {
    expect(errorFor({ lambda: { timeoutSeconds: 900 } })).toBe("");
  });
});
