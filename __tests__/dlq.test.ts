import type { SQSClient } from "@aws-sdk/client-sqs";
import { DLQ_CLI, main, parseDlqArgs } from "../tools/dlq";
import { DlqError, EXIT } from "../tools/dlq/errors";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { parseDuration, showLogs } from "../tools/dlq/logs";
import { cancelRedrive, redriveComplete, redriveNative, status } from "../tools/dlq/operations";
import { RedriveJournal } from "../tools/dlq/journal";
import { redriveClientSide, type ClientSideRedriveOptions } from "../tools/dlq/redrive-client-side";
import { clientSideComplete } from "../tools/dlq/redrive-command";
import { MAX_BATCH_BYTES, redriveDeduplicationId, splitIntoBatches } from "../tools/dlq/send-batches";
import { regionOfQueueUrl, resolveWorkerQueues, type WorkerQueues } from "../tools/dlq/resolve";
import { ORDERS_QUEUES, stubSqs, type SqsInput } from "./helpers/stub-sqs";
import { idempotencyState, nativeRedriveIdempotencyWarning } from "../tools/dlq/idempotency-check";
import { ORIGINAL_MESSAGE_ID_ATTRIBUTE } from "../lambda-src/worker-settings";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { thrownBy } from "./helpers/thrown";

// The native redrive path runs against a stub of the SQS client: moto does not implement
// StartMessageMoveTask or ListMessageMoveTasks. The client-side path's "never delete before
// the copy is sent" rule is also tested here, where a send can be made to fail on purpose.

// The orders fixture with every health alarm, as `status` lists them.
const queues: WorkerQueues = {
  ...ORDERS_QUEUES,
  alarmNames: [
    "orders-dlq-not-empty",
    "orders-dlq-arrivals",
    "orders-backlog-age",
    "orders-errors",
    "orders-throttles",
  ],
};

/** A client-side redrive with a fresh journal in a temporary folder. */
function redriveWithJournal(client: SQSClient, on: WorkerQueues, options: Partial<ClientSideRedriveOptions> = {}) {
  const journal = RedriveJournal.open(fs.mkdtempSync(path.join(os.tmpdir(), "redrive-journal-")), on.dlqArn);
  return redriveClientSide(client, on, { journal, idlePollMs: 5, idleMs: 50, ...options }).finally(() =>
    journal.close(),
  );
}

const depth = (visible: number) => () => ({
  Attributes: {
    ApproximateNumberOfMessages: String(visible),
    ApproximateNumberOfMessagesNotVisible: "0",
    ApproximateNumberOfMessagesDelayed: "0",
  },
});

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
        return {
          Results: [
            {
              TaskHandle: "task-1",
              Status: done ? "COMPLETED" : "RUNNING",
              ApproximateNumberOfMessagesMoved: done ? 7 : 3,
              ApproximateNumberOfMessagesToMove: 7,
            },
          ],
        };
      },
    });
    const progress: string[] = [];
    const result = await redriveNative(client, queues, {
      maxPerSecond: 50,
      pollMs: 1,
      progress: (l) => progress.push(l),
    });
    expect(result).toMatchObject({ target: 7, moved: 7, failed: 0, status: "COMPLETED" });
    expect(redriveComplete(result)).toBe(true);
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
    const error = await redriveNative(client, queues, { pollMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DlqError);
    expect(error).toMatchObject({
      exitCode: EXIT.busy,
      message: expect.stringContaining("already running for this dead-letter queue (task task-0)") as string,
    });
    expect(calls.map((c) => c.command)).not.toContain("StartMessageMoveTaskCommand");
  });

  test("refuses an empty DLQ (exit 4) and reports a failed task", async () => {
    const empty = stubSqs({ GetQueueAttributesCommand: depth(0) });
    await expect(redriveNative(empty.client, queues)).rejects.toMatchObject({ exitCode: EXIT.empty });
    let polls = 0;
    const failing = stubSqs({
      GetQueueAttributesCommand: depth(1),
      StartMessageMoveTaskCommand: () => ({ TaskHandle: "t" }),
      ListMessageMoveTasksCommand: () =>
        polls++ === 0
          ? { Results: [] }
          : { Results: [{ TaskHandle: "t", Status: "FAILED", FailureReason: "AccessDenied" }] },
    });
    const progress: string[] = [];
    const summary = await redriveNative(failing.client, queues, { pollMs: 1, progress: (l) => progress.push(l) });
    expect(summary).toMatchObject({ target: 1, moved: 0, failed: 1, status: "FAILED" });
    expect(redriveComplete(summary)).toBe(false);
    expect(progress).toContain("redrive ended FAILED: AccessDenied");
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
      SendMessageBatchCommand: () => ({
        Successful: [{ Id: "0" }, { Id: "2" }],
        Failed: [{ Id: "1", Code: "InternalError", SenderFault: false }],
      }),
      DeleteMessageBatchCommand: (input) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id })) }),
    });
    const summary = await redriveWithJournal(client, queues);
    expect(summary).toMatchObject({ target: 3, moved: 2, failed: 1, skipped: 0 });
    expect(clientSideComplete(summary)).toBe(false);
    const deleted = calls
      .find((c) => c.command === "DeleteMessageBatchCommand")!
      .input.Entries.map((e) => e.ReceiptHandle);
    expect(deleted).toEqual(["rh-a", "rh-c"]);
    const order = calls.map((c) => c.command);
    expect(order.indexOf("SendMessageBatchCommand")).toBeLessThan(order.indexOf("DeleteMessageBatchCommand"));
  });
});

describe("client-side redrive, bounded and honest", () => {
  const message = (id: string, extra: Record<string, unknown> = {}) => ({
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: `{"id":"${id}"}`,
    ...extra,
  });
  const acceptAll = (input: SqsInput) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `copy-of-${e.Id}-${Math.random()}` })),
  });
  const deleteAll = (input: SqsInput) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id })),
  });

  test("moves at most what the DLQ held when it started, even while new messages keep arriving", async () => {
    let n = 0;
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: depth(3),
      ReceiveMessageCommand: () => ({ Messages: [message(`m${n++}`), message(`m${n++}`)] }), // a consumer keeps failing into the DLQ
      SendMessageBatchCommand: acceptAll,
      DeleteMessageBatchCommand: deleteAll,
      ChangeMessageVisibilityBatchCommand: () => ({}),
    });
    const summary = await redriveWithJournal(client, queues);
    expect(summary).toMatchObject({ target: 3, moved: 3, failed: 0 });
    expect(calls.filter((c) => c.command === "SendMessageBatchCommand").flatMap((c) => c.input.Entries).length).toBe(3);
    // The fourth message received was released at once, not moved.
    expect(
      calls.filter((c) => c.command === "ChangeMessageVisibilityBatchCommand").flatMap((c) => c.input.Entries),
    ).toEqual([{ Id: "0", ReceiptHandle: "rh-m3", VisibilityTimeout: 0 }]);
  });

  test("never picks up a copy it sent in this run that failed back into the DLQ", async () => {
    const received = [[message("a")], [message("copy-1")], []];
    const { client } = stubSqs({
      GetQueueAttributesCommand: (() => {
        let reads = 0;
        return () => depth(reads++ === 0 ? 2 : 0)();
      })(),
      ReceiveMessageCommand: () => ({ Messages: received.shift() ?? [] }),
      SendMessageBatchCommand: (input) => ({
        Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: "copy-1" })),
      }),
      DeleteMessageBatchCommand: deleteAll,
      ChangeMessageVisibilityBatchCommand: () => ({}),
    });
    expect(await redriveWithJournal(client, queues)).toMatchObject({
      target: 2,
      moved: 1,
      failed: 0,
      skipped: 1,
      stillInDlq: 0,
    });
  });

  test("leaves messages in flight with another reader alone: with nothing visible it has nothing to redrive (exit 4) and says why", async () => {
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: () => ({
        Attributes: {
          ApproximateNumberOfMessages: "0",
          ApproximateNumberOfMessagesNotVisible: "4",
          ApproximateNumberOfMessagesDelayed: "0",
        },
      }),
      ReceiveMessageCommand: () => ({ Messages: [] }),
    });
    await expect(redriveWithJournal(client, queues)).rejects.toMatchObject({
      exitCode: EXIT.empty,
      message:
        "the dead-letter queue holds no visible message: nothing to redrive (4 in flight with another reader: a peek, or a redrive elsewhere; run again when they are visible)",
    });
    expect(calls.map((c) => c.command)).not.toContain("ReceiveMessageCommand");
  });

  test("FIFO: keeps group ids, gives each copy a deduplication id derived from the original, and holds a group's later messages after a failure", async () => {
    const fifoQueues = { ...queues, fifo: true, queueUrl: `${queues.queueUrl}.fifo`, dlqUrl: `${queues.dlqUrl}.fifo` };
    const fifoMessage = (id: string, group: string) =>
      message(id, { Attributes: { MessageGroupId: group, MessageDeduplicationId: `d-${id}` } });
    let received = false;
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: depth(3),
      ReceiveMessageCommand: () => {
        if (received) return { Messages: [] };
        received = true;
        return { Messages: [fifoMessage("g1-a", "g1"), fifoMessage("g1-b", "g1"), fifoMessage("g2-a", "g2")] };
      },
      // The first copy of g1 fails: g1-b must not overtake it.
      SendMessageBatchCommand: (input) => ({
        Successful: input.Entries.filter((e) => e.Id !== "0").map((e) => ({
          Id: e.Id,
          MessageId: `c-${e.Id}`,
        })),
        Failed: input.Entries.filter((e) => e.Id === "0").map((e) => ({
          Id: e.Id,
          Code: "InternalError",
          SenderFault: false,
        })),
      }),
      DeleteMessageBatchCommand: deleteAll,
      ChangeMessageVisibilityBatchCommand: () => ({}),
    });
    const summary = await redriveWithJournal(client, fifoQueues);
    const sent = calls.filter((c) => c.command === "SendMessageBatchCommand").flatMap((c) => c.input.Entries);
    expect(sent.map((e) => [e.Id, e.MessageGroupId])).toEqual([
      ["0", "g1"],
      ["2", "g2"],
    ]);
    expect(sent[0].MessageDeduplicationId).toBe(redriveDeduplicationId(fifoMessage("g1-a", "g1")));
    expect(sent[0].MessageDeduplicationId).not.toBe("d-g1-a");
    expect(redriveDeduplicationId(fifoMessage("g1-a", "g1"))).toBe(redriveDeduplicationId(fifoMessage("g1-a", "g1"))); // a rerun sends the same id
    expect(
      calls
        .filter((c) => c.command === "ChangeMessageVisibilityBatchCommand")
        .flatMap((c) => c.input.Entries.map((e) => e.ReceiptHandle)),
    ).toEqual(["rh-g1-a", "rh-g1-b"]); // the failed copy's original and the held-back one go back to the DLQ at once;
    expect(summary).toMatchObject({ moved: 1, failed: 1 });
  });

  test("each copy carries its original's message id, which a copy of a copy keeps, and keeps the message's own attributes", async () => {
    const received = [
      [
        message("first"),
        message("copy-9", {
          MessageAttributes: { [ORIGINAL_MESSAGE_ID_ATTRIBUTE]: { DataType: "String", StringValue: "first-ever" } },
        }),
      ],
      [],
    ];
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: depth(2),
      ReceiveMessageCommand: () => ({ Messages: received.shift() ?? [] }),
      SendMessageBatchCommand: acceptAll,
      DeleteMessageBatchCommand: deleteAll,
      ChangeMessageVisibilityBatchCommand: () => ({}),
    });
    expect(await redriveWithJournal(client, queues)).toMatchObject({ moved: 2, withoutOriginalId: 0 });
    const sent = calls.filter((c) => c.command === "SendMessageBatchCommand").flatMap((c) => c.input.Entries);
    expect(sent.map((e) => e.MessageAttributes?.[ORIGINAL_MESSAGE_ID_ATTRIBUTE].StringValue)).toEqual([
      "first",
      "first-ever",
    ]);
  });

  test("a message with SQS's maximum of 10 attributes is copied without the original id, and the summary counts it", async () => {
    const ten = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: "String", StringValue: String(i) }]),
    );
    const received = [[message("full", { MessageAttributes: ten })], []];
    const { client, calls } = stubSqs({
      GetQueueAttributesCommand: depth(1),
      ReceiveMessageCommand: () => ({ Messages: received.shift() ?? [] }),
      SendMessageBatchCommand: acceptAll,
      DeleteMessageBatchCommand: deleteAll,
    });
    expect(await redriveWithJournal(client, queues)).toMatchObject({ moved: 1, withoutOriginalId: 1 });
    const [entry] = calls.filter((c) => c.command === "SendMessageBatchCommand").flatMap((c) => c.input.Entries);
    expect(Object.keys(entry.MessageAttributes ?? {}).sort()).toEqual(Object.keys(ten).sort());
  });

  test("splits batches at 10 entries and at SQS's 1 MiB total", () => {
    const entry = (id: string, bytes: number, group?: string) => ({
      Id: id,
      MessageBody: "x".repeat(bytes),
      ...(group ? { MessageGroupId: group } : {}),
    });
    const big = Math.floor(MAX_BATCH_BYTES / 2.5);
    expect(
      splitIntoBatches([entry("0", big), entry("1", big), entry("2", big)], false).map((b) => b.map((e) => e.Id)),
    ).toEqual([["0", "1"], ["2"]]);
    expect(
      splitIntoBatches(
        Array.from({ length: 12 }, (_, i) => entry(String(i), 10)),
        false,
      ).map((b) => b.length),
    ).toEqual([10, 2]);
    expect(
      splitIntoBatches([entry("0", 10, "g"), entry("1", 10, "g"), entry("2", 10, "h")], true).map((b) =>
        b.map((e) => e.Id),
      ),
    ).toEqual([["0", "2"], ["1"]]);
  });
});

describe("cancel and status", () => {
  test("cancel stops the running move task; with none running it exits 8", async () => {
    const running = stubSqs({
      ListMessageMoveTasksCommand: () => ({ Results: [{ TaskHandle: "task-9", Status: "RUNNING" }] }),
      CancelMessageMoveTaskCommand: () => ({ ApproximateNumberOfMessagesMoved: 42 }),
    });
    expect(await cancelRedrive(running.client, queues)).toEqual({ taskHandle: "task-9", moved: 42 });
    expect(running.calls.find((c) => c.command === "CancelMessageMoveTaskCommand")?.input).toEqual({
      TaskHandle: "task-9",
    });
    const idle = stubSqs({
      ListMessageMoveTasksCommand: () => ({ Results: [{ TaskHandle: "old", Status: "COMPLETED" }] }),
    });
    await expect(cancelRedrive(idle.client, queues)).rejects.toMatchObject({ exitCode: EXIT.nothingRunning });
  });

  test("status receives nothing: the oldest age comes from CloudWatch, or is not available", async () => {
    const { client, calls } = stubSqs({ GetQueueAttributesCommand: depth(5) });
    const metricCalls: string[] = [];
    const cloudwatch = {
      send: (command: {
        constructor: { name: string };
        input: { AlarmNames?: string[]; Dimensions?: { Value: string }[] };
      }) => {
        metricCalls.push(command.constructor.name);
        if (command.constructor.name === "DescribeAlarmsCommand") {
          expect(command.input.AlarmNames).toEqual(queues.alarmNames);
          return Promise.resolve({
            MetricAlarms: [
              { AlarmName: "orders-dlq-not-empty", StateValue: "ALARM" },
              { AlarmName: "orders-errors", StateValue: "OK" },
            ],
          });
        }
        const isDlq = command.input.Dimensions?.[0].Value === "orders-dlq";
        return Promise.resolve({
          Datapoints: isDlq
            ? [
                { Timestamp: new Date(1000), Maximum: 120 },
                { Timestamp: new Date(2000), Maximum: 180 },
              ]
            : [],
        });
      },
    } as unknown as CloudWatchClient;
    const s = await status(client, cloudwatch, queues);
    expect(s).toEqual({
      queue: { visible: 5, inFlight: 0, delayed: 0, oldestAgeSeconds: undefined },
      deadLetterQueue: { visible: 5, inFlight: 0, delayed: 0, oldestAgeSeconds: 180 },
      alarms: [
        { name: "orders-dlq-not-empty", state: "ALARM" },
        { name: "orders-dlq-arrivals", state: "not deployed" },
        { name: "orders-backlog-age", state: "not deployed" },
        { name: "orders-errors", state: "OK" },
        { name: "orders-throttles", state: "not deployed" },
      ],
    });
    expect(calls.map((c) => c.command)).toEqual(["GetQueueAttributesCommand", "GetQueueAttributesCommand"]);
  });
});

describe("the dlq command line", () => {
  test("parses commands and options", () => {
    expect(parseDlqArgs(["orders", "peek", "-n", "5", "--json"], {})).toMatchObject({
      service: "orders",
      command: "peek",
      count: 5,
      json: true,
      region: "us-east-1",
    });
    expect(parseDlqArgs(["orders", "redrive", "--client-side", "--region", "eu-west-1"], {})).toMatchObject({
      clientSide: true,
      region: "eu-west-1",
    });
    expect(parseDlqArgs(["orders", "status"], { AWS_REGION: "ap-south-1" })).toMatchObject({ region: "ap-south-1" });
    // A region or endpoint typo is a usage error naming it, not a confusing SQS error later.
    expect(() => parseDlqArgs(["orders", "status", "--region", "mars-1"], {})).toThrow(
      /--region \(or AWS_REGION\) must be an AWS region such as us-east-1 \(given "mars-1"\)/,
    );
    expect(() => parseDlqArgs(["orders", "status"], { AWS_ENDPOINT_URL: "notaurl" })).toThrow(
      /--endpoint-url \(or AWS_ENDPOINT_URL\) must be an http:\/\/ or https:\/\/ URL.*given "notaurl"/,
    );
    expect(parseDlqArgs(["orders", "status", "--endpoint-url", "http://127.0.0.1:4566"], {})).toMatchObject({
      endpointUrl: "http://127.0.0.1:4566",
    });
  });

  test("rejects bad usage with exit 2", () => {
    for (const argv of [
      ["orders"],
      ["orders", "nuke"],
      ["orders", "peek", "-n", "0"],
      ["orders", "status", "--frobnicate"],
    ]) {
      expect(thrownBy(() => parseDlqArgs(argv, {}))).toMatchObject({ exitCode: EXIT.usage });
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
    expect(() => parseDlqArgs(["orders", "status", "--frobnicate"], {})).toThrow(
      /^unknown option --frobnicate\. usage: sqs-worker dlq/,
    );
    expect(() => parseDlqArgs(["orders", "status", "--region"], {})).toThrow(
      /^--region needs a value\. usage: sqs-worker dlq/,
    );
  });

  test("refuses an option of another command, naming it and the commands it is for", () => {
    expect(() => parseDlqArgs(["orders", "status", "--count", "3"], {})).toThrow(
      /^--count is an option of peek, not of status\. usage: sqs-worker dlq/,
    );
    expect(() => parseDlqArgs(["orders", "peek", "--yes"], {})).toThrow(
      /^--yes is an option of purge and redrive, not of peek\. /,
    );
    expect(thrownBy(() => parseDlqArgs(["orders", "logs", "--body", "{}"], {}))).toMatchObject({
      exitCode: EXIT.usage,
    });
    expect(parseDlqArgs(["orders", "purge", "--yes", "--region", "eu-west-1"], {})).toMatchObject({
      command: "purge",
      yes: true,
    });
  });

  test("--help and -h print every option and exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const out: string[] = [];
      expect(
        await main(
          [flag],
          (line) => out.push(line),
          () => undefined,
        ),
      ).toBe(0);
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

describe("logs", () => {
  test("--follow prints new events as they come, each once, until stopped", async () => {
    const pages = [
      { events: [{ eventId: "1", timestamp: 1000, message: "first\n" }] },
      {
        events: [
          { eventId: "1", timestamp: 1000, message: "first\n" },
          { eventId: "2", timestamp: 2000, message: "second" },
        ],
      },
    ];
    const stop = new AbortController();
    const starts: number[] = [];
    const logs = {
      send: (command: { input: { startTime: number } }) => {
        starts.push(command.input.startTime);
        const page = pages.shift();
        if (!page) stop.abort();
        return Promise.resolve(page ?? { events: [] });
      },
    } as unknown as CloudWatchLogsClient;
    const lines: string[] = [];
    const printed = await showLogs(logs, "/aws/lambda/orders-worker", {
      sinceMs: 500,
      follow: true,
      out: (l) => lines.push(l),
      pollMs: 1,
      signal: stop.signal,
      now: () => 1500,
    });
    expect(lines).toEqual(["1970-01-01T00:00:01.000Z  first", "1970-01-01T00:00:02.000Z  second"]);
    expect(printed).toBe(2);
    expect(starts).toEqual([1000, 1000, 2000]); // from --since, then from the newest event seen
  });

  test("durations", () => {
    expect([parseDuration("30s"), parseDuration("15m"), parseDuration("2h"), parseDuration("1d")]).toEqual([
      30_000, 900_000, 7_200_000, 86_400_000,
    ]);
    expect([parseDuration("15"), parseDuration("m"), parseDuration("1.5h"), parseDuration("")]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("finding a FIFO service's queues under the operator policy", () => {
  test("an AccessDenied for the standard names means 'not these': the .fifo queues are found", async () => {
    const denied = Object.assign(new Error("User is not authorized to perform: sqs:getqueueurl"), {
      name: "AccessDenied",
    });
    const { client } = stubSqs({
      GetQueueUrlCommand: (input) => {
        if (!input.QueueName.endsWith(".fifo")) throw denied;
        return { QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${input.QueueName}` };
      },
      GetQueueAttributesCommand: (input) => ({
        Attributes: { QueueArn: `arn:aws:sqs:us-east-1:123456789012:${input.QueueUrl.split("/").pop()}` },
      }),
    });
    const found = await resolveWorkerQueues(client, { service: "ledger", region: "us-east-1", namePrefix: "prod-" });
    expect(found).toMatchObject({
      fifo: true,
      queueArn: "arn:aws:sqs:us-east-1:123456789012:prod-ledger-queue.fifo",
      dlqArn: "arn:aws:sqs:us-east-1:123456789012:prod-ledger-dlq.fifo",
      alarmName: "prod-ledger-dlq-not-empty",
    });
  });
});

describe("before a native redrive: does the service have idempotency on?", () => {
  const dynamodb = (answer: () => unknown) =>
    ({ send: () => new Promise((resolve) => resolve(answer())) }) as unknown as DynamoDBClient;
  const missing = () => {
    throw Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" });
  };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dlq-idem-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const state = (outputs: Record<string, string>) =>
    fs.writeFileSync(
      path.join(dir, "terraform.ledger.tfstate"),
      JSON.stringify({ outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v }])) }),
    );

  test("the deployed stack's state answers first: its idempotency_table_name output, or none", async () => {
    state({ queue_url: "q", dlq_url: "d", idempotency_table_name: "ledger-idempotency" });
    expect(await idempotencyState(dynamodb(missing), { service: "ledger", fifo: true, projectDir: dir })).toMatchObject(
      { on: true, table: "ledger-idempotency" },
    );
    state({ queue_url: "q", dlq_url: "d" });
    expect(
      await idempotencyState(
        dynamodb(() => ({})),
        { service: "ledger", fifo: true, projectDir: dir },
      ),
    ).toEqual({ on: false });
  });

  test("without state, DescribeTable of the construct's name: found is on, not found is off, anything else unknown", async () => {
    expect(
      await idempotencyState(
        dynamodb(() => ({ Table: {} })),
        { service: "ledger", namePrefix: "dev-", fifo: true, projectDir: dir },
      ),
    ).toMatchObject({ on: true, table: "dev-ledger-idempotency" });
    expect(await idempotencyState(dynamodb(missing), { service: "ledger", fifo: true, projectDir: dir })).toEqual({
      on: false,
    });
    const denied = () => {
      throw Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
    };
    const unknown = await idempotencyState(dynamodb(denied), { service: "ledger", fifo: true, projectDir: dir });
    expect(unknown).toEqual({
      on: "unknown",
      table: "ledger-idempotency",
      reason: "AccessDeniedException: not authorized",
    });
  });

  test("the warning says why a native redrive runs completed jobs again and what to use instead", () => {
    const line = nativeRedriveIdempotencyWarning("ledger", { on: true, table: "ledger-idempotency", source: "state" });
    expect(line).toMatch(
      /^warning: ledger has idempotency on \(table ledger-idempotency\)\. SQS's native redrive gives every moved message a new message id/,
    );
    expect(line).toContain("`redrive --client-side` keeps the original id");
    expect(line).toContain("idempotencyKey");
  });
});

test("an endpoint nobody answers on is one line saying what to check (exit 3), not a raw ECONNREFUSED", async () => {
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" }); // fake: the call must get as far as the network
  const code = await main(
    ["orders", "status", "--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1"],
    () => undefined,
    (l) => err.push(l),
  ).finally(() => {
    process.env = saved;
  });
  expect(code).toBe(EXIT.config);
  expect(err).toEqual([
    "dlq: cannot reach the AWS endpoint (ECONNREFUSED): check --endpoint-url or AWS_ENDPOINT_URL (is the emulator running?), --region, and the network",
  ]);
});
