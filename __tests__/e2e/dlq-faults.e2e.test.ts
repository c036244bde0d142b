import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FAKE_AWS_ENV, MOTO_ACCOUNT_ID, startMoto, type MotoServer } from "../../tools/emulator/moto";
import { killLeftovers, spawnCli, type CliProcess } from "./cli-process";

// Issue 20's fault tests: `npm run dlq -- <service> redrive --client-side` as a real process
// against moto, which is frozen (SIGSTOP) to stand for an endpoint that does not answer; the
// tool is killed -9 while it waits, Ctrl-C'd, or run twice at once. The proof is always the
// same: drain both queues and count every body, and compare the summary with what we counted.

const STATE_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "dlq-faults-"));
const motos: MotoServer[] = [];
const scenarios: Scenario[] = [];

/** Every run's output of these scenarios (printed when a chain fails). */
function dumpRuns(of: readonly Scenario[]): void {
  console.log(of.map((s) => s.log.join("\n")).join("\n"));
}

afterAll(async () => {
  // A frozen moto must never outlive the test, nor a tool blocked on it.
  for (const moto of motos) moto.resume();
  await killLeftovers();
  await Promise.all(motos.map((moto) => moto.stop()));
  fs.rmSync(STATE_ROOT, { recursive: true, force: true });
});

async function motoServer(options: { fifoDedupSeconds?: number } = {}): Promise<MotoServer> {
  const moto = await startMoto(options);
  motos.push(moto);
  return moto;
}

/** One service's queue pair on one moto, its state folder, and the tool run against it. */
class Scenario {
  readonly sqs: SQSClient;
  readonly stateDir: string;
  queueUrl = "";
  dlqUrl = "";
  /** Every line of every run, for the report. */
  readonly log: string[] = [];

  constructor(
    readonly moto: MotoServer,
    readonly service: string,
    readonly fifo: boolean,
  ) {
    this.sqs = new SQSClient({
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    this.stateDir = fs.mkdtempSync(path.join(STATE_ROOT, `${service}-`));
    scenarios.push(this);
  }

  get dlqName(): string {
    return `${this.service}-dlq${this.fifo ? ".fifo" : ""}`;
  }

  get journalFile(): string {
    return path.join(this.stateDir, "redrive", `us-east-1_${MOTO_ACCOUNT_ID}_${this.dlqName}.journal`);
  }

  /** Creates `<service>-queue` with a redrive policy to `<service>-dlq` (.fifo when FIFO), and puts n messages {"n":i} in the DLQ. */
  async setUp(n: number): Promise<this> {
    const suffix = this.fifo ? ".fifo" : "";
    const fifoAttributes = this.fifo ? { FifoQueue: "true" } : {};
    this.dlqUrl = (
      await this.sqs.send(
        new CreateQueueCommand({ QueueName: `${this.service}-dlq${suffix}`, Attributes: fifoAttributes }),
      )
    ).QueueUrl!;
    const dlqArn = (
      await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.dlqUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn;
    this.queueUrl = (
      await this.sqs.send(
        new CreateQueueCommand({
          QueueName: `${this.service}-queue${suffix}`,
          Attributes: {
            ...fifoAttributes,
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
          },
        }),
      )
    ).QueueUrl!;
    for (let i = 0; i < n; i += 10) {
      const entries = Array.from({ length: Math.min(10, n - i) }, (_, k) => i + k).map((m) => ({
        Id: String(m),
        MessageBody: JSON.stringify({ n: m }),
        ...(this.fifo ? { MessageGroupId: `g${m % 4}`, MessageDeduplicationId: `d${m}` } : {}),
      }));
      const sent = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.dlqUrl, Entries: entries }));
      if ((sent.Failed ?? []).length > 0)
        throw new Error(`filling ${this.dlqName} failed: ${JSON.stringify(sent.Failed)}`);
    }
    return this;
  }

  /** `npm run dlq -- <service> <args> --endpoint-url <moto> --region us-east-1` as a child process. */
  dlq(...args: string[]): CliProcess {
    const cli = spawnCli(
      "tools/dlq.ts",
      [this.service, ...args, "--endpoint-url", this.moto.endpoint, "--region", "us-east-1"],
      {
        ...FAKE_AWS_ENV,
        SQS_WORKER_STATE_DIR: this.stateDir,
        CHECKPOINT_DISABLE: "1",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
    );
    void cli.exited.then((exit) =>
      this.log.push(
        `--- ${this.service}: dlq ${args.join(" ")} (exit ${exit.code ?? exit.signal}, ${(exit.ms / 1000).toFixed(1)} s)`,
        cli.transcript(),
      ),
    );
    return cli;
  }

  /** Visible + in flight + delayed (what a queue holds). */
  async depth(url: string): Promise<{ visible: number; inFlight: number; total: number }> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ],
      }),
    );
    const visible = Number(Attributes.ApproximateNumberOfMessages);
    const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    return { visible, inFlight, total: visible + inFlight + Number(Attributes.ApproximateNumberOfMessagesDelayed) };
  }

  /** Receives and deletes everything a queue holds (waiting for in-flight messages to come back) and returns the n of each body. */
  async drain(url: string): Promise<number[]> {
    const found: number[] = [];
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 120,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length > 0) {
        found.push(...Messages.map((m) => (JSON.parse(m.Body!) as { n: number }).n));
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
        continue;
      }
      if ((await this.depth(url)).total === 0) return found.sort((a, b) => a - b);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${url} did not empty within 45 s (${JSON.stringify(await this.depth(url))})`);
  }

  /** Drains both queues: every body must be in the source queue exactly once, none left in the DLQ. */
  async expectExactlyOnce(n: number): Promise<void> {
    const inDlq = await this.drain(this.dlqUrl);
    const inQueue = await this.drain(this.queueUrl);
    const duplicates = inQueue.filter((v, i) => i > 0 && inQueue[i - 1] === v);
    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !inQueue.includes(i));
    expect({ service: this.service, inDlq, duplicates, missing, copies: inQueue.length }).toEqual({
      service: this.service,
      inDlq: [],
      duplicates: [],
      missing: [],
      copies: n,
    });
  }

  /** Waits until moto answers again (after a resume). */
  async answering(): Promise<void> {
    await this.depth(this.dlqUrl);
  }
}

type JournalRecord = { t: string; ids?: string[]; [key: string]: unknown };

/** The journal's records after its last compaction (a run's own records), parsed; torn lines skipped. */
function journalRecords(file: string): JournalRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const records: JournalRecord[] = [];
  for (const line of text.split("\n")) {
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // a line being written
    }
  }
  return records;
}

function inode(file: string): number | undefined {
  try {
    return fs.statSync(file).ino;
  } catch {
    return undefined;
  }
}

/**
 * Our own reading of a journal (spec A), independent of the tool's: originals whose copy was
 * accepted and not confirmed deleted, and originals whose send was under way (in doubt).
 */
function journalFacts(file: string): { copied: Set<string>; inDoubt: Set<string> } {
  const copied = new Set<string>();
  const inDoubt = new Set<string>();
  for (const r of journalRecords(file)) {
    const ids = r.ids ?? [];
    switch (r.t) {
      case "state":
        for (const id of Object.keys((r.copied as object) ?? {})) copied.add(id);
        for (const id of Object.keys((r.inDoubt as object) ?? {})) inDoubt.add(id);
        break;
      case "sending":
        for (const id of ids) inDoubt.add(id);
        break;
      case "sent":
        for (const id of ids) {
          inDoubt.delete(id);
          copied.add(id);
        }
        break;
      case "send-failed":
        for (const id of ids) inDoubt.delete(id);
        break;
      case "deleted":
        for (const id of ids) copied.delete(id);
        break;
      case "resolved":
        for (const id of ids) {
          inDoubt.delete(id);
          if (r.as === "delivered") copied.add(id);
        }
        break;
    }
  }
  return { copied, inDoubt };
}

/** Stands for "the rerun came more than 5 minutes later": every `at` and `receivingUntil` of the journal 6 minutes earlier (spec A). */
function ageJournal(file: string, ms = 6 * 60_000): void {
  const age = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(age);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          (k === "at" || k === "receivingUntil") && typeof v === "number" ? v - ms : age(v),
        ]),
      );
    }
    return value;
  };
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(age(JSON.parse(l)))).join("\n") + "\n");
}

/** The journal record each call is announced by, and the call. */
const ANNOUNCES = { receiving: "ReceiveMessage", sending: "SendMessageBatch", sent: "DeleteMessageBatch" } as const;
type Announcing = keyof typeof ANNOUNCES;

const WAITING = /^waiting for SQS: (\w+) on (\S+) has not answered for (\d+) s$/;

/**
 * Freezes moto the moment this run's journal gets its `occurrence`-th `record` (the tool writes
 * it, fsynced, just before the call), then waits for the tool's `waiting for SQS` line, which
 * names the call it is blocked on. Returns that call. The journal is watched from its
 * compaction by this run on (a new file: its inode changes).
 */
async function freezeAtRecord(
  s: Scenario,
  cli: CliProcess,
  record: Announcing,
  occurrence: number,
  previousInode: number | undefined,
): Promise<{ call: string; frozenAt: number; waitingAfterMs: number }> {
  const deadline = Date.now() + 60_000;
  let lastSize = -1;
  for (;;) {
    if (cli.done)
      throw new Error(
        `${s.service}: the run ended before its journal had ${occurrence} "${record}" records:\n${cli.transcript()}`,
      );
    if (Date.now() > deadline)
      throw new Error(`${s.service}: no ${occurrence}th "${record}" record within 60 s:\n${cli.transcript()}`);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(s.journalFile);
    } catch {
      stat = undefined; // not written yet
    }
    if (stat && stat.ino !== previousInode && stat.size !== lastSize) {
      lastSize = stat.size;
      const count = journalRecords(s.journalFile).filter((r) => r.t === record).length;
      if (count >= occurrence) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const from = cli.lines.length;
  s.moto.freeze();
  const frozenAt = Date.now();
  const waiting = await cli.waitForLine(WAITING, { stream: "stderr", from, timeoutMs: 15_000 });
  return { call: WAITING.exec(waiting.text)![1], frozenAt, waitingAfterMs: waiting.at - frozenAt };
}

/**
 * One kill point: run `redrive --client-side` (with `extra` options), freeze moto at the
 * `occurrence`-th `record`, kill the tool -9 once it says what it waits for, resume moto.
 * With `mustHit`, a freeze that landed on another call is resumed without a kill and the next
 * occurrence is tried (at most 4 times). Returns the call the kill hit.
 */
async function killPoint(
  s: Scenario,
  report: string[],
  label: string,
  plan: { record: Announcing; occurrence: number; mustHit?: boolean; extra?: string[]; killedBefore?: number },
): Promise<{ call: string; pid: number }> {
  const previousInode = inode(s.journalFile);
  const cli = s.dlq("redrive", "--client-side", ...(plan.extra ?? []));
  let occurrence = plan.occurrence;
  for (let attempt = 1; ; attempt++) {
    const hit = await freezeAtRecord(s, cli, plan.record, occurrence, previousInode);
    if (plan.mustHit && hit.call !== ANNOUNCES[plan.record] && attempt < 4) {
      report.push(
        `${s.service} ${label}: froze at "${plan.record}" #${occurrence} but the tool waited on ${hit.call}; resumed, trying the next one`,
      );
      s.moto.resume();
      occurrence++;
      continue;
    }
    await cli.kill9();
    s.moto.resume();
    await s.answering();
    // A rerun (killed too) first cleared the lock the previous kill left.
    if (plan.killedBefore !== undefined)
      expect(cli.transcript()).toContain(
        `lock: cleared a stale hold by pid ${plan.killedBefore} (no longer running) since `,
      );
    report.push(
      `${s.service} ${label}: kill -9 while blocked on ${hit.call} (froze at journal "${plan.record}" #${occurrence}; waiting line after ${(hit.waitingAfterMs / 1000).toFixed(1)} s)`,
    );
    return { call: hit.call, pid: cli.pid };
  }
}

const SUMMARY =
  /^redrive (complete|INCOMPLETE|STOPPED|GAVE UP): (\d+) of (\d+) moved, (\d+) failed, (\d+) skipped, (\d+) still in the dead-letter queue(?:, (\d+) in doubt)?(?:, (\d+) in flight with another reader)?(?: \((\d+) copied by the stopped run\))?$/;

interface Summary {
  word: string;
  moved: number;
  target: number;
  failed: number;
  skipped: number;
  still: number;
  inDoubt: number;
  elsewhere: number;
  copiedBefore: number;
}

function summaryOf(cli: CliProcess): Summary {
  const last = cli.stdout.filter((l) => l.trim() !== "").pop() ?? "";
  const m = SUMMARY.exec(last);
  if (!m) throw new Error(`no summary as the last stdout line:\n${cli.transcript()}`);
  const n = (i: number) => Number(m[i] ?? 0);
  return {
    word: m[1],
    moved: n(2),
    target: n(3),
    failed: n(4),
    skipped: n(5),
    still: n(6),
    inDoubt: n(7),
    elsewhere: n(8),
    copiedBefore: n(9),
  };
}

/**
 * A rerun after a kill: it must finish what the journal says, and its summary must be true:
 * the DLQ holds what it says is still there; the copies it sent are what arrived in the queue
 * (on FIFO, resent copies in doubt may be dropped by deduplication); the originals the stopped
 * run had copied are the ones it reports; what is in doubt is what the journal left in doubt.
 */
async function rerun(
  s: Scenario,
  report: string[],
  label: string,
  expected: { code: number; doubtsStay: boolean; killedPid?: number; extra?: string[] },
): Promise<Summary> {
  const facts = journalFacts(s.journalFile);
  const queueBefore = (await s.depth(s.queueUrl)).total;
  const cli = s.dlq("redrive", "--client-side", ...(expected.extra ?? []));
  const exit = await cli.exit(90_000);
  const transcript = cli.transcript();
  const summary = summaryOf(cli);
  const dlqAfter = await s.depth(s.dlqUrl);
  const queueAfter = (await s.depth(s.queueUrl)).total;
  report.push(
    `${s.service} ${label}: exit ${exit.code} in ${(exit.ms / 1000).toFixed(1)} s, "${cli.stdout.at(-1)}"; journal had ${facts.copied.size} copied, ${facts.inDoubt.size} in doubt; queue +${queueAfter - queueBefore}`,
  );
  const context = `${s.service} ${label}:\n${transcript}`;
  expect({ context, code: exit.code }).toEqual({ context, code: expected.code });
  if (expected.killedPid !== undefined)
    expect(transcript).toContain(`lock: cleared a stale hold by pid ${expected.killedPid} (no longer running) since `);
  if (facts.copied.size + facts.inDoubt.size > 0) expect(cli.stderr.some((l) => l.startsWith("journal: "))).toBe(true);
  const truth = {
    context,
    still: dlqAfter.total,
    // --in-doubt delivered: the copies in doubt count as copied by the stopped run.
    copiedBefore: facts.copied.size + (expected.extra?.includes("delivered") ? facts.inDoubt.size : 0),
    failed: 0,
    inDoubt: expected.doubtsStay ? facts.inDoubt.size : 0,
  };
  expect({
    context,
    still: summary.still,
    copiedBefore: summary.copiedBefore,
    failed: summary.failed,
    inDoubt: summary.inDoubt,
  }).toEqual(truth);
  const copiesSent = summary.moved - summary.copiedBefore;
  if (s.fifo && !expected.doubtsStay) {
    // A resent copy in doubt that had arrived is dropped by SQS's deduplication: it counts as moved, adds nothing.
    expect(queueAfter - queueBefore).toBeGreaterThanOrEqual(copiesSent - facts.inDoubt.size);
    expect(queueAfter - queueBefore).toBeLessThanOrEqual(copiesSent);
  } else {
    expect({ context, arrived: queueAfter - queueBefore }).toEqual({ context, arrived: copiesSent });
  }
  if (expected.code === 0) {
    expect({ context, word: summary.word, moved: summary.moved, still: summary.still }).toEqual({
      context,
      word: "complete",
      moved: summary.target,
      still: 0,
    });
  }
  if (expected.doubtsStay && facts.inDoubt.size > 0) {
    if (s.fifo) {
      // FIFO: a message in doubt holds its group's later messages behind it (order), so they stay too.
      expect({ context, word: summary.word, accounted: summary.moved + summary.still }).toEqual({
        context,
        word: "INCOMPLETE",
        accounted: summary.target,
      });
      expect(summary.still).toBeGreaterThanOrEqual(facts.inDoubt.size);
    } else {
      // Everything but the copies in doubt moved; only they stay.
      expect({ context, word: summary.word, moved: summary.moved, still: summary.still }).toEqual({
        context,
        word: "INCOMPLETE",
        moved: summary.target - facts.inDoubt.size,
        still: facts.inDoubt.size,
      });
    }
    expect(cli.stderr).toContainEqual(
      expect.stringMatching(
        new RegExp(`^dlq: ${facts.inDoubt.size} messages are in doubt: .*--in-doubt delivered.*--in-doubt resend`),
      ),
    );
  }
  return summary;
}

/** After a kill on SendMessageBatch the copies in doubt either arrived or not: the answer to give the tool, from the queue's count. */
async function inDoubtAnswer(s: Scenario, n: number): Promise<"delivered" | "resend"> {
  // Every body is in exactly one place unless the copies in doubt arrived: then they are in both.
  const total = (await s.depth(s.queueUrl)).total + (await s.depth(s.dlqUrl)).total;
  const doubts = journalFacts(s.journalFile).inDoubt.size;
  if (total === n + doubts) return "delivered";
  expect(total).toBe(n);
  return "resend";
}

describe("kill -9 while the endpoint is frozen, at several points, then rerun: every message exactly once", () => {
  // One moto per chain: the chains run at once, and each freezes its own endpoint.
  let standard: MotoServer;
  let standardReceive: MotoServer;
  let fifo: MotoServer;
  let fifoNoDedup: MotoServer;
  beforeAll(async () => {
    [standard, standardReceive, fifo, fifoNoDedup] = await Promise.all([
      motoServer(),
      motoServer(),
      motoServer(),
      motoServer({ fifoDedupSeconds: 0 }),
    ]);
  }, 60_000);

  const N = 60;

  /** Standard queue: a kill on DeleteMessageBatch, then on SendMessageBatch in the rerun (copies in doubt). */
  async function standardChain(report: string[]): Promise<void> {
    const s = await new Scenario(standard, "kstd", false).setUp(N);
    // Batch 1: copies accepted, the originals' delete under way.
    const k1 = await killPoint(s, report, "kill 1 (batch 1's delete)", { record: "sent", occurrence: 1 });
    // The rerun's 2nd send (3rd batch overall): SQS may or may not take the copies.
    const k2 = await killPoint(s, report, "kill 2 (rerun's batch 2 send)", {
      record: "sending",
      occurrence: 2,
      mustHit: true,
      killedBefore: k1.pid,
    });
    if (k2.call === "SendMessageBatch") {
      await rerun(s, report, "rerun after kill 2", { code: 7, doubtsStay: true, killedPid: k2.pid });
      const answer = await inDoubtAnswer(s, N);
      await rerun(s, report, `rerun with --in-doubt ${answer}`, {
        code: 0,
        doubtsStay: false,
        extra: ["--in-doubt", answer],
      });
    } else {
      await rerun(s, report, "rerun after kill 2", { code: 0, doubtsStay: false, killedPid: k2.pid });
    }
    await s.expectExactlyOnce(N);
  }

  /** Standard queue: a kill inside a ReceiveMessage (after batch 1): the rerun waits for those messages, then moves everything. */
  async function standardReceiveChain(report: string[]): Promise<void> {
    const s = await new Scenario(standardReceive, "krecv", false).setUp(40);
    const k1 = await killPoint(s, report, "kill 1 (batch 2's receive)", { record: "receiving", occurrence: 2 });
    await rerun(s, report, "rerun after kill 1", { code: 0, doubtsStay: false, killedPid: k1.pid });
    await s.expectExactlyOnce(40);
  }

  /** FIFO, normal window: kill on SendMessageBatch first (the rerun resends with the same deduplication id: dropped), then Receive and Delete. */
  async function fifoChain(report: string[]): Promise<void> {
    const s = await new Scenario(fifo, "kfifo", true).setUp(N);
    const k1 = await killPoint(s, report, "kill 1 (batch 1's send)", {
      record: "sending",
      occurrence: 1,
      mustHit: true,
    });
    const k2 = await killPoint(s, report, "kill 2 (rerun's batch 3, receive)", {
      record: "receiving",
      occurrence: 3,
      killedBefore: k1.pid,
    });
    const k3 = await killPoint(s, report, "kill 3 (next rerun's batch 2, delete)", {
      record: "sent",
      occurrence: 2,
      killedBefore: k2.pid,
    });
    await rerun(s, report, "rerun after kill 3", { code: 0, doubtsStay: false, killedPid: k3.pid });
    await s.expectExactlyOnce(N);
  }

  /** FIFO after the 5-minute window, on a moto without deduplication: the copies in doubt are not resent, the operator answers. */
  async function fifoAfterWindow(report: string[]): Promise<void> {
    const s = await new Scenario(fifoNoDedup, "klate", true).setUp(N);
    const k1 = await killPoint(s, report, "kill 1 (batch 2's send)", {
      record: "sending",
      occurrence: 2,
      mustHit: true,
    });
    ageJournal(s.journalFile);
    report.push(`klate: journal aged by 6 minutes`);
    if (k1.call === "SendMessageBatch") {
      await rerun(s, report, "rerun 6 min later (journal time)", { code: 7, doubtsStay: true, killedPid: k1.pid });
      const answer = await inDoubtAnswer(s, N);
      await rerun(s, report, `rerun with --in-doubt ${answer}`, {
        code: 0,
        doubtsStay: false,
        extra: ["--in-doubt", answer],
      });
    } else {
      await rerun(s, report, "rerun 6 min later (journal time)", { code: 0, doubtsStay: false, killedPid: k1.pid });
    }
    await s.expectExactlyOnce(N);
  }

  test("standard (delete, send; receive), FIFO within the window (send, receive, delete), FIFO after it on a moto without deduplication (send)", async () => {
    const report: string[] = [];
    const chains = [standardChain, standardReceiveChain, fifoChain, fifoAfterWindow];
    const results = await Promise.allSettled(chains.map((chain) => chain(report)));
    console.log(`kill points:\n${report.join("\n")}`);
    const failures = results
      .filter((r): r is PromiseRejectedResult => r.status === "rejected")
      .map((r) => r.reason as Error);
    if (failures.length > 0) {
      dumpRuns(scenarios.filter((s) => ["kstd", "krecv", "kfifo", "klate"].includes(s.service)));
      throw new Error(failures.map((e) => e.message).join("\n\n=====\n\n"));
    }
    // Each queue type had a kill while SQS was taking the copies.
    expect(report.filter((l) => /^kstd .*kill -9 while blocked on SendMessageBatch/.test(l))).toHaveLength(1);
    expect(report.filter((l) => /^kfifo .*kill -9 while blocked on SendMessageBatch/.test(l))).toHaveLength(1);
    expect(report.filter((l) => /^klate .*kill -9 while blocked on SendMessageBatch/.test(l))).toHaveLength(1);
  }, 150_000);
});

const LOCK_LINE =
  /^dlq: a redrive of (\S+) is running: pid (\d+) on (\S+) \(user ([^)]+)\) since (\S+) \((\d+ (?:s|min|h) ago)\); wait for it to end, or if that process is gone remove (\S+\.lock)$/;

describe("one redrive at a time, Ctrl-C, a stalled endpoint, the copy rate", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await motoServer();
  }, 60_000);

  test("two redrives started together: one refuses with the lock line (exit 5), the other moves everything; purge during it refuses (exit 5)", async () => {
    const s = await new Scenario(moto, "twice", false).setUp(40);
    // 40 copies at 20 per second: the winner holds the lock for about 2 s.
    const [a, b] = [
      s.dlq("redrive", "--client-side", "--max-per-second", "20"),
      s.dlq("redrive", "--client-side", "--max-per-second", "20"),
    ];
    const first = await Promise.race([a.exited.then(() => a), b.exited.then(() => b)]);
    const winner = first === a ? b : a;
    const loser = first;
    expect({ code: (await loser.exited).code, err: loser.stderr }).toEqual({
      code: 5,
      err: [expect.stringMatching(LOCK_LINE)],
    });
    const [, dlqName, pid, host, , since, , lockFile] = LOCK_LINE.exec(loser.stderr[0])!;
    expect({ dlqName, pid: Number(pid), host }).toEqual({ dlqName: "twice-dlq", pid: winner.pid, host: os.hostname() });
    expect(Number.isNaN(Date.parse(since))).toBe(false);
    expect(lockFile).toBe(path.join(s.stateDir, "redrive", `us-east-1_${MOTO_ACCOUNT_ID}_twice-dlq.lock`));
    // Purge while the winner runs.
    expect(winner.done).toBe(false);
    const purge = s.dlq("purge", "--yes");
    const purged = await purge.exit(30_000);
    expect({ code: purged.code, err: purge.stderr }).toEqual({ code: 5, err: [expect.stringMatching(LOCK_LINE)] });
    expect(winner.done).toBe(false); // the refusal happened while the redrive ran
    const won = await winner.exit(60_000);
    expect({ code: won.code, out: winner.stdout.at(-1) }).toEqual({
      code: 0,
      out: "redrive complete: 40 of 40 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue",
    });
    expect(fs.existsSync(lockFile)).toBe(false);
    await s.expectExactlyOnce(40);
  }, 60_000);

  test("Ctrl-C mid-redrive: exit 130, a true STOPPED summary, nothing left in flight; a rerun finishes exactly once", async () => {
    const s = await new Scenario(moto, "ctrlc", false).setUp(60);
    const cli = s.dlq("redrive", "--client-side", "--max-per-second", "10");
    await cli.waitForLine(/^redrive \(client side\): 20 of 60 moved/, { stream: "stderr", timeoutMs: 30_000 });
    cli.signal("SIGINT");
    const exit = await cli.exit(30_000);
    const inFlight = (await s.depth(s.dlqUrl)).inFlight;
    expect({ code: exit.code, inFlight }).toEqual({ code: 130, inFlight: 0 });
    expect(cli.stderr).toContainEqual(expect.stringMatching(/^stopping: /));
    const stopped = summaryOf(cli);
    const inQueue = (await s.depth(s.queueUrl)).total;
    const inDlq = (await s.depth(s.dlqUrl)).total;
    expect(stopped).toMatchObject({ word: "STOPPED", target: 60, moved: inQueue, still: inDlq, failed: 0, inDoubt: 0 });
    expect(stopped.moved).toBeLessThan(60); // stopped mid-way, not at the end
    expect(inQueue + inDlq).toBe(60);
    const again = s.dlq("redrive", "--client-side");
    expect((await again.exit(60_000)).code).toBe(0);
    expect(again.stdout.at(-1)).toBe(
      `redrive complete: ${inDlq} of ${inDlq} moved, 0 failed, 0 skipped, 0 still in the dead-letter queue`,
    );
    await s.expectExactlyOnce(60);
  }, 90_000);

  test("a 40 s stall of the endpoint: a waiting line within 15 s, then the run ends complete, exactly once", async () => {
    const s = await new Scenario(moto, "stall", false).setUp(30);
    const cli = s.dlq("redrive", "--client-side", "--max-per-second", "10");
    await cli.waitForLine(/^redrive \(client side\): 10 of 30 moved/, { stream: "stderr", timeoutMs: 30_000 });
    const from = cli.lines.length;
    moto.freeze();
    const frozenAt = Date.now();
    let waiting;
    try {
      waiting = await cli.waitForLine(WAITING, { stream: "stderr", from, timeoutMs: 15_000 });
      await new Promise((resolve) => setTimeout(resolve, 40_000 - (Date.now() - frozenAt)));
    } finally {
      moto.resume();
    }
    console.log(`stall: "${waiting.text}" ${((waiting.at - frozenAt) / 1000).toFixed(1)} s after the freeze`);
    expect(waiting.at - frozenAt).toBeLessThan(15_000);
    const exit = await cli.exit(60_000);
    expect({ code: exit.code, out: cli.stdout.at(-1), transcript: exit.code === 0 ? "" : cli.transcript() }).toEqual({
      code: 0,
      out: "redrive complete: 30 of 30 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue",
      transcript: "",
    });
    await s.expectExactlyOnce(30);
  }, 90_000);

  test("--client-side --max-per-second 5 on 40 messages takes at least 7 s", async () => {
    const s = await new Scenario(moto, "paced", false).setUp(40);
    const cli = s.dlq("redrive", "--client-side", "--max-per-second", "5");
    const exit = await cli.exit(60_000);
    console.log(`--max-per-second 5, 40 messages: ${(exit.ms / 1000).toFixed(1)} s from spawn to exit`);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeGreaterThanOrEqual(7_000);
    await s.expectExactlyOnce(40);
  }, 60_000);
});
