import type { SQSClient } from "@aws-sdk/client-sqs";
import { DLQ_CLI, main, parseDlqArgs } from "../tools/dlq";
import { DlqError, EXIT } from "../tools/dlq/errors";
import { redriveClientSide, redriveNative } from "../tools/dlq/operations";
import { regionOfQueueUrl, type WorkerQueues } from "../tools/dlq/resolve";

// The native redrive path runs against a stub of the SQS client: moto does not implement
// StartMessageMoveTask or ListMessageMoveTasks. The client-side path's "never delete before
// the copy is sent" rule is also tested here, where a send can be made to fail on purpose.

const queues: WorkerQueues = {
  queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue",
  queueArn: "arn:aws:sqs:us-east-1:123456789012:orders-queue",
  dlqUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq",
  dlqArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
  fifo: false,
  alarmName: "orders-dlq-not-empty",
};

type Handler = (input: Record<string, any>) => unknown;

/** A stub SQS client answering each command by its class name, and recording every call. */
function stubSqs(handlers: Record<string, Handler>): { client: SQSClient; calls: { command: string; input: Record<string, any> }[] } {
  const calls: { command: string; input: Record<string, any> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, any> }) => {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected ${name}`);
      return handler(command.input);
    },
  } as unknown as SQSClient;
  return { client, calls };
}

const depth = (visible: number) => () => ({ Attributes: { ApproximateNumberOfMessages: String(visible), ApproximateNumberOfMessagesNotVisible: "0", ApproximateNumberOfMessagesDelayed: "0" } });

describe("native redrive (StartMessageMoveTask)", () => {
  test("starts a move from the DLQ to the source queue and reports progress until it completes", async () => {
    let polls = 0;
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: depth(7),
      StartMessageMoveTaskCommand: () => ({ TaskHandle: "task-1" }),
      ListMessageMoveTasksCommand: () => {
        polls++;
        if (polls === 1) return { Results: [] };
        const done = polls >= 3;
        return { Results: [{ TaskHandle: "task-1", Status: done ? "COMPLETED" : "RUNNING", ApproximateNumberOfMessagesMoved: done ? 7 : 3, ApproximateNumberOfMessagesToMove: 7 }] };
      },
    });
    const progress: string[] = [];
    const result = await redriveNative(client, queues, { maxPerSecond: 50, pollMs: 1, progress: (l) => progress.push(l) });
    expect(result).toEqual({ moved: 7, status: "COMPLETED" });
    expect(calls.find((c) => c.command === "StartMessageMoveTaskCommand")?.input).toEqual({
      SourceArn: queues.dlqArn,
      DestinationArn: queues.queueArn,
      MaxNumberOfMessagesPerSecond: 50,
    });
    expect(progress).toEqual(["redrive: 3 of 7 moved (RUNNING)", "redrive: 7 of 7 moved (COMPLETED)"]);
  });

  test("refuses when a redrive is already running, naming the task (exit 5)", async () => {
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: depth(2),
      ListMessageMoveTasksCommand: () => ({ Results: [{ TaskHandle: "task-0", Status: "RUNNING" }] }),
    });
    const error = await redriveNative(client, queues, { pollMs: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(DlqError);
    expect(error).toMatchObject({ exitCode: EXIT.busy, message: expect.stringContaining("already running for this dead-letter queue (task task-0)") });
    expect(calls.map((c) => c.command)).not.toContain("StartMessageMoveTaskCommand");
  });

  test("refuses an empty DLQ (exit 4) and reports a failed task", async () => {
    const empty = stubSqs({ GetQueueAttributesCommand: depth(0) });
    await expect(redriveNative(empty.client, queues)).rejects.toMatchObject({ exitCode: EXIT.empty });
    let polls = 0;
    const failing = stubSqs({
      GetQueueAttributesCommand: depth(1),
      StartMessageMoveTaskCommand: () => ({ TaskHandle: "t" }),
      ListMessageMoveTasksCommand: () => (polls++ === 0 ? { Results: [] } : { Results: [{ TaskHandle: "t", Status: "FAILED", FailureReason: "AccessDenied" }] }),
    });
    await expect(redriveNative(failing.client, queues, { pollMs: 1 })).rejects.toThrow("redrive ended FAILED: AccessDenied");
  });
});

describe("client-side redrive", () => {
  test("deletes from the DLQ only the messages whose copy SQS confirmed", async () => {
    let received = false;
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: depth(3),
      ReceiveMessageCommand: () => {
        if (received) return { Messages: [] };
        received = true;
        return { Messages: ["a", "b", "c"].map((id) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id })) };
      },
      SendMessageBatchCommand: () => ({ Successful: [{ Id: "0" }, { Id: "2" }], Failed: [{ Id: "1", Code: "InternalError", SenderFault: false }] }),
      DeleteMessageBatchCommand: (input) => ({ Successful: input.Entries.map((e: { Id: string }) => ({ Id: e.Id })) }),
    });
    expect(await redriveClientSide(client, queues)).toEqual({ moved: 2, failed: 1 });
    const deleted = calls.find((c) => c.command === "DeleteMessageBatchCommand")!.input.Entries.map((e: { ReceiptHandle: string }) => e.ReceiptHandle);
    expect(deleted).toEqual(["rh-a", "rh-c"]);
    const order = calls.map((c) => c.command);
    expect(order.indexOf("SendMessageBatchCommand")).toBeLessThan(order.indexOf("DeleteMessageBatchCommand"));
  });
});

describe("the dlq command line", () => {
  test("parses commands and options", () => {
    expect(parseDlqArgs(["orders", "peek", "-n", "5", "--json"], {})).toMatchObject({ service: "orders", command: "peek", count: 5, json: true, region: "us-east-1" });
    expect(parseDlqArgs(["orders", "redrive", "--client-side", "--region", "eu-west-1"], {})).toMatchObject({ clientSide: true, region: "eu-west-1" });
    expect(parseDlqArgs(["orders", "status"], { AWS_REGION: "ap-south-1" })).toMatchObject({ region: "ap-south-1" });
  });

  test("rejects bad usage with exit 2", () => {
    for (const argv of [["orders"], ["orders", "nuke"], ["orders", "peek", "-n", "0"], ["orders", "status", "--frobnicate"]]) {
      expect(() => parseDlqArgs(argv, {})).toThrow(expect.objectContaining({ exitCode: EXIT.usage }));
    }
  });

  test("refuses a numeric flag that is not an integer in range, naming the flag, the range and the value", () => {
    for (const given of ["0", "-1", "abc", "", "1.5", "501"]) {
      expect(() => parseDlqArgs(["orders", "redrive", `--max-per-second=${given}`], {})).toThrow(
        `--max-per-second must be an integer from 1 to 500 (given ${JSON.stringify(given)}). usage: ${DLQ_CLI.usage} (--help lists every option)`,
      );
    }
    expect(parseDlqArgs(["orders", "redrive", "--max-per-second", "500"], {})).toMatchObject({ maxPerSecond: 500 });
  });

  test("says in one line what is wrong with an unknown option or a missing value", () => {
    expect(() => parseDlqArgs(["orders", "status", "--frobnicate"], {})).toThrow(/^unknown option --frobnicate\. usage: npm run dlq/);
    expect(() => parseDlqArgs(["orders", "status", "--region"], {})).toThrow(/^--region needs a value\. usage: npm run dlq/);
  });

  test("--help and -h print every option and exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const out: string[] = [];
      expect(await main([flag], (line) => out.push(line), () => undefined)).toBe(0);
      const text = out.join("\n");
      for (const option of Object.keys(DLQ_CLI.options)) expect(text).toContain(`--${option}`);
      expect(text).toContain("-n, --count N");
      expect(text).toContain("-h, --help");
    }
  });

  test("reads the region of a queue URL", () => {
    expect(regionOfQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/q")).toBe("eu-west-1");
    expect(regionOfQueueUrl("http://127.0.0.1:5000/123456789012/q")).toBeUndefined();
  });
});
