import { spawn } from "child_process";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/dlq";
import { resolveWorkerQueues } from "../../tools/dlq/resolve";
import { queueCounters, queueDepth } from "../../tools/shared/queue-depth";
import { FAKE_AWS_ENV, startMoto, type MotoServer } from "../../tools/emulator/moto";

// `npm run dlq` against moto (the e2e harness's server). The native redrive path
// (StartMessageMoveTask) is tested against a stub client in __tests__/dlq.test.ts, since moto
// does not implement StartMessageMoveTask or ListMessageMoveTasks.
let moto: MotoServer;
let sqs: SQSClient;
const saved = { ...process.env };

async function makePair(service: string, fifo: boolean): Promise<{ queueUrl: string; dlqUrl: string }> {
  const suffix = fifo ? ".fifo" : "";
  const fifoAttributes = fifo ? { FifoQueue: "true" } : {};
  const dlqUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: `${service}-dlq${suffix}`, Attributes: fifoAttributes }))
  ).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn;
  const queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: `${service}-queue${suffix}`,
        Attributes: {
          ...fifoAttributes,
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
        },
      }),
    )
  ).QueueUrl!;
  return { queueUrl, dlqUrl };
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    [...argv, "--endpoint-url", moto.endpoint, "--region", "us-east-1"],
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, FAKE_AWS_ENV);
  sqs = new SQSClient({ region: "us-east-1", endpoint: moto.endpoint });
});
afterAll(async () => {
  process.env = saved;
  await moto?.stop();
});

describe("npm run dlq against an emulated standard worker", () => {
  let pair: { queueUrl: string; dlqUrl: string };
  beforeAll(async () => {
    pair = await makePair("shop", false);
    for (let i = 0; i < 5; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: pair.dlqUrl,
          MessageBody: JSON.stringify({ order: i }),
          MessageAttributes: {
            tenant: { DataType: "String", StringValue: `t${i}` },
            blob: { DataType: "Binary", BinaryValue: Buffer.from([i, 255]) },
          },
        }),
      );
    }
  });

  test("status shows both queues' counts, the oldest message's age from CloudWatch (none in moto) and the alarm", async () => {
    const result = await cli("shop", "status");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^queue\s+visible 0, in flight 0, delayed 0, oldest not available \(no CloudWatch datapoint\)$/m,
    );
    expect(result.out).toMatch(
      /^dead-letter queue\s+visible 5, in flight 0, delayed 0, oldest not available \(no CloudWatch datapoint\)$/m,
    );
    expect(result.out).toContain("alarm              shop-dlq-not-empty: not deployed");
    expect(result.out).toContain("alarm              shop-backlog-age: not deployed");
  });

  test("status is read-only: it leaves every DLQ message's receive count as it was", async () => {
    const counts = async () => {
      const peeked = JSON.parse((await cli("shop", "peek", "-n", "10", "--json")).out) as {
        id: string;
        receiveCount: number;
      }[];
      return Object.fromEntries(peeked.map((m) => [m.id, m.receiveCount]));
    };
    const before = await counts();
    for (let i = 0; i < 3; i++) expect((await cli("shop", "status")).code).toBe(0);
    const after = await counts();
    // Each peek receives once; three status calls add nothing.
    expect(after).toEqual(Object.fromEntries(Object.entries(before).map(([id, n]) => [id, n + 1])));
  });

  test("peek shows messages with receive count, first-sent time, body and attributes, and leaves them there", async () => {
    const result = await cli("shop", "peek", "-n", "3", "--json");
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      id: expect.any(String) as string,
      receiveCount: expect.any(Number) as number,
      firstSent: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      body: expect.stringMatching(/^\{"order":\d\}$/) as string,
      attributes: expect.objectContaining({
        tenant: expect.objectContaining({ DataType: "String" }) as object,
      }) as object,
    });
    expect(await queueDepth(sqs, pair.dlqUrl)).toBe(5);
    const visible = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: pair.dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
      )
    ).Attributes;
    expect(visible?.ApproximateNumberOfMessages).toBe("5");
  });

  test("redrive --client-side moves every message back with its body and attributes", async () => {
    const result = await cli("shop", "redrive", "--client-side");
    expect(result.code).toBe(0);
    expect(result.out).toBe("redrive complete: 5 of 5 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue");
    expect(result.err).toContain("redrive (client side): 5 of 5 moved, 0 failed, 0 skipped");
    expect(await queueDepth(sqs, pair.dlqUrl)).toBe(0);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
        VisibilityTimeout: 0,
      }),
    );
    expect(Messages).toHaveLength(5);
    for (const m of Messages) {
      const { order } = JSON.parse(m.Body!) as { order: number };
      expect(m.MessageAttributes?.tenant).toMatchObject({ DataType: "String", StringValue: `t${order}` });
      expect(Buffer.from(m.MessageAttributes!.blob.BinaryValue!)).toEqual(Buffer.from([order, 255]));
    }
  });

  test("redrive and purge of an empty DLQ exit 4 with a clear message", async () => {
    expect(await cli("shop", "redrive", "--client-side")).toMatchObject({
      code: 4,
      err: "dlq: the dead-letter queue is empty: nothing to redrive",
    });
    expect(await cli("shop", "purge", "--yes")).toMatchObject({
      code: 4,
      err: "dlq: the dead-letter queue is empty: nothing to purge",
    });
  });

  test("purge refuses without --yes when not attached to a terminal, and empties the DLQ with it", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: pair.dlqUrl, MessageBody: "{}" }));
    const refused = await cli("shop", "purge");
    expect(refused.code).toBe(6);
    expect(refused.err).toContain("pass --yes");
    expect(await queueDepth(sqs, pair.dlqUrl)).toBe(1);
    const purged = await cli("shop", "purge", "--yes");
    expect(purged.code).toBe(0);
    expect(await queueDepth(sqs, pair.dlqUrl)).toBe(0);
  });
});

describe("npm run dlq on FIFO queues", () => {
  test("redrive --client-side keeps each message's group id, deduplication id and order", async () => {
    const pair = await makePair("ledger2", true);
    for (let i = 0; i < 4; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: pair.dlqUrl,
          MessageBody: JSON.stringify({ n: i }),
          MessageGroupId: `account-${i % 2}`,
          MessageDeduplicationId: `dedup-${i}`,
        }),
      );
    }
    const result = await cli("ledger2", "redrive", "--client-side");
    expect(result.code).toBe(0);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const received = Messages.map((m) => ({
      n: (JSON.parse(m.Body!) as { n: number }).n,
      group: m.Attributes?.MessageGroupId,
      dedup: m.Attributes?.MessageDeduplicationId,
    }));
    const byGroup = (g: string) => received.filter((r) => r.group === g).map((r) => r.n);
    expect(byGroup("account-0")).toEqual([0, 2]);
    expect(byGroup("account-1")).toEqual([1, 3]);
    // Each copy has a deduplication id of its own, derived from its original's.
    const dedups = received.map((r) => r.dedup);
    expect(new Set(dedups).size).toBe(4);
    for (const dedup of dedups) expect(dedup).toMatch(/^redrive-[0-9a-f]{64}$/);
  });

  test("inside the deduplication window a redriven copy is delivered, not dropped as a repeat of its original send", async () => {
    const pair = await makePair("ledger3", true);
    // The original send is still within the source queue's 5-minute window (moto keeps the
    // window for messages still in the queue): a copy with the original's id would be dropped.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: pair.queueUrl,
        MessageBody: '{"n":0}',
        MessageGroupId: "g",
        MessageDeduplicationId: "order-0",
      }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: pair.dlqUrl,
        MessageBody: '{"n":0}',
        MessageGroupId: "g",
        MessageDeduplicationId: "order-0",
      }),
    );
    const result = await cli("ledger3", "redrive", "--client-side");
    expect(result).toMatchObject({
      code: 0,
      out: "redrive complete: 1 of 1 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue",
    });
    expect(await queueDepth(sqs, pair.queueUrl)).toBe(2);
  });
});

describe("a redrive while a consumer keeps failing messages into the DLQ", () => {
  test("ends by itself after moving no more than the DLQ held when it started", async () => {
    const pair = await makePair("busy", false);
    for (let i = 0; i < 25; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: pair.dlqUrl, MessageBody: JSON.stringify({ i }) }));
    let arrivals = 0;
    const feeder = setInterval(() => {
      arrivals++;
      void sqs.send(new SendMessageCommand({ QueueUrl: pair.dlqUrl, MessageBody: JSON.stringify({ late: arrivals }) }));
    }, 20);
    let result;
    try {
      result = await cli("busy", "redrive", "--client-side");
    } finally {
      clearInterval(feeder);
    }
    expect(result.code).toBe(0);
    // The target is what the DLQ held when the redrive read its counters: the 25, plus any
    // arrival that came before that read; never the arrivals that followed.
    const [, moved, target, still] = result.out
      .match(/^redrive complete: (\d+) of (\d+) moved, 0 failed, 0 skipped, (\d+) still in the dead-letter queue$/)!
      .map(Number);
    expect(moved).toBe(target);
    expect(target).toBeGreaterThanOrEqual(25);
    expect(target).toBeLessThan(25 + arrivals);
    expect(still).toBeGreaterThan(0);
    expect(await queueDepth(sqs, pair.queueUrl)).toBe(target);
  });
});

describe("npm run dlq errors", () => {
  test("an unknown service exits 3 and says what it tried, where, and what to check", async () => {
    const result = await cli("nosuch", "status", "--stage", "");
    expect(result.code).toBe(3);
    // The stacks listed after "another; " are this repository's cdktf.out's, whatever the last synth wrote.
    expect(result.err).toMatch(
      new RegExp(
        `^dlq: no queues of nosuch in us-east-1 at ${moto.endpoint.replace(/\./g, "\\.")}: tried nosuch-queue and nosuch-dlq, then nosuch-queue\\.fifo and nosuch-dlq\\.fifo \\(no stage, no name prefix\\); ` +
          "a stage \\(--stage or SQS_WORKER_STAGE\\) or a namePrefix \\(--name-prefix\\) may be missing or another; .*else check the service name and --region, or pass --queue-url$",
      ),
    );
  });

  test("a --queue-url in another region than --region exits 3", async () => {
    const result = await cli(
      "shop",
      "status",
      "--queue-url",
      "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dlq",
    );
    expect(result).toMatchObject({
      code: 3,
      err: "dlq: --queue-url is in eu-west-1 but the region is us-east-1: pass --region eu-west-1",
    });
  });

  test("bad usage exits 2", async () => {
    expect((await cli("shop", "explode")).code).toBe(2);
    expect((await cli("shop")).code).toBe(2);
  });
});

describe("npm run dlq send", () => {
  test("puts one JSON message with its attributes on the service's queue", async () => {
    const pair = await makePair("mail", false);
    const result = await cli(
      "mail",
      "send",
      "--body",
      '{"to":"a@example.com"}',
      "--attribute",
      "tenant=acme",
      "--attribute",
      "trace=x=1",
    );
    expect(result).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^sent message \S+ to .*mail-queue$/) as string,
    });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, MessageAttributeNames: ["All"], WaitTimeSeconds: 1 }),
    );
    expect(
      Messages.map((m) => [m.Body, m.MessageAttributes?.tenant?.StringValue, m.MessageAttributes?.trace?.StringValue]),
    ).toEqual([['{"to":"a@example.com"}', "acme", "x=1"]]);
  });

  test("refuses a body that is not JSON, and a FIFO message without a group id, with exit 2", async () => {
    await makePair("fifomail", true);
    expect(await cli("mail", "send", "--body", "not json")).toMatchObject({
      code: 2,
      err: expect.stringContaining("the message body is not JSON") as string,
    });
    expect(await cli("fifomail", "send", "--body", "{}")).toMatchObject({
      code: 2,
      err: "dlq: the queue is FIFO: pass --group-id (and --dedup-id unless it deduplicates on content)",
    });
    expect(await cli("fifomail", "send", "--body", "{}", "--group-id", "g1", "--dedup-id", "d1")).toMatchObject({
      code: 0,
    });
  });
});

describe("npm run dlq logs", () => {
  test("shows the worker's log events of the last minutes, oldest first", async () => {
    await makePair("reports", false);
    const logs = new CloudWatchLogsClient({ region: "us-east-1", endpoint: moto.endpoint });
    const group = "/aws/lambda/reports-worker";
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "2026/11/27/[$LATEST]abc" }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: "2026/11/27/[$LATEST]abc",
        logEvents: [
          { timestamp: now - 3 * 60 * 60_000, message: "three hours ago" },
          { timestamp: now - 60_000, message: '{"event":"order-accepted","orderId":"o-1"}' },
          { timestamp: now - 30_000, message: "ERROR order o-2: no customerId" },
        ],
      }),
    );
    const result = await cli("reports", "logs", "--since", "15m");
    expect(result.code).toBe(0);
    expect(result.out.split("\n")).toEqual([
      `${new Date(now - 60_000).toISOString()}  {"event":"order-accepted","orderId":"o-1"}`,
      `${new Date(now - 30_000).toISOString()}  ERROR order o-2: no customerId`,
    ]);
    expect((await cli("reports", "logs", "--since", "4h")).out.split("\n")).toHaveLength(3);
  });

  test("a worker without a log group, and a bad --since, are one line each", async () => {
    await makePair("silent", false);
    expect(await cli("silent", "logs")).toMatchObject({
      code: 3,
      err: "dlq: no log group /aws/lambda/silent-worker: the worker is not deployed here, or has never run",
    });
    expect(await cli("silent", "logs", "--since", "yesterday")).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        '--since must be a duration such as 30s, 15m, 2h or 1d (given "yesterday")',
      ) as string,
    });
  });
});

describe("finding the queues", () => {
  test("from the outputs of a stack deployed from the project folder, whatever the queues are named", async () => {
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "renamed-dead-letters" }))).QueueUrl!;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "renamed-jobs" }))).QueueUrl!;
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "dlq-outputs-"));
    try {
      fs.writeFileSync(
        path.join(project, "terraform.dev-billing.tfstate"),
        JSON.stringify({ outputs: { queue_url: { value: queueUrl }, dlq_url: { value: dlqUrl } } }),
      );
      const queues = await resolveWorkerQueues(sqs, {
        service: "billing",
        region: "us-east-1",
        namePrefix: "dev-",
        projectDir: project,
      });
      expect(queues).toMatchObject({
        queueUrl,
        dlqUrl,
        fifo: false,
        alarmName: "dev-billing-dlq-not-empty",
        logGroupName: "/aws/lambda/dev-billing-worker",
      });
      expect(queues.dlqArn).toMatch(/:renamed-dead-letters$/);
      // Without that state, the name lookup (with the prefix) says what it looked for.
      await expect(
        resolveWorkerQueues(sqs, {
          service: "billing",
          region: "us-east-1",
          namePrefix: "dev-",
          projectDir: os.tmpdir(),
        }),
      ).rejects.toThrow(
        'no queues of billing in us-east-1 on AWS: tried dev-billing-queue and dev-billing-dlq, then dev-billing-queue.fifo and dev-billing-dlq.fifo (no stage, --name-prefix "dev-")',
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});

describe("a client-side redrive killed half-way (kill -9) and run again", () => {
  test("loses no message, and the rerun's summary is true", async () => {
    const pair = await makePair("crash", false);
    const total = 300;
    for (let i = 0; i < total; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pair.dlqUrl,
          Entries: Array.from({ length: 10 }, (_, n) => ({ Id: String(n), MessageBody: JSON.stringify({ i: i + n }) })),
        }),
      );
    }
    // The first run, as a separate process, killed without warning after its first progress line.
    const child = spawn(
      process.execPath,
      [
        "-r",
        "./scripts/register-ts.js",
        "tools/dlq.ts",
        "crash",
        "redrive",
        "--client-side",
        "--endpoint-url",
        moto.endpoint,
        "--region",
        "us-east-1",
      ],
      {
        cwd: path.resolve(__dirname, "..", ".."),
        env: { ...process.env, ...FAKE_AWS_ENV },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("redrive (client side):")) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", () => reject(new Error("the first run ended before it could be killed")));
    });
    await new Promise((resolve) => child.once("exit", resolve));
    const left = await queueCounters(sqs, pair.dlqUrl);
    expect(left.visible + left.inFlight).toBeLessThan(total);

    // The rerun waits for the messages the killed run held (60 s) and moves them too.
    const rerun = await cli("crash", "redrive", "--client-side");
    const target = left.visible + left.inFlight;
    expect(rerun).toMatchObject({
      code: 0,
      out: `redrive complete: ${target} of ${target} moved, 0 failed, 0 skipped, 0 still in the dead-letter queue`,
    });

    const moved = new Set<number>();
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages) moved.add((JSON.parse(m.Body!) as { i: number }).i);
    }
    expect(moved.size).toBe(total); // every message reached the queue (a standard queue may hold a copy twice)
    expect(await queueDepth(sqs, pair.dlqUrl)).toBe(0);
  }, 240_000);
});
