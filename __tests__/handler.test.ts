import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";

import { isFifoBatch, makeHandler, type MessageProcessor } from "../lambda-src/worker";

// The plumbing around a mocked business logic: what every service's worker gets.
const processMock = jest.fn() as jest.MockedFunction<MessageProcessor>;
const handler = makeHandler(processMock);
const context = { functionName: "orders-worker", awsRequestId: "req-1" } as Context;

function record(id: string, body: string, queue = "orders-queue"): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1700000000000",
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: "1700000000001",
      ...(queue.endsWith(".fifo") ? { MessageGroupId: "group-1", MessageDeduplicationId: `dedup-${id}`, SequenceNumber: id } : {}),
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
  processMock.mockImplementation(async (message) => {
    if ((message as { fail?: boolean }).fail) throw new Error("business failure");
  });
}

beforeEach(() => {
  processMock.mockReset();
  processMock.mockResolvedValue(undefined);
});

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
      event(record("ok-1", "{}"), record("bad-1", '{"fail":true}'), record("ok-2", "{}"), record("bad-2", '{"fail":true}')),
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
    await expect(handler(event(record("x", '{"fail":true}'), record("y", "nope")), context)).rejects.toBeInstanceOf(FullBatchFailureError);
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
  const fifo = (id: string, body: string) => record(id, body, "orders-queue.fifo");

  test("is detected from the .fifo source ARN", () => {
    expect(isFifoBatch(event(fifo("1", "{}")))).toBe(true);
    expect(isFifoBatch(event(record("1", "{}")))).toBe(false);
    expect(isFifoBatch(event())).toBe(false);
  });

  test("stops at the first failure and reports it and every later record, unprocessed, to keep order", async () => {
    failWhenAsked();
    const response = await handler(event(fifo("1", "{}"), fifo("2", '{"fail":true}'), fifo("3", "{}"), fifo("4", "{}")), context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "2" }, { itemIdentifier: "3" }, { itemIdentifier: "4" }]);
    expect(processMock.mock.calls.map(([, r]) => r.messageId)).toEqual(["1", "2"]);
  });

  test("processes records in order, one at a time", async () => {
    const order: string[] = [];
    processMock.mockImplementation(async (_m, r) => {
      order.push(`start ${r.messageId}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`end ${r.messageId}`);
    });
    await handler(event(fifo("1", "{}"), fifo("2", "{}")), context);
    expect(order).toEqual(["start 1", "end 1", "start 2", "end 2"]);
  });
});

describe("makeHandler given something other than a function", () => {
  test("fails at once, when the worker file is loaded, instead of failing every message", () => {
    expect(() => makeHandler(undefined as unknown as MessageProcessor)).toThrow("makeHandler needs the business logic as a function (given undefined)");
  });
});
