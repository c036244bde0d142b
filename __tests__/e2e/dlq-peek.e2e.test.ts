import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/dlq";
import { FAKE_AWS_ENV, startMoto, type MotoServer } from "../../tools/emulator/moto";

// `npm run dlq -- <service> peek` against moto with a DLQ of 1,000 messages, a FIFO DLQ's groups,
// and the native redrive and cancel against an endpoint without SQS's message move task.
// Kept short (CI time): moto's SendMessage and ReceiveMessage each scan the whole queue once per
// message, so 1,000 messages take about 10 s to send and a peek of 100 about 6 s.
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

/** Runs the CLI in this process; `err` is what it prints to stderr. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string; ms: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const started = Date.now();
  const code = await main(
    [...argv, "--endpoint-url", moto.endpoint, "--region", "us-east-1"],
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join("\n"), err: err.join("\n"), ms: Date.now() - started };
}

async function counts(url: string): Promise<{ visible: string; inFlight: string }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Attributes.ApproximateNumberOfMessages!,
    inFlight: Attributes.ApproximateNumberOfMessagesNotVisible!,
  };
}

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, FAKE_AWS_ENV, {
    SQS_WORKER_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "dlq-peek-state-")),
  });
  sqs = new SQSClient({ region: "us-east-1", endpoint: moto.endpoint });
});
afterAll(async () => {
  fs.rmSync(process.env.SQS_WORKER_STATE_DIR!, { recursive: true, force: true });
  process.env = saved;
  await moto?.stop();
});

describe("peek against moto", () => {
  let big: { queueUrl: string; dlqUrl: string };
  beforeAll(async () => {
    big = await makePair("bulk", false);
    const batches = Array.from({ length: 100 }, (_, b) => b);
    for (let i = 0; i < batches.length; i += 20) {
      await Promise.all(
        batches.slice(i, i + 20).map((b) =>
          sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: big.dlqUrl,
              Entries: Array.from({ length: 10 }, (_, n) => ({
                Id: String(n),
                MessageBody: JSON.stringify({ job: b * 10 + n }),
              })),
            }),
          ),
        ),
      );
    }
    expect(await counts(big.dlqUrl)).toEqual({ visible: "1000", inFlight: "0" });
  });

  test("peek -n 100 on a DLQ of 1,000 prints 100 different messages and leaves none in flight", async () => {
    const result = await cli("bulk", "peek", "-n", "100", "--json");
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.out) as { id: string; receiveCount: number }[];
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.id)).size).toBe(100);
    expect(rows.every((r) => r.receiveCount === 1)).toBe(true);
    expect(result.err).not.toMatch(/^peek: showing/m);
    expect(await counts(big.dlqUrl)).toEqual({ visible: "1000", inFlight: "0" });
    console.log(`peek -n 100 of 1,000 messages on moto: ${result.ms} ms`);
  });

  test("FIFO: the text shows each message's group; the rest of a group held by the peek is explained on stderr", async () => {
    const fifo = await makePair("tenants", true);
    const entries = [
      ...Array.from({ length: 3 }, (_, i) => ({ group: `tenant-${i}`, n: i })),
      ...Array.from({ length: 12 }, (_, i) => ({ group: "tenant-busy", n: 10 + i })),
    ];
    for (let i = 0; i < entries.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: fifo.dlqUrl,
          Entries: entries.slice(i, i + 10).map((e, k) => ({
            Id: String(k),
            MessageBody: JSON.stringify({ n: e.n }),
            MessageGroupId: e.group,
            MessageDeduplicationId: `d${e.n}`,
          })),
        }),
      );
    }
    const result = await cli("tenants", "peek", "-n", "15");
    expect(result.code).toBe(0);
    // One receive hands out 10 (three groups and 7 of tenant-busy); then SQS holds back the rest of tenant-busy.
    const lines = result.out.split("\n").filter((l) => /received \dx/.test(l));
    expect(lines).toHaveLength(10);
    for (let i = 0; i < 3; i++)
      expect(result.out).toMatch(new RegExp(`^\\S+  group tenant-${i}  received 1x  first sent \\d{4}-`, "m"));
    expect(lines.filter((l) => l.includes("  group tenant-busy  "))).toHaveLength(7);
    expect(result.err).toMatch(
      /^peek: showing 10 of 15 asked: the queue reported 5 more visible and 0 in flight with another reader; FIFO: SQS returns no more of a message group while one of its messages is in flight/m,
    );
    expect(await counts(fifo.dlqUrl)).toEqual({ visible: "15", inFlight: "0" });
  });

  test("native redrive and cancel: moto lacks SQS's message move task, said in one line (exit 3)", async () => {
    const line =
      "dlq: the endpoint does not support ListMessageMoveTasks (SQS's message move task; the emulator lacks it): use redrive --client-side";
    const redrive = await cli("bulk", "redrive", "--yes");
    expect({ code: redrive.code, lastLine: redrive.err.split("\n").pop() }).toEqual({ code: 3, lastLine: line });
    expect(redrive.err).not.toMatch(/Unexpected token|Deserialization/);
    const cancel = await cli("bulk", "cancel");
    expect({ code: cancel.code, err: cancel.err }).toEqual({ code: 3, err: line });
    expect(await counts(big.dlqUrl)).toEqual({ visible: "1000", inFlight: "0" });
  });
});
