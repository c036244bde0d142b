import type { SQSClient } from "@aws-sdk/client-sqs";
import { DlqError, EXIT, explainAwsError } from "../tools/dlq/errors";
import { MAX_PEEK, PEEK_BUDGET_MS, peekCommand, peekMessages } from "../tools/dlq/peek";
import { ORDERS_QUEUES, type SqsCommand, type SqsInput } from "./helpers/stub-sqs";
import type { WorkerQueues } from "../tools/dlq/resolve";

// `peek` against a stub of the SQS client that keeps a small queue: receives hand out visible
// messages and hold them, ChangeMessageVisibility(0) releases them, GetQueueAttributes counts.

const queues: WorkerQueues = ORDERS_QUEUES;
const fifoQueues: WorkerQueues = { ...queues, dlqUrl: `${queues.dlqUrl}.fifo`, fifo: true };

type Call = { command: string; input: SqsInput };

interface FakeMessage {
  id: string;
  group?: string;
  handle?: string;
  held: boolean;
  receives: number;
}

/**
 * A DLQ of `count` messages (ids m0, m1, ...), `othersInFlight` more held by another reader.
 * `fail` may throw for a call (by command name and how many of that command came before).
 */
function fakeDlq(
  count: number,
  options: {
    othersInFlight?: number;
    group?: (i: number) => string;
    fail?: (command: string, nth: number) => void;
    visibleReported?: (actual: number) => number;
  } = {},
) {
  const messages: FakeMessage[] = Array.from({ length: count }, (_, i) => ({
    id: `m${i}`,
    group: options.group?.(i),
    held: false,
    receives: 0,
  }));
  const calls: Call[] = [];
  let handles = 0;
  const handlers: Record<string, (input: SqsInput) => unknown> = {
    ReceiveMessageCommand: (input) => {
      const heldGroups = new Set(messages.filter((m) => m.held && m.group).map((m) => m.group));
      const batch = messages
        .filter((m) => !m.held && !(m.group && heldGroups.has(m.group)))
        .slice(0, input.MaxNumberOfMessages);
      for (const m of batch)
        Object.assign(m, { held: true, handle: `rh-${m.id}-${++handles}`, receives: m.receives + 1 });
      return {
        Messages: batch.map((m) => ({
          MessageId: m.id,
          ReceiptHandle: m.handle,
          Body: `{"id":"${m.id}"}`,
          Attributes: {
            ApproximateReceiveCount: String(m.receives),
            SentTimestamp: "1700000000000",
            ...(m.group ? { MessageGroupId: m.group } : {}),
          },
          MessageAttributes: {},
        })),
      };
    },
    GetQueueAttributesCommand: () => {
      const visible = messages.filter((m) => !m.held).length;
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(options.visibleReported?.(visible) ?? visible),
          ApproximateNumberOfMessagesNotVisible: String(
            messages.filter((m) => m.held).length + (options.othersInFlight ?? 0),
          ),
          ApproximateNumberOfMessagesDelayed: "0",
        },
      };
    },
    ChangeMessageVisibilityBatchCommand: (input) => {
      const failed: { Id: string; Code: string }[] = [];
      for (const e of input.Entries) {
        const m = messages.find((x) => x.held && x.handle === e.ReceiptHandle);
        if (m && e.VisibilityTimeout === 0) m.held = false;
        else failed.push({ Id: e.Id, Code: "ReceiptHandleIsInvalid" });
      }
      return { Successful: [], Failed: failed };
    },
  };
  const client = {
    // The executor runs at once: a failure is the call's rejection, thrown when the call is sent.
    send: (command: SqsCommand) =>
      new Promise((resolve) => {
        const name = command.constructor.name;
        const nth = calls.filter((c) => c.command === name).length;
        calls.push({ command: name, input: command.input });
        options.fail?.(name, nth);
        const handler = handlers[name];
        if (!handler) throw new Error(`unexpected ${name}`);
        resolve(handler(command.input));
      }),
  } as unknown as SQSClient;
  const held = () => messages.filter((m) => m.held).map((m) => m.id);
  const released = () =>
    calls.filter((c) => c.command === "ChangeMessageVisibilityBatchCommand").flatMap((c) => c.input.Entries);
  return { client, calls, messages, held, released };
}

async function runPeek(sqs: SQSClient, q: WorkerQueues, count: number, json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const error = await peekCommand(
    sqs,
    q,
    { count, json },
    (l) => out.push(l),
    (l) => err.push(l),
  ).catch((e: unknown) => e);
  return { out: out.join("\n"), err, error };
}

describe("peek -n N", () => {
  test("returns N messages from a DLQ that holds more, holding them all until the end, then releasing them 10 at a time", async () => {
    const dlq = fakeDlq(45);
    const result = await peekMessages(dlq.client, queues.dlqUrl, 25);
    expect(result.messages.map((m) => m.MessageId)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
    expect(result.shortBecause).toBeUndefined();
    const receives = dlq.calls.filter((c) => c.command === "ReceiveMessageCommand");
    expect(receives.map((c) => c.input.MaxNumberOfMessages)).toEqual([10, 10, 5]);
    // Held for the whole peek: the visibility covers the time budget and the release.
    for (const r of receives) expect(r.input.VisibilityTimeout).toBeGreaterThanOrEqual(PEEK_BUDGET_MS / 1000);
    expect(receives[0].input).toMatchObject({
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    });
    // No release before the last receive; then every handle, in batches of at most 10, with visibility 0.
    const order = dlq.calls.map((c) => c.command);
    expect(order.indexOf("ChangeMessageVisibilityBatchCommand")).toBeGreaterThan(
      order.lastIndexOf("ReceiveMessageCommand"),
    );
    const batches = dlq.calls
      .filter((c) => c.command === "ChangeMessageVisibilityBatchCommand")
      .map((c) => c.input.Entries.length);
    expect(batches).toEqual([10, 10, 5]);
    expect(dlq.released().every((e) => e.VisibilityTimeout === 0)).toBe(true);
    expect(dlq.held()).toEqual([]);
    // Nothing was asked of the queue's counts: every receive brought what it asked for.
    expect(order).not.toContain("GetQueueAttributesCommand");
  });

  test("a DLQ holding fewer than N: shows them with one stderr line saying so, without an empty receive", async () => {
    const dlq = fakeDlq(4);
    const { out, err, error } = await runPeek(dlq.client, queues, 10);
    expect(error).toBeUndefined();
    expect(out.match(/^m\d {2}received 1x/gm)).toHaveLength(4);
    expect(err).toEqual([
      "peek: showing 4 of 10 asked: the queue reported 0 more visible and 0 in flight with another reader; the dead-letter queue holds no more",
    ]);
    expect(dlq.calls.filter((c) => c.command === "ReceiveMessageCommand")).toHaveLength(1);
    expect(dlq.held()).toEqual([]);
  });

  test("fewer because another reader holds the rest: says how many it saw and how many are in flight elsewhere", async () => {
    const dlq = fakeDlq(6, { othersInFlight: 14 });
    const { out, err } = await runPeek(dlq.client, queues, 20, true);
    expect(JSON.parse(out)).toHaveLength(6);
    expect(err).toEqual([
      "peek: showing 6 of 20 asked: the queue reported 0 more visible and 14 in flight with another reader; the others are in flight with another reader (they show again when its visibility timeout ends)",
    ]);
    expect(dlq.held()).toEqual([]);
  });

  test("receives that keep coming back empty while the queue reports visible messages: stops after 3 in a row and says so", async () => {
    const dlq = fakeDlq(3, { visibleReported: (actual) => actual + 50 }); // SQS's counts are approximate
    const { err } = await runPeek(dlq.client, queues, 10);
    expect(dlq.calls.filter((c) => c.command === "ReceiveMessageCommand")).toHaveLength(4); // one with the 3, then 3 empty
    expect(err).toEqual([
      "peek: showing 3 of 10 asked: the queue reported 50 more visible and 0 in flight with another reader; SQS returned nothing more in 3 receives in a row",
    ]);
  });

  test("the time budget ends the peek; each receive's visibility covers what is left of it", async () => {
    let clock = 0;
    const dlq = fakeDlq(100, { fail: (command) => void (command === "ReceiveMessageCommand" && (clock += 25_000)) });
    const result = await peekMessages(dlq.client, queues.dlqUrl, 100, { budgetMs: 60_000, now: () => clock });
    expect(result.messages).toHaveLength(30);
    expect(result.shortBecause).toBe("budget");
    expect(result.counts).toEqual({ visible: 70, inFlight: 30, delayed: 0 });
    expect(
      dlq.calls.filter((c) => c.command === "ReceiveMessageCommand").map((c) => c.input.VisibilityTimeout),
    ).toEqual([90, 65, 40]);
    expect(dlq.held()).toEqual([]);
  });

  test("a call failing mid-way: the error comes out, and every message held is released first", async () => {
    const dlq = fakeDlq(40, {
      fail: (command, nth) => {
        if (command === "ReceiveMessageCommand" && nth === 2) throw new Error("socket hang up");
      },
    });
    await expect(peekMessages(dlq.client, queues.dlqUrl, 30)).rejects.toThrow("socket hang up");
    expect(dlq.released()).toHaveLength(20);
    expect(dlq.held()).toEqual([]);
  });

  test("a failed release does not hide the rest: the others are released and the command says how many stay hidden", async () => {
    const dlq = fakeDlq(25, {
      fail: (command, nth) => {
        if (command === "ChangeMessageVisibilityBatchCommand" && nth === 0) throw new Error("throttled");
      },
    });
    const { err, out } = await runPeek(dlq.client, queues, 25);
    expect(out.match(/^m\d+ /gm)).toHaveLength(25);
    expect(dlq.held()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(err).toEqual([
      expect.stringMatching(
        /^peek: 10 messages could not be made visible again: they show again when their visibility timeout ends/,
      ),
    ]);
  });

  test("Ctrl-C (the signal) stops receiving and releases what it held", async () => {
    const stop = new AbortController();
    const dlq = fakeDlq(50, {
      fail: (command, nth) => void (command === "ReceiveMessageCommand" && nth === 1 && stop.abort()),
    });
    const result = await peekMessages(dlq.client, queues.dlqUrl, 50, { signal: stop.signal });
    expect(result).toMatchObject({ shortBecause: "stopped" });
    expect(result.messages).toHaveLength(20);
    expect(dlq.held()).toEqual([]);
  });

  test(`N above ${MAX_PEEK} is a usage error (exit 2) before any call; an empty DLQ exits 4`, async () => {
    const dlq = fakeDlq(5);
    const { error } = await runPeek(dlq.client, queues, MAX_PEEK + 1);
    expect(error).toBeInstanceOf(DlqError);
    expect(error).toMatchObject({
      exitCode: EXIT.usage,
      message: expect.stringContaining(`at most ${MAX_PEEK} messages (given -n ${MAX_PEEK + 1})`) as string,
    });
    expect(dlq.calls).toEqual([]);
    const empty = await runPeek(fakeDlq(0).client, queues, 10);
    expect(empty.error).toMatchObject({ exitCode: EXIT.empty, message: "the dead-letter queue is empty" });
  });

  test("nothing visible but messages in flight with another reader: not 'empty', says why; --json still prints a list", async () => {
    const dlq = fakeDlq(0, { othersInFlight: 7 });
    const { error, out, err } = await runPeek(dlq.client, queues, 10, true);
    expect(error).toBeUndefined();
    expect(out).toBe("[]");
    expect(err).toEqual([
      expect.stringContaining(
        "showing 0 of 10 asked: the queue reported 0 more visible and 7 in flight with another reader",
      ),
    ]);
  });
});

describe("peek on a FIFO DLQ", () => {
  test("text output shows each message's group id (the JSON has messageGroupId)", async () => {
    const dlq = fakeDlq(3, { group: (i) => `tenant-${i}` });
    const text = await runPeek(dlq.client, fifoQueues, 3);
    expect(text.out).toMatch(/^m0 {2}group tenant-0 {2}received 1x {2}first sent 2023-11-14T22:13:20\.000Z$/m);
    expect(text.out).toMatch(/^m2 {2}group tenant-2 {2}received 1x/m);
    const json = await runPeek(dlq.client, fifoQueues, 3, true);
    expect((JSON.parse(json.out) as { messageGroupId: string }[]).map((r) => r.messageGroupId)).toEqual([
      "tenant-0",
      "tenant-1",
      "tenant-2",
    ]);
    // A standard queue's text has no group.
    expect((await runPeek(fakeDlq(1).client, queues, 1)).out).toMatch(/^m0 {2}received 1x/);
  });

  test("SQS holds back the rest of a group while its messages are in flight: one empty receive, then the reason", async () => {
    const dlq = fakeDlq(25, { group: (i) => (i < 8 ? "a" : "b") }); // the fake hands out a group only while none of it is held
    const { out, err } = await runPeek(dlq.client, fifoQueues, 25, true);
    expect(JSON.parse(out)).toHaveLength(10);
    expect(dlq.calls.filter((c) => c.command === "ReceiveMessageCommand")).toHaveLength(2);
    expect(err).toEqual([
      "peek: showing 10 of 25 asked: the queue reported 15 more visible and 0 in flight with another reader; FIFO: SQS returns no more of a message group while one of its messages is in flight (held by this peek or another reader)",
    ]);
  });
});

describe("an endpoint without a call (the emulator has no message move task)", () => {
  /** What the AWS SDK v3 throws when moto answers an action it does not implement: HTTP 500 with an HTML page. */
  function motoHtml500(target: string | undefined): Error {
    const error = Object.assign(
      new SyntaxError(
        `Unexpected token '<', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`,
      ),
      {
        $metadata: { httpStatusCode: 500, attempts: 2 },
      },
    );
    const req = { getHeader: (name: string) => (name === "x-amz-target" ? target : undefined) };
    Object.defineProperty(error, "$response", {
      value: { statusCode: 500, headers: { "content-type": "text/html; charset=utf-8" }, body: { req } },
      enumerable: false,
    });
    return error;
  }

  test("names the call from the request the error carries, and the alternative (exit 3)", () => {
    for (const call of ["ListMessageMoveTasks", "StartMessageMoveTask", "CancelMessageMoveTask"]) {
      const explained = explainAwsError(motoHtml500(`AmazonSQS.${call}`), "a queue of orders");
      expect(explained).toBeInstanceOf(DlqError);
      expect(explained).toMatchObject({
        exitCode: EXIT.config,
        message: `the endpoint does not support ${call} (SQS's message move task; the emulator lacks it): use redrive --client-side`,
      });
    }
  });

  test("a call named by the caller; another call; no name at all", () => {
    expect(explainAwsError(motoHtml500(undefined), "q", "ListMessageMoveTasksCommand").message).toBe(
      "the endpoint does not support ListMessageMoveTasks (SQS's message move task; the emulator lacks it): use redrive --client-side",
    );
    expect(explainAwsError(motoHtml500("DynamoDB_20120810.DescribeTable"), "q")).toMatchObject({
      exitCode: EXIT.config,
      message:
        "the endpoint does not support DescribeTable (it answered HTTP 500 with a page that is not an AWS answer): check --endpoint-url and AWS_ENDPOINT_URL",
    });
    expect(explainAwsError(motoHtml500(undefined), "q").message).toMatch(
      /^the endpoint does not support a call the tool made \(it answered HTTP 500 with a page that is not an AWS answer\); if it is the emulator, it lacks SQS's message move task \(StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask\): use redrive --client-side$/,
    );
    const unknown = Object.assign(new Error("The action ListMessageMoveTasks is not valid for this endpoint."), {
      name: "InvalidAction",
      $metadata: { httpStatusCode: 400 },
    });
    expect(explainAwsError(unknown, "q")).toMatchObject({
      exitCode: EXIT.config,
      message: expect.stringContaining("does not support ListMessageMoveTasks") as string,
    });
  });

  test("leaves other errors alone: a gateway's HTML 503, AWS's own errors, a parse failure of a 200", () => {
    const gateway = motoHtml500("AmazonSQS.ListMessageMoveTasks") as Error & { $metadata: { httpStatusCode: number } };
    gateway.$metadata.httpStatusCode = 503;
    expect(explainAwsError(gateway, "q")).toBe(gateway);
    const denied = Object.assign(new Error("not authorized"), {
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    expect(explainAwsError(denied, "q")).toBe(denied);
    const ok = motoHtml500("AmazonSQS.ReceiveMessage") as Error & { $metadata: { httpStatusCode: number } };
    ok.$metadata.httpStatusCode = 200;
    expect(explainAwsError(ok, "q")).toBe(ok);
  });
});
