import type { SQSClient } from "@aws-sdk/client-sqs";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DlqError, EXIT } from "../tools/dlq/errors";
import { RedriveJournal, dlqKey, replay } from "../tools/dlq/journal";
import { newTally, type ClientSideRedriveTally } from "../tools/dlq/redrive-client-side";
import { clientSideComplete, clientSideRedriveCommand, redriveSummaryLine } from "../tools/dlq/redrive-command";
import { ORDERS_QUEUES, stubSqs, type Handler } from "./helpers/stub-sqs";
import type { WorkerQueues } from "../tools/dlq/resolve";

// `redrive --client-side` as the CLI runs it (tools/dlq/redrive-command.ts): the lock around the
// run, the summary line however it ends, and the exit code, against stub SQS clients.

const queues: WorkerQueues = ORDERS_QUEUES;

/** GetQueueAttributes answers: one per call, the last one repeated. */
function counters(...answers: [visible: number, inFlight: number][]): Handler {
  let n = 0;
  return () => {
    const [visible, inFlight] = answers[Math.min(n++, answers.length - 1)];
    return {
      Attributes: {
        ApproximateNumberOfMessages: String(visible),
        ApproximateNumberOfMessagesNotVisible: String(inFlight),
        ApproximateNumberOfMessagesDelayed: "0",
      },
    };
  };
}

const message = (id: string) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: `{"id":"${id}"}` });
const receiveOnce = (...ids: string[]): Handler => {
  let given = false;
  return () => {
    if (given) return { Messages: [] };
    given = true;
    return { Messages: ids.map(message) };
  };
};
const acceptAll: Handler = (input) => ({
  Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `copy-${e.Id}-${Math.random()}` })),
});
const okAll: Handler = (input) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id })) });

let folder: string;
let env: Record<string, string>;
let lockFile: string;
let journalFile: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "redrive-command-"));
  env = { SQS_WORKER_STATE_DIR: folder };
  lockFile = path.join(folder, "redrive", `${dlqKey(queues.dlqArn)}.lock`);
  journalFile = path.join(folder, "redrive", `${dlqKey(queues.dlqArn)}.journal`);
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Runs the command; returns its stdout, stderr lines and the error it threw (undefined when it ended with exit 0). */
async function runCommand(
  sqs: SQSClient,
  sendClient: SQSClient = sqs,
  options: { inDoubt?: "delivered" | "resend" } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  let error: DlqError | undefined;
  try {
    await clientSideRedriveCommand(
      { sqs, sendClient },
      queues,
      { service: "orders", env, ...options },
      (l) => out.push(l),
      (l) => err.push(l),
    );
  } catch (e) {
    error = e as DlqError;
  }
  return { out, err, error };
}

const journalState = () => replay(fs.readFileSync(journalFile, "utf8").split("\n"), Date.now());

test("a complete run prints `redrive complete`, exits 0, leaves the journal with nothing open and releases the lock", async () => {
  const sqs = stubSqs({
    GetQueueAttributesCommand: counters([2, 0], [0, 0]),
    ReceiveMessageCommand: receiveOnce("a", "b"),
    DeleteMessageBatchCommand: okAll,
  });
  const send = stubSqs({ SendMessageBatchCommand: acceptAll });
  const { out, error } = await runCommand(sqs.client, send.client);
  expect(error).toBeUndefined();
  expect(out).toEqual(["redrive complete: 2 of 2 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue"]);
  expect(send.calls.map((c) => c.command)).toEqual(["SendMessageBatchCommand"]); // copies go through the send client
  expect(sqs.calls.map((c) => c.command)).not.toContain("SendMessageBatchCommand");
  expect(fs.existsSync(lockFile)).toBe(false);
  const state = journalState();
  expect([state.copied.size, state.inDoubt.size, state.held.size, state.receivingUntil]).toEqual([0, 0, 0, undefined]);
});

test("SQS not answering a SendMessageBatch: one `redrive GAVE UP` line on stdout, without the DLQ count it could not take, and exit 9", async () => {
  const sqs = stubSqs({
    GetQueueAttributesCommand: counters([3, 0]),
    ReceiveMessageCommand: receiveOnce("a", "b", "c"),
  });
  const send = stubSqs({
    SendMessageBatchCommand: () => {
      throw Object.assign(
        new Error("@smithy/node-http-handler - [ERROR] a request has exceeded the configured 60000 ms requestTimeout."),
        { name: "TimeoutError" },
      );
    },
  });
  const { out, err, error } = await runCommand(sqs.client, send.client);
  expect(out).toEqual(["redrive GAVE UP: 0 of 3 moved, 0 failed, 0 skipped, 3 in doubt"]);
  expect(out[0]).not.toContain("still in the dead-letter queue");
  expect(error).toBeInstanceOf(DlqError);
  expect(error!.exitCode).toBe(EXIT.timeout);
  expect(error!.message).toMatch(
    /^SQS did not answer within 60 s; nothing is lost: run the same command again when SQS answers; it reads the journal .* and asks about the copies in doubt$/,
  );
  expect(error!.message).toContain(journalFile);
  expect(err).toContain(
    "3 messages this run held return to the dead-letter queue within 30 s (the next run releases them at once)",
  );
  // Nothing was deleted without a confirmed copy; the journal has the three in doubt for the next run.
  expect(sqs.calls.map((c) => c.command)).not.toContain("DeleteMessageBatchCommand");
  expect([...journalState().inDoubt.keys()].sort()).toEqual(["a", "b", "c"]);
  expect(fs.existsSync(lockFile)).toBe(false);
});

test("an empty DLQ: exit 4, no summary line, the lock released", async () => {
  const sqs = stubSqs({ GetQueueAttributesCommand: counters([0, 0]) });
  const { out, error } = await runCommand(sqs.client);
  expect(error).toMatchObject({ exitCode: EXIT.empty, message: "the dead-letter queue is empty: nothing to redrive" });
  expect(out).toEqual([]);
  expect(fs.existsSync(lockFile)).toBe(false);
  expect(sqs.calls.map((c) => c.command)).toEqual(["GetQueueAttributesCommand"]);
});

describe("another live process holds the lock", () => {
  let holder: ChildProcess;
  beforeEach(() => {
    holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  });
  afterEach(() => {
    holder.kill();
  });

  test("exit 5, one line naming it, no AWS call, and its lock left in place", async () => {
    const since = new Date(Date.now() - 4 * 60_000).toISOString();
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    const lock = JSON.stringify({ pid: holder.pid, host: os.hostname(), user: "carol", since, command: "redrive" });
    fs.writeFileSync(lockFile, lock);
    const sqs = stubSqs({});
    const { out, err, error } = await runCommand(sqs.client);
    expect(error).toBeInstanceOf(DlqError);
    expect(error!.exitCode).toBe(EXIT.busy);
    expect(error!.message).toBe(
      `a redrive of orders-dlq is running: pid ${holder.pid} on ${os.hostname()} (user carol) since ${since} (4 min ago); wait for it to end, or if that process is gone remove ${lockFile}`,
    );
    expect(sqs.calls).toEqual([]);
    expect(out).toEqual([]);
    expect(err).toEqual([]);
    expect(fs.readFileSync(lockFile, "utf8")).toBe(lock);
    expect(fs.existsSync(journalFile)).toBe(false); // the journal is not touched either
  });
});

test("copies left in doubt by a stopped run (standard queue): not copied, not deleted, `INCOMPLETE … in doubt`, exit 7", async () => {
  const before = RedriveJournal.open(folder, queues.dlqArn);
  before.sending(["a"], Date.now() - 60_000);
  before.close();
  const sqs = stubSqs({
    GetQueueAttributesCommand: counters([1, 0]),
    ReceiveMessageCommand: receiveOnce("a"),
    ChangeMessageVisibilityBatchCommand: okAll,
  });
  const { out, err, error } = await runCommand(sqs.client);
  expect(out).toEqual([
    "redrive INCOMPLETE: 0 of 1 moved, 0 failed, 0 skipped, 1 still in the dead-letter queue, 1 in doubt",
  ]);
  expect(err).toContain(
    "journal: 1 copies were being sent when a run stopped, and SQS may or may not have taken them; 1 stay in the dead-letter queue until you answer with --in-doubt delivered or --in-doubt resend",
  );
  expect(error).toBeInstanceOf(DlqError);
  expect(error!.exitCode).toBe(EXIT.incomplete);
  expect(error!.message).toMatch(/^1 messages are in doubt: .*--in-doubt delivered .*--in-doubt resend /);
  const commands = sqs.calls.map((c) => c.command);
  expect(commands).not.toContain("SendMessageBatchCommand");
  expect(commands).not.toContain("DeleteMessageBatchCommand");
  // Given back to the DLQ at once.
  expect(
    sqs.calls.filter((c) => c.command === "ChangeMessageVisibilityBatchCommand").flatMap((c) => c.input.Entries),
  ).toEqual([{ Id: "0", ReceiptHandle: "rh-a", VisibilityTimeout: 0 }]);
  expect([...journalState().inDoubt.keys()]).toEqual(["a"]); // still in doubt for the next run
  expect(fs.existsSync(lockFile)).toBe(false);
});

test("--in-doubt delivered: the original is deleted without a copy, counted as copied by the stopped run, exit 0", async () => {
  const before = RedriveJournal.open(folder, queues.dlqArn);
  before.sending(["a"], Date.now() - 60_000);
  before.close();
  const sqs = stubSqs({
    GetQueueAttributesCommand: counters([1, 0], [0, 0]),
    ReceiveMessageCommand: receiveOnce("a"),
    DeleteMessageBatchCommand: okAll,
  });
  const { out, error } = await runCommand(sqs.client, sqs.client, { inDoubt: "delivered" });
  expect(error).toBeUndefined();
  expect(out).toEqual([
    "redrive complete: 1 of 1 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue (1 copied by the stopped run)",
  ]);
  expect(sqs.calls.map((c) => c.command)).not.toContain("SendMessageBatchCommand");
  expect(
    sqs.calls
      .filter((c) => c.command === "DeleteMessageBatchCommand")
      .flatMap((c) => c.input.Entries.map((e) => e.ReceiptHandle)),
  ).toEqual(["rh-a"]);
  expect(journalState().inDoubt.size).toBe(0);
});

test("a stale lock of a process that is gone is cleared with a notice, and the run goes on", async () => {
  const gone = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => gone.on("exit", resolve));
  const since = new Date(Date.now() - 600_000).toISOString();
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  fs.writeFileSync(
    lockFile,
    JSON.stringify({ pid: gone.pid, host: os.hostname(), user: "carol", since, command: "redrive" }),
  );
  const sqs = stubSqs({ GetQueueAttributesCommand: counters([0, 0]) });
  const { err, error } = await runCommand(sqs.client);
  expect(err).toEqual([`lock: cleared a stale hold by pid ${gone.pid} (no longer running) since ${since}`]);
  expect(error).toMatchObject({ exitCode: EXIT.empty });
  expect(fs.existsSync(lockFile)).toBe(false);
});

test("Ctrl-C: the current call finishes and the accepted copies' originals are deleted, then `redrive STOPPED`, exit 130", async () => {
  const listeners = process.listenerCount("SIGINT");
  const sqs = stubSqs({
    GetQueueAttributesCommand: counters([5, 0], [3, 0]),
    ReceiveMessageCommand: receiveOnce("a", "b"),
    DeleteMessageBatchCommand: okAll,
    ChangeMessageVisibilityBatchCommand: okAll,
  });
  const send = stubSqs({
    SendMessageBatchCommand: (input) => {
      process.emit("SIGINT"); // the engineer presses Ctrl-C while SQS takes the copies
      return acceptAll(input);
    },
  });
  const { out, err, error } = await runCommand(sqs.client, send.client);
  expect(err.filter((l) => l.startsWith("stopping: "))).toHaveLength(1);
  expect(out).toEqual(["redrive STOPPED: 2 of 5 moved, 0 failed, 0 skipped, 3 still in the dead-letter queue"]);
  expect(error).toMatchObject({ exitCode: EXIT.interrupted });
  expect(
    sqs.calls
      .filter((c) => c.command === "DeleteMessageBatchCommand")
      .flatMap((c) => c.input.Entries.map((e) => e.ReceiptHandle)),
  ).toEqual(["rh-a", "rh-b"]);
  expect(sqs.calls.filter((c) => c.command === "ReceiveMessageCommand")).toHaveLength(1); // no receive after the stop
  expect(process.listenerCount("SIGINT")).toBe(listeners); // its Ctrl-C handler is gone
  expect(fs.existsSync(lockFile)).toBe(false);
});

describe("the summary line", () => {
  const tally = (counts: Partial<ClientSideRedriveTally>): ClientSideRedriveTally => ({ ...newTally(), ...counts });

  test("the four counts always, each optional clause only when not zero", () => {
    expect(redriveSummaryLine("complete", tally({ target: 25, moved: 25 }))).toBe(
      "redrive complete: 25 of 25 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue",
    );
    expect(
      redriveSummaryLine(
        "INCOMPLETE",
        tally({ target: 9, moved: 4, failed: 2, skipped: 1, stillInDlq: 5, inDoubt: 3 }),
      ),
    ).toBe("redrive INCOMPLETE: 4 of 9 moved, 2 failed, 1 skipped, 5 still in the dead-letter queue, 3 in doubt");
    expect(redriveSummaryLine("INCOMPLETE", tally({ target: 4, moved: 4, stillInDlq: 2, elsewhere: 2 }))).toBe(
      "redrive INCOMPLETE: 4 of 4 moved, 0 failed, 0 skipped, 2 still in the dead-letter queue, 2 in flight with another reader",
    );
    expect(redriveSummaryLine("complete", tally({ target: 10, moved: 10, fromJournal: 3 }))).toBe(
      "redrive complete: 10 of 10 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue (3 copied by the stopped run)",
    );
    expect(
      redriveSummaryLine(
        "STOPPED",
        tally({ target: 30, moved: 12, skipped: 1, stillInDlq: 18, inDoubt: 1, elsewhere: 4, fromJournal: 2 }),
      ),
    ).toBe(
      "redrive STOPPED: 12 of 30 moved, 0 failed, 1 skipped, 18 still in the dead-letter queue, 1 in doubt, 4 in flight with another reader (2 copied by the stopped run)",
    );
  });

  test("not counted (AWS stopped answering): no DLQ count and no in-flight count, which would be guesses", () => {
    expect(
      redriveSummaryLine(
        "GAVE UP",
        tally({ target: 30, moved: 10, stillInDlq: 20, elsewhere: 7, inDoubt: 10, fromJournal: 1 }),
        false,
      ),
    ).toBe("redrive GAVE UP: 10 of 30 moved, 0 failed, 0 skipped, 10 in doubt (1 copied by the stopped run)");
    expect(redriveSummaryLine("GAVE UP", tally({}), false)).toBe("redrive GAVE UP: 0 of 0 moved, 0 failed, 0 skipped");
  });
});

describe("clientSideComplete", () => {
  const done = { ...newTally(), target: 5, moved: 5 };
  test.each<[string, boolean, Partial<ClientSideRedriveTally>]>([
    ["everything moved", true, {}],
    ["more moved than the target (the stopped run's originals)", true, { moved: 6 }],
    ["an empty target", true, { target: 0, moved: 0 }],
    ["one fewer moved", false, { moved: 4 }],
    ["a failed copy", false, { failed: 1 }],
    ["a copy in doubt", false, { inDoubt: 1 }],
    ["an original whose delete failed", false, { originalsLeft: 1 }],
    ["messages with another reader (not the stopped run's)", true, { elsewhere: 3 }],
    ["an interrupted receive, with nothing in flight at the end", true, { receiveInterrupted: true }],
    [
      "an interrupted receive, with messages still in flight at the end",
      false,
      { receiveInterrupted: true, elsewhere: 3 },
    ],
    ["skipped copies that failed back", true, { skipped: 2 }],
  ])("%s → %p", (_, expected, counts) => {
    expect(clientSideComplete({ ...done, ...counts })).toBe(expected);
  });
});

describe("what an operator reads after a client-side redrive", () => {
  const tally = (counts: Partial<ClientSideRedriveTally>): ClientSideRedriveTally => ({ ...newTally(), ...counts });

  test("copies in doubt sent again on --in-doubt resend are counted as possible duplicates", () => {
    expect(redriveSummaryLine("complete", tally({ target: 3, moved: 3, resent: 2 }))).toBe(
      "redrive complete: 3 of 3 moved, 0 failed, 0 skipped, 0 still in the dead-letter queue, 2 in doubt sent again (each a duplicate if its first copy had arrived)",
    );
  });

  test("messages in flight after an interrupted receive are not called another reader's", () => {
    expect(
      redriveSummaryLine("STOPPED", tally({ target: 10, stillInDlq: 10, elsewhere: 10, receiveInterrupted: true })),
    ).toContain("10 in flight (received by the stopped run, or another reader)");
    expect(redriveSummaryLine("STOPPED", tally({ target: 10, stillInDlq: 10, elsewhere: 10 }))).toContain(
      "10 in flight with another reader",
    );
  });

  test("a purge forgets the journal, so a rerun does not report purged messages held or in doubt", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "forget-"));
    const arn = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
    const journal = RedriveJournal.open(folder, arn, 1000);
    journal.received({ a: "rh-a" }, 1000);
    journal.sending(["a"], 1000);
    journal.close();
    expect(RedriveJournal.open(folder, arn, 2000).found.inDoubt.size).toBe(1);
    expect(RedriveJournal.forget(folder, arn)).toBe(true);
    expect(RedriveJournal.forget(folder, arn)).toBe(false);
    const after = RedriveJournal.open(folder, arn, 3000);
    expect([after.found.inDoubt.size, after.found.held.size, after.found.copied.size]).toEqual([0, 0, 0]);
    after.close();
  });
});
