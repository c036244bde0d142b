import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as http from "http";
import * as net from "net";
import {
  PATIENCE,
  announceSlowCalls,
  isNoAnswer,
  isThrottled,
  patientClientConfig,
} from "../tools/shared/aws-patience";

// tools/shared/aws-patience.ts: every AWS call of the tools is bounded in time, and says what it
// waits for while the endpoint does not answer. Against servers on 127.0.0.1 that this test
// starts and stops: one that accepts connections and never answers, one that answers at once.

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

/** Starts `server` on a free port of 127.0.0.1; returns the port. */
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

describe("against an endpoint that accepts and never answers", () => {
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();
  let requests = 0;
  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.once("data", () => requests++);
      socket.on("close", () => sockets.delete(socket));
    });
    port = await listen(server);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test("prints what it waits for, then gives up after its attempts with an error isNoAnswer recognises", async () => {
    const notices: { at: number; line: string }[] = [];
    const started = Date.now();
    const sqs = announceSlowCalls(
      new SQSClient({
        region: "us-east-1",
        endpoint: `http://127.0.0.1:${port}`,
        credentials,
        requestHandler: { connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true },
        maxAttempts: 2,
      }),
      "SQS",
      (line) => notices.push({ at: Date.now() - started, line }),
      { afterMs: 1000, everyMs: 1000 },
    );
    const error = await sqs
      .send(
        new GetQueueAttributesCommand({
          QueueUrl: `http://127.0.0.1:${port}/123456789012/orders-dlq`,
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const took = Date.now() - started;
    sqs.destroy();
    expect(error).toBeDefined();
    expect(isNoAnswer(error)).toBe(true);
    expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(2);
    expect(requests).toBe(2);
    expect(took).toBeGreaterThanOrEqual(2 * 1500);
    expect(took).toBeLessThan(8000); // two attempts of 1.5 s and a short backoff, not SQS's endless wait
    // One line a second from the first second on, across both attempts, naming the call and the queue.
    expect(notices.length).toBeGreaterThanOrEqual(2);
    notices.forEach(({ line }, n) =>
      expect(line).toBe(`waiting for SQS: GetQueueAttributes on orders-dlq has not answered for ${n + 1} s`),
    );
    expect(notices[0].at).toBeGreaterThanOrEqual(900);
    // Nothing more once the call has given up.
    const printed = notices.length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(notices).toHaveLength(printed);
  }, 15_000);
});

test("a call answered at once prints nothing, and its timer does not outlive it", async () => {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      response.end(JSON.stringify({ Attributes: { ApproximateNumberOfMessages: "7" } }));
    });
  });
  const port = await listen(server);
  try {
    const notices: string[] = [];
    const sqs = announceSlowCalls(
      new SQSClient({
        region: "us-east-1",
        endpoint: `http://127.0.0.1:${port}`,
        credentials,
        ...patientClientConfig(),
      }),
      "SQS",
      (line) => notices.push(line),
      { afterMs: 150, everyMs: 50 },
    );
    const answer = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: `http://127.0.0.1:${port}/123456789012/orders-dlq`,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    expect(answer.Attributes).toEqual({ ApproximateNumberOfMessages: "7" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(notices).toEqual([]);
    sqs.destroy();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("the waiting lines, on the tools' own timing", () => {
  /** A client whose middleware stack keeps what announceSlowCalls adds, to run it by hand. */
  type Middleware = (
    next: () => Promise<unknown>,
    context: { commandName?: string },
  ) => (args: { input: unknown }) => Promise<unknown>;
  function fakeClient() {
    const added: { middleware: Middleware; options: { step: string; name: string } }[] = [];
    return {
      client: {
        middlewareStack: {
          add: (middleware: Middleware, options: { step: string; name: string }) => added.push({ middleware, options }),
        },
      },
      added,
    };
  }

  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** Runs one call of `answerAfterMs` through the added middleware; returns the lines printed. */
  async function slowCall(
    service: string,
    commandName: string | undefined,
    input: unknown,
    answerAfterMs: number,
  ): Promise<string[]> {
    const { client, added } = fakeClient();
    const lines: string[] = [];
    expect(announceSlowCalls(client, service, (l) => lines.push(l))).toBe(client);
    expect(added.map((a) => a.options)).toEqual([{ step: "initialize", name: "announceSlowCalls" }]);
    const next = () => new Promise((resolve) => setTimeout(() => resolve({ output: "done" }), answerAfterMs));
    const call = added[0].middleware(next, { commandName })({ input });
    await jest.advanceTimersByTimeAsync(answerAfterMs + 60_000);
    await expect(call).resolves.toEqual({ output: "done" });
    return lines;
  }

  test("the first line after 5 s (within the 15 s promised), then one every 10 s, until the answer", async () => {
    expect(
      await slowCall(
        "SQS",
        "ReceiveMessageCommand",
        { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq.fifo" },
        26_000,
      ),
    ).toEqual([
      "waiting for SQS: ReceiveMessage on jobs-dlq.fifo has not answered for 5 s",
      "waiting for SQS: ReceiveMessage on jobs-dlq.fifo has not answered for 15 s",
      "waiting for SQS: ReceiveMessage on jobs-dlq.fifo has not answered for 25 s",
    ]);
    expect(await slowCall("SQS", "ReceiveMessageCommand", {}, 4_999)).toEqual([]);
  });

  test("names a DynamoDB table, a log group, or nothing when the call names none", async () => {
    expect(await slowCall("DynamoDB", "DescribeTableCommand", { TableName: "orders-idempotency" }, 6000)).toEqual([
      "waiting for DynamoDB: DescribeTable on orders-idempotency has not answered for 5 s",
    ]);
    expect(
      await slowCall("CloudWatch Logs", "FilterLogEventsCommand", { logGroupName: "/aws/lambda/orders-worker" }, 6000),
    ).toEqual(["waiting for CloudWatch Logs: FilterLogEvents on /aws/lambda/orders-worker has not answered for 5 s"]);
    expect(await slowCall("CloudWatch", "DescribeAlarmsCommand", { AlarmNames: ["a"] }, 6000)).toEqual([
      "waiting for CloudWatch: DescribeAlarms has not answered for 5 s",
    ]);
    expect(await slowCall("SQS", undefined, undefined, 6000)).toEqual([
      "waiting for SQS: a call has not answered for 5 s",
    ]);
  });

  test("a call that fails stops its lines too", async () => {
    const { client, added } = fakeClient();
    const lines: string[] = [];
    announceSlowCalls(client, "SQS", (l) => lines.push(l));
    const next = () => new Promise((_, reject) => setTimeout(() => reject(new Error("boom")), 7000));
    const call = added[0].middleware(next, { commandName: "PurgeQueueCommand" })({
      input: { QueueUrl: "https://x/1/q" },
    });
    const settled = expect(call).rejects.toThrow("boom");
    await jest.advanceTimersByTimeAsync(60_000);
    await settled;
    expect(lines).toEqual(["waiting for SQS: PurgeQueue on q has not answered for 5 s"]);
  });
});

describe("telling errors apart", () => {
  const error = (name: string, message = "", extra: object = {}) =>
    Object.assign(new Error(message), { name, ...extra });

  test("isThrottled: throttling errors, not refusals", () => {
    for (const name of [
      "ThrottlingException",
      "RequestThrottled",
      "AWS.SimpleQueueService.RequestThrottled",
      "RequestLimitExceeded",
      "TooManyRequestsException",
      "SlowDown",
    ]) {
      expect([name, isThrottled(error(name))]).toEqual([name, true]);
    }
    for (const name of ["AccessDenied", "AccessDeniedException", "InvalidParameterValue", "TimeoutError", "Error"]) {
      expect([name, isThrottled(error(name))]).toEqual([name, false]);
    }
    expect(isThrottled(undefined)).toBe(false);
  });

  test("isNoAnswer: timeouts and lost connections, not answers", () => {
    expect(isNoAnswer(error("TimeoutError", "a request has exceeded the configured 60000 ms requestTimeout"))).toBe(
      true,
    );
    expect(isNoAnswer(error("Error", "connect ETIMEDOUT 10.0.0.1:443", { code: "ETIMEDOUT" }))).toBe(true);
    expect(isNoAnswer(error("Error", "socket hang up"))).toBe(true);
    expect(isNoAnswer(error("Error", "read ECONNRESET"))).toBe(true);
    expect(isNoAnswer(error("Error", "connect ECONNREFUSED 127.0.0.1:4566"))).toBe(true);
    expect(isNoAnswer(error("AccessDenied", "User is not authorized to perform: sqs:receivemessage"))).toBe(false);
    expect(isNoAnswer(error("ThrottlingException", "Rate exceeded"))).toBe(false);
    expect(isNoAnswer(error("QueueDoesNotExist", "The specified queue does not exist."))).toBe(false);
    expect(isNoAnswer(undefined)).toBe(false);
  });
});

test("PATIENCE is what the docs promise: 5 s to connect, 60 s per attempt, 2 attempts, a first notice after 5 s (at most 15 s), then every 10 s", () => {
  expect(PATIENCE).toEqual({
    connectTimeoutMs: 5_000,
    attemptTimeoutMs: 60_000,
    maxAttempts: 2,
    noticeAfterMs: 5_000,
    noticeEveryMs: 10_000,
  });
  expect(PATIENCE.noticeAfterMs).toBeLessThanOrEqual(15_000);
  expect(patientClientConfig()).toEqual({
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
    maxAttempts: 2,
  });
  expect(patientClientConfig({ maxAttempts: 1 })).toEqual({
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
    maxAttempts: 1,
  });
});
