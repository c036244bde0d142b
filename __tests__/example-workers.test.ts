import type { Context, SQSRecord } from "aws-lambda";
import { checkPosting, handler as ledger } from "../lambda-src/ledger";
import { handler as orders, priceOrder } from "../lambda-src/orders";
import { handler as thumbnails, thumbnailSize } from "../lambda-src/thumbnails";

// Each example service has its own business logic: each accepts its own jobs and fails (so
// retries, then dead-letters) what it cannot process, instead of acknowledging it.

const context = { functionName: "test-worker" } as Context;

// The plumbing logs one record-failed line per failed message (tested in handler.test.ts): kept
// out of this suite's output.
beforeEach(() => jest.spyOn(console, "error").mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

function record(id: string, body: unknown, queue = "orders-queue", groupId?: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1700000000000",
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: "1700000000001",
      ...(groupId ? { MessageGroupId: groupId, MessageDeduplicationId: id, SequenceNumber: id } : {}),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queue}`,
    awsRegion: "us-east-1",
  };
}

let log: jest.SpyInstance<void, unknown[]>;
beforeEach(() => (log = jest.spyOn(console, "log").mockImplementation(() => undefined)));
afterEach(() => log.mockRestore());

describe("the orders worker", () => {
  const order = {
    orderId: "o-1",
    customerId: "c-1",
    lines: [
      { sku: "a", quantity: 2, unitPriceCents: 150 },
      { sku: "b", quantity: 1, unitPriceCents: 99 },
    ],
  };

  test("prices an order in integer cents", () => {
    expect(priceOrder(order)).toBe(399);
  });

  test("accepts a valid order and fails only the one it cannot price", async () => {
    const bad = { ...order, orderId: "o-2", lines: [{ sku: "a", quantity: 0, unitPriceCents: 1 }] };
    const response = await orders({ Records: [record("m1", order), record("m2", bad)] }, context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m2" }]);
    expect(JSON.parse(log.mock.calls[0][0] as string)).toEqual({
      event: "order-accepted",
      orderId: "o-1",
      lines: 2,
      totalCents: 399,
      messageId: "m1",
    });
  });
});

describe("the thumbnails worker", () => {
  test("keeps the aspect ratio and never upscales", () => {
    expect(thumbnailSize({ bucket: "b", key: "a.jpg", width: 1600, height: 900 }, 320)).toEqual({
      width: 320,
      height: 180,
    });
    expect(thumbnailSize({ bucket: "b", key: "a.png", width: 100, height: 50 }, 320)).toEqual({
      width: 100,
      height: 50,
    });
  });

  test("fails a file that is not an image", async () => {
    const response = await thumbnails(
      {
        Records: [
          record("m1", { bucket: "b", key: "a.webp", width: 10, height: 10 }, "thumbnails-queue"),
          record("m2", { bucket: "b", key: "notes.txt", width: 10, height: 10 }, "thumbnails-queue"),
        ],
      },
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m2" }]);
  });
});

describe("the ledger worker (FIFO)", () => {
  const posting = { accountId: "acc-1", entryId: "e-1", amountCents: -500, currency: "EUR" };

  test("refuses a posting sent in another account's message group, or with a fractional amount", () => {
    expect(() => checkPosting(posting, "acc-1")).not.toThrow();
    expect(() => checkPosting(posting, "acc-2")).toThrow("sent in message group acc-2");
    expect(() => checkPosting({ ...posting, amountCents: 1.5 }, "acc-1")).toThrow("non-zero integer of cents");
  });

  // The ledger has idempotency on (keyed on entryId), so its handler needs its table: the
  // idempotency behaviour with a real (emulated) table runs in __tests__/e2e/deploy-and-run.e2e.test.ts,
  // the FIFO group isolation in __tests__/e2e/worker-guarantees.e2e.test.ts. Without the table
  // it must refuse to run.
  test("refuses to run without its idempotency table rather than book postings unprotected", async () => {
    const saved = process.env.SQS_WORKER_IDEMPOTENCY_TABLE;
    delete process.env.SQS_WORKER_IDEMPOTENCY_TABLE;
    try {
      await expect(ledger({ Records: [record("1", posting, "ledger-queue.fifo", "acc-1")] }, context)).rejects.toThrow(
        "makeHandler got an idempotencyKey, but the function has no idempotency table",
      );
    } finally {
      if (saved !== undefined) process.env.SQS_WORKER_IDEMPOTENCY_TABLE = saved;
    }
  });
});
