import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";

import { isFifoBatch, makeHandler, type MessageProcessor } from "../lambda-src/worker";

// The plumbing around a mocked business logic: what every service's worker gets.
const processMock = jest.fn() as jest.MockedFunction<MessageProcessor>;
const handler = makeHandler(processMock);
const context = { functionName: "orders-worker", awsRequestId: "req-1" } as Context;

function record(id: string, body: string, queue = "orders-queue", group = "group-1", receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: "1700000000000",
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: "1700000000001",
      ...(queue.endsWith(".fifo")
        ? { MessageGroupId: group, MessageDeduplicationId: `dedup-${id}`, SequenceNumber: id }
        : {}),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queue}`,
    awsRegion: "us-east-1",
  };
}

function event(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** Business logic that fails for messages whose body has `fail: true`. */
function failWhenAsked(): void {
  processMock.mockImplementation((message) =>
    (message as { fail?: boolean }).fail ? Promise.reject(new Error("business failure")) : Promise.resolve(),
  );
}

/** expect.stringMatching, typed as the matcher it is (unknown) rather than `any`. */
const stringMatching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

/** The record-failed lines the plumbing logged (console.error is silenced and recorded). */
let errorLines: string[] = [];
beforeEach(() => {
  processMock.mockReset();
  processMock.mockResolvedValue(undefined);
  errorLines = [];
  jest.spyOn(console, "error").mockImplementation((line: unknown) => void errorLines.push(String(line)));
});
afterEach(() => {
  jest.restoreAllMocks();
  delete process.env.SQS_WORKER_MAX_RECEIVE_COUNT;
});
const failureLines = () =>
  errorLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === "record-failed");

describe("makeHandler on a standard queue", () => {
  test("reports no failures when every record succeeds, and passes each parsed body with its record", async () => {
    const response = await handler(event(record("a", '{"n":1}'), record("b", '{"n":2}')), context);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(processMock).toHaveBeenCalledTimes(2);
    expect(processMock).toHaveBeenCalledWith({ n: 1 }, expect.objectContaining({ messageId: "a" }));
    expect(processMock).toHaveBeenCalledWith({ n: 2 }, expect.objectContaining({ messageId: "b" }));
  });

  test("reports exactly the failed records by messageId when some fail", async () => {
    failWhenAsked();
    const response = await handler(
      event(
        record("ok-1", "{}"),
        record("bad-1", '{"fail":true}'),
        record("ok-2", "{}"),
        record("bad-2", '{"fail":true}'),
      ),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "bad-1" }, { itemIdentifier: "bad-2" }]);
  });

  test("reports a record whose body is not JSON without calling the business logic for it", async () => {
    const response = await handler(event(record("ok", '{"n":1}'), record("garbled", "{not json")), context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "garbled" }]);
    expect(processMock).toHaveBeenCalledTimes(1);
    expect(processMock).toHaveBeenCalledWith({ n: 1 }, expect.anything());
  });

  test("throws FullBatchFailureError when every record fails, so the invocation counts as an error and all are retried", async () => {
    failWhenAsked();
    await expect(handler(event(record("x", '{"fail":true}'), record("y", "nope")), context)).rejects.toBeInstanceOf(
      FullBatchFailureError,
    );
  });

  test("returns an empty failure list for an empty batch", async () => {
    await expect(handler(event(), context)).resolves.toEqual({ batchItemFailures: [] });
    expect(processMock).not.toHaveBeenCalled();
  });

  test("keeps no state between invocations: a later batch reports only its own failures", async () => {
    failWhenAsked();
    await handler(event(record("first-bad", '{"fail":true}'), record("first-ok", "{}")), context);
    const second = await handler(event(record("second-ok", "{}"), record("second-bad", '{"fail":true}')), context);
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: "second-bad" }]);
  });
});

describe("makeHandler on a FIFO queue", () => {
  const fifo = (id: string, body: string, group = "group-1", receiveCount = 1) =>
    record(id, body, "orders-queue.fifo", group, receiveCount);
  const ran = () => processMock.mock.calls.map(([, r]) => r.messageId);

  test("is detected from the .fifo source ARN", () => {
    expect(isFifoBatch(event(fifo("1", "{}")))).toBe(true);
    expect(isFifoBatch(event(record("1", "{}")))).toBe(false);
    expect(isFifoBatch(event())).toBe(false);
  });

  test("a failure holds back only the later records of its own group, reported unprocessed; other groups run", async () => {
    failWhenAsked();
    // The audit's batch: A1 (poison), B1, A2, B2.
    const response = await handler(
      event(fifo("A1", '{"fail":true}', "A"), fifo("B1", "{}", "B"), fifo("A2", "{}", "A"), fifo("B2", "{}", "B")),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "A1" }, { itemIdentifier: "A2" }]);
    expect(ran()).toEqual(["A1", "B1", "B2"]);
  });

  test("records of a group before its failure run, and the group stays held for the rest of the batch", async () => {
    failWhenAsked();
    const response = await handler(
      event(
        fifo("1", "{}", "A"),
        fifo("2", '{"fail":true}', "A"),
        fifo("3", "{}", "C"),
        fifo("4", "{}", "A"),
        fifo("5", "{}", "A"),
      ),
      context,
    );
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: "2" },
      { itemIdentifier: "4" },
      { itemIdentifier: "5" },
    ]);
    expect(ran()).toEqual(["1", "2", "3"]);
  });

  test("a record failing on its last receive (>= maxReceiveCount) lets its group go on, in order, as after it is dead-lettered", async () => {
    failWhenAsked();
    process.env.SQS_WORKER_MAX_RECEIVE_COUNT = "3";
    const response = await makeHandler(processMock)(
      event(fifo("A1", '{"fail":true}', "A", 3), fifo("A2", "{}", "A", 3), fifo("A3", "{}", "A", 3)),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "A1" }]);
    expect(ran()).toEqual(["A1", "A2", "A3"]);
  });

  test("before its last receive the group is held, and without a known maxReceiveCount it is always held", async () => {
    failWhenAsked();
    process.env.SQS_WORKER_MAX_RECEIVE_COUNT = "3";
    const early = await makeHandler(processMock)(
      event(fifo("A1", '{"fail":true}', "A", 2), fifo("A2", "{}", "A", 2), fifo("B1", "{}", "B", 2)),
      context,
    );
    expect(early.batchItemFailures).toEqual([{ itemIdentifier: "A1" }, { itemIdentifier: "A2" }]);
    delete process.env.SQS_WORKER_MAX_RECEIVE_COUNT;
    processMock.mockClear();
    const unknown = await makeHandler(processMock)(
      event(fifo("A1", '{"fail":true}', "A", 9), fifo("A2", "{}", "A", 9), fifo("B1", "{}", "B", 9)),
      context,
    );
    expect(unknown.batchItemFailures).toEqual([{ itemIdentifier: "A1" }, { itemIdentifier: "A2" }]);
    expect(ran()).toEqual(["A1", "B1"]);
  });

  test("a broken maxReceiveCount in the environment fails the invocation with a configuration error", async () => {
    process.env.SQS_WORKER_MAX_RECEIVE_COUNT = "three";
    await expect(makeHandler(processMock)(event(fifo("1", "{}")), context)).rejects.toThrow(
      'SQS_WORKER_MAX_RECEIVE_COUNT must be a positive integer (given "three")',
    );
  });

  test("processes records in order, one at a time", async () => {
    const order: string[] = [];
    processMock.mockImplementation(async (_m, r) => {
      order.push(`start ${r.messageId}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`end ${r.messageId}`);
    });
    await handler(event(fifo("1", "{}", "A"), fifo("2", "{}", "B"), fifo("3", "{}", "A")), context);
    expect(order).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  test("throws FullBatchFailureError when every record fails or is held back", async () => {
    failWhenAsked();
    await expect(handler(event(fifo("1", '{"fail":true}', "A"), fifo("2", "{}", "A")), context)).rejects.toBeInstanceOf(
      FullBatchFailureError,
    );
  });

  test("logs one record-failed line per failed record, a held-back record naming the message that holds it", async () => {
    failWhenAsked();
    await handler(event(fifo("A1", '{"fail":true}', "A"), fifo("B1", "{}", "B"), fifo("A2", "{}", "A")), context);
    expect(failureLines()).toEqual([
      { event: "record-failed", messageId: "A1", receiveCount: 1, error: "Error: business failure" },
      {
        event: "record-failed",
        messageId: "A2",
        receiveCount: 1,
        error: stringMatching(/^HeldBackError: held back: message A1 of group A failed earlier in this batch/),
      },
    ]);
  });
});

describe("the record-failed log line", () => {
  test("is written once per failed record on a standard queue, with the error on one line", async () => {
    processMock.mockImplementation((message) =>
      (message as { fail?: boolean }).fail ? Promise.reject(new Error("first line\n  second line")) : Promise.resolve(),
    );
    await handler(event(record("ok", "{}"), record("bad", '{"fail":true}'), record("garbled", "{nope")), context);
    // Standard records run concurrently: the lines come in completion order.
    expect(failureLines().sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)))).toEqual([
      { event: "record-failed", messageId: "bad", receiveCount: 1, error: "Error: first line second line" },
      {
        event: "record-failed",
        messageId: "garbled",
        receiveCount: 1,
        error: stringMatching(/^InvalidMessageBodyError: message garbled: body is not valid JSON/),
      },
    ]);
  });

  test("says lastReceive when SQS dead-letters the record now, and survives a thrown non-error", async () => {
    process.env.SQS_WORKER_MAX_RECEIVE_COUNT = "2";
    // A JavaScript worker can throw anything, not only an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the non-error is the point of the test
    processMock.mockImplementation(() => Promise.reject("a string"));
    await expect(
      makeHandler(processMock)(event(record("x", "{}", "orders-queue", "g", 2)), context),
    ).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(failureLines()).toEqual([
      { event: "record-failed", messageId: "x", receiveCount: 2, lastReceive: true, error: "thrown: a string" },
    ]);
  });
});

describe("makeHandler given something other than a function", () => {
  test("fails at once, when the worker file is loaded, instead of failing every message", () => {
    expect(() => makeHandler(undefined as unknown as MessageProcessor)).toThrow(
      "makeHandler needs the business logic as a function (given undefined)",
    );
  });
});
