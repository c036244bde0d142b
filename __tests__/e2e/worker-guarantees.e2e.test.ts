import * as path from "path";
import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { deriveNames, type ServiceCatalog } from "../../modules/internal";
import { main as dlqMain } from "../../tools/dlq";
import { readDeployedWorkerConfig } from "../../tools/local-runner/stack-config";
import { FAKE_AWS_ENV } from "../../tools/emulator/moto";
import { ORIGINAL_MESSAGE_ID_ATTRIBUTE } from "../../lambda-src/worker-settings";
import { deployApp, type DeployedApp } from "./deployed-app";
import { drainQueue, queueDepth, readLog, runScenario, sendAll } from "./scenario";
import type { ScenarioLogEntry, ScenarioMessage } from "./scenario-worker";

// Issue 18: the worker must never hurt a healthy message. Two services of the scenario worker,
// applied to moto with Terraform, run by the local runner with the exact synthesized bundle:
// - a FIFO worker: a poison message in one group must not touch the other groups' messages,
//   nor take its own group's later messages to the DLQ;
// - an idempotent standard worker: a job that completed, was dead-lettered with a batch-mate
//   and redriven with `redrive --client-side` must not run again.

const ENTRY = path.join(__dirname, "scenario-worker.ts");
const FIFO_SERVICE = "e2e-fifo";
const IDEMPOTENT_SERVICE = "e2e-redrive";
const SERVICES: ServiceCatalog = {
  // 1 s timeout: visibility 6 s (the construct's 6 × timeout), so three receives take seconds.
  [FIFO_SERVICE]: { lambda: { entry: ENTRY, timeoutSeconds: 1 }, queue: { fifo: true } },
  [IDEMPOTENT_SERVICE]: { lambda: { entry: ENTRY, timeoutSeconds: 1 }, idempotency: {} },
};

let app: DeployedApp;
let sqs: SQSClient;
const urlOf = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;

beforeAll(async () => {
  app = await deployApp("e2e-guarantees", SERVICES);
  sqs = new SQSClient({
    region: FAKE_AWS_ENV.AWS_REGION,
    endpoint: app.moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}, 600_000);

afterAll(async () => {
  await app?.tearDown();
}, 600_000);

/**
 * Runs `npm run dlq` in this process against the emulator, with the emulator's credentials and
 * no terminal on standard input (as in CI, also when a developer runs the suite in one).
 */
async function dlq(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const saved = { ...process.env };
  const tty = process.stdin.isTTY;
  Object.assign(process.env, FAKE_AWS_ENV);
  Object.defineProperty(process.stdin, "isTTY", { value: undefined, configurable: true });
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await dlqMain(
      [...argv, "--endpoint-url", app.moto.endpoint],
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out, err };
  } finally {
    process.env = saved;
    Object.defineProperty(process.stdin, "isTTY", { value: tty, configurable: true });
  }
}

describe("the emulator", () => {
  test("redelivers a FIFO message group in order after its visibility timeout (moto_server.py patch 6)", async () => {
    const url = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: "order-check.fifo",
          Attributes: { FifoQueue: "true", VisibilityTimeout: "1" },
        }),
      )
    ).QueueUrl!;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: ["A1", "B1", "A2", "A3"].map((id) => ({
          Id: id,
          MessageBody: id,
          MessageGroupId: id[0],
          MessageDeduplicationId: id,
        })),
      }),
    );
    const receive = async () =>
      (
        (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 3 })))
          .Messages ?? []
      ).map((m) => m.Body);
    expect(await receive()).toEqual(["A1", "B1", "A2", "A3"]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await receive()).toEqual(["A1", "B1", "A2", "A3"]);
  });
});

describe("a FIFO worker with a poison message in one group", () => {
  test("processes every other group's message once, on its first receive; the poison group goes on in order once the poison message is dead-lettered", async () => {
    const worker = readDeployedWorkerConfig(app.outdir, FIFO_SERVICE);
    const names = deriveNames(FIFO_SERVICE, true);
    const [queueUrl, dlqUrl] = [await urlOf(names.queue), await urlOf(names.deadLetterQueue)];
    // One batch's worth, groups interleaved as producers would send them.
    const sent: (ScenarioMessage & { group: string })[] = [
      { id: "A1", kind: "poison", group: "A" },
      { id: "B1", kind: "good", group: "B" },
      { id: "A2", kind: "good", group: "A" },
      { id: "C1", kind: "good", group: "C" },
      { id: "B2", kind: "good", group: "B" },
      { id: "A3", kind: "good", group: "A" },
      { id: "D1", kind: "good", group: "D" },
      { id: "C2", kind: "good", group: "C" },
      { id: "D2", kind: "good", group: "D" },
    ];
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: sent.map((m, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({ id: m.id, kind: m.kind }),
          MessageGroupId: m.group,
          MessageDeduplicationId: m.id,
        })),
      }),
    );
    expect(result.Failed ?? []).toEqual([]);
    const logFile = path.join(app.projectDir, "fifo-groups.log");
    await runScenario({
      sqs,
      queueUrl,
      worker,
      logFile,
      until: async () => (await queueDepth(sqs, queueUrl)) === 0 && (await queueDepth(sqs, dlqUrl)) >= 1,
      timeoutMs: 120_000,
    });
    const log = readLog(logFile);
    const dead = (await drainQueue(sqs, dlqUrl)).map((m) => (JSON.parse(m.Body!) as { id: string }).id);

    console.log(
      `FIFO group isolation: ${log.map((e) => `${e.id}#${e.attempt}:${e.outcome}`).join(" ")}; dead-lettered ${dead.join(",")}`,
    );

    const entriesOf = (id: string) =>
      log.filter((e) => e.id === id).map(({ attempt, outcome }) => ({ attempt, outcome }));
    for (const id of ["B1", "B2", "C1", "C2", "D1", "D2"])
      expect({ id, runs: entriesOf(id) }).toEqual({ id, runs: [{ attempt: 1, outcome: "ok" }] });
    expect(entriesOf("A1")).toEqual([1, 2, 3].map((attempt) => ({ attempt, outcome: "failed" })));
    expect(dead).toEqual(["A1"]);
    // A2 and A3 ran once each, after the poison message's last attempt, in order.
    expect(entriesOf("A2")).toEqual([{ attempt: 3, outcome: "ok" }]);
    expect(entriesOf("A3")).toEqual([{ attempt: 3, outcome: "ok" }]);
    const at = (id: string, outcome: ScenarioLogEntry["outcome"]) =>
      log.findIndex((e) => e.id === id && e.outcome === outcome && (id !== "A1" || e.attempt === 3));
    expect(at("A1", "failed")).toBeLessThan(at("A2", "ok"));
    expect(at("A2", "ok")).toBeLessThan(at("A3", "ok"));
    // Within every group, the order sent is the order run.
    for (const group of ["A", "B", "C", "D"]) {
      const ran = log.filter((e) => e.outcome === "ok" && e.id.startsWith(group)).map((e) => e.id);
      expect(ran).toEqual(sent.filter((m) => m.group === group && m.kind === "good").map((m) => m.id));
    }
  });
});

describe("an idempotent worker whose completed job was dead-lettered with a batch-mate", () => {
  test("runs the job once in all: `redrive --client-side` copies carry the original id; a native redrive warns first", async () => {
    const names = deriveNames(IDEMPOTENT_SERVICE);
    const [queueUrl, dlqUrl] = [await urlOf(names.queue), await urlOf(names.deadLetterQueue)];
    const awsEnvironment = { ...FAKE_AWS_ENV, AWS_ENDPOINT_URL: app.moto.endpoint };
    // One execution environment and a batch of both: `done` completes at once, `stuck` sleeps past
    // the 1 s timeout, so the invocation is killed and both come back, three times, then both are
    // dead-lettered, although `done` completed on its first receive.
    const worker = { ...readDeployedWorkerConfig(app.outdir, IDEMPOTENT_SERVICE), maximumConcurrency: 1 };
    const logFile = path.join(app.projectDir, "redrive.log");
    await sendAll(sqs, queueUrl, [
      { id: "done", kind: "good" },
      { id: "stuck", kind: "stall-until-fixed", sleepMs: 5000 },
    ]);
    const before = await runScenario({
      sqs,
      queueUrl,
      worker,
      logFile,
      environment: awsEnvironment,
      until: async () => (await queueDepth(sqs, queueUrl)) === 0 && (await queueDepth(sqs, dlqUrl)) >= 2,
      timeoutMs: 120_000,
    });
    expect(before.timedOutBatches).toBeGreaterThanOrEqual(3);
    expect(
      readLog(logFile)
        .filter((e) => e.outcome === "ok")
        .map((e) => e.id),
    ).toEqual(["done"]);

    // SQS's move task would give the messages new ids: the tool says so before it starts and,
    // with no terminal to ask on, refuses without --yes.
    const native = await dlq(IDEMPOTENT_SERVICE, "redrive");
    expect(native.code).toBe(6);
    expect(native.err[0]).toMatch(
      new RegExp(
        `^warning: ${IDEMPOTENT_SERVICE} has idempotency on \\(table ${names.idempotencyTable}\\)\\. SQS's native redrive gives every moved message a new message id`,
      ),
    );
    expect(native.err[1]).toBe(
      "dlq: native redrive refused: use --client-side, or pass --yes if the worker keys on a body field (no terminal to ask on)",
    );
    const forced = await dlq(IDEMPOTENT_SERVICE, "redrive", "--yes");
    expect(forced.err[0]).toBe(native.err[0]);
    expect(await queueDepth(sqs, dlqUrl)).toBe(2); // the emulator has no move task: nothing moved

    const redrive = await dlq(IDEMPOTENT_SERVICE, "redrive", "--client-side");
    expect({ code: redrive.code, out: redrive.out }).toEqual({
      code: 0,
      out: [expect.stringMatching(/^redrive complete: 2 of 2 moved, 0 failed/)],
    });

    // The fix is deployed (SCENARIO_FIXED): `stuck` now succeeds; `done` is recognised by the id its copy carries.
    const copies =
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 0,
            MessageAttributeNames: ["All"],
          }),
        )
      ).Messages ?? [];
    expect(copies).toHaveLength(2);
    for (const copy of copies) {
      const original = copy.MessageAttributes?.[ORIGINAL_MESSAGE_ID_ATTRIBUTE]?.StringValue;
      expect(original).toMatch(/^[0-9a-f-]{36}$/);
      expect(original).not.toBe(copy.MessageId);
    }
    await runScenario({
      sqs,
      queueUrl,
      worker,
      logFile,
      environment: { ...awsEnvironment, SCENARIO_FIXED: "1" },
      until: async () => (await queueDepth(sqs, queueUrl)) === 0,
      timeoutMs: 60_000,
    });
    const ok = readLog(logFile)
      .filter((e) => e.outcome === "ok")
      .map((e) => e.id);

    console.log(`redrive of a completed job: business logic runs ${JSON.stringify(ok)}`);
    expect(ok.sort()).toEqual(["done", "stuck"]);
    expect(await queueDepth(sqs, dlqUrl)).toBe(0);
  });
});
