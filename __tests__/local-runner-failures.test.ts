import * as fs from "fs";
import * as path from "path";
import { bundleLambda } from "../modules/internal";
import { ExecutionEnvironment } from "../tools/local-runner/execution-environment";
import {
  WORKER_LOCAL_EXIT,
  exitCodeFor,
  failedBatchLine,
  failedRecordLine,
  summaryLine,
} from "../tools/local-runner/run-report";
import { LocalRunner } from "../tools/local-runner/runner";
import { readZip } from "../tools/local-runner/zip-reader";
import { FakeSqsQueue } from "./helpers/fake-sqs-queue";
import { RECORD_FAILURE_WORKER, fixtureWorker, waitFor } from "./helpers/local-runner-fixture";
import { tempDirsRemovedAfterAll } from "./helpers/synth";

// The runner must be honest about failures: each failed record printed with its id and the
// error its worker logged, dead-lettering named, and an exit status that says records failed.

const temp = tempDirsRemovedAfterAll();
const fixtureSource = fs.readFileSync(RECORD_FAILURE_WORKER, "utf8");

function runnerOn(queue: FakeSqsQueue, options: { releaseFailed?: boolean; maxReceiveCount?: number } = {}) {
  const lines: string[] = [];
  const runner = new LocalRunner({
    sqs: queue.client,
    queueUrl: queue.queueUrl,
    region: "us-east-1",
    waitTimeSeconds: 0,
    releaseFailed: options.releaseFailed,
    worker: fixtureWorker(
      temp("failures"),
      fixtureSource,
      "maxReceiveCount" in options ? { maxReceiveCount: options.maxReceiveCount } : {},
    ),
    log: (line) => lines.push(line),
  });
  return { runner, lines };
}

describe("failed records", () => {
  test("each is printed with its message id and the error its worker logged, or 'no reason logged'; the last receive says dead-lettered; exit 4", async () => {
    const queue = new FakeSqsQueue(2);
    queue.send(["ok-1", {}], ["poison", { fail: "poison message" }], ["silent", { failSilently: true }]);
    const { runner, lines } = runnerOn(queue, { releaseFailed: true });
    await runner.start();
    try {
      await waitFor(runner, () => queue.empty);
    } finally {
      await runner.stop();
    }
    expect(lines.filter((line) => line.includes(" record "))).toEqual([
      "run fx: record poison failed (receive 1 of 2): Error: poison message",
      "run fx: record silent failed (receive 1 of 2): no reason logged",
      "run fx: record poison failed (receive 2 of 2, its last: dead-lettered): Error: poison message",
      "run fx: record silent failed (receive 2 of 2, its last: dead-lettered): no reason logged",
    ]);
    expect(queue.deadLettered).toEqual(["poison", "silent"]);
    expect(runner.stats).toMatchObject({
      records: 5,
      batches: 2,
      deleted: 1,
      failedRecords: 4,
      failedMessages: 2,
      deadLettered: 2,
    });
    expect(exitCodeFor(runner.stats)).toBe(WORKER_LOCAL_EXIT.recordsFailed);
    expect(summaryLine("fx", "stopped by Ctrl-C", runner.stats)).toBe(
      "run fx: stopped by Ctrl-C: 5 records in 2 batches, 1 deleted, 4 failed receives of 2 messages (2 dead-lettered); exit 4 (records failed)",
    );
  });

  test("a whole failed batch keeps its reason line; its records show their own logged error, else the batch's", async () => {
    const queue = new FakeSqsQueue(2);
    queue.send(["a", { fail: "bad a" }], ["b", { throw: "kaput" }], ["c", {}]);
    const { runner, lines } = runnerOn(queue);
    await runner.start();
    try {
      await waitFor(runner, () => runner.stats.batches === 1);
    } finally {
      await runner.stop();
    }
    expect(lines.filter((line) => !line.includes("polling"))).toEqual([
      "run fx: batch of 3 failed whole (Error): kaput",
      "run fx: record a failed (receive 1 of 2): Error: bad a",
      "run fx: record b failed (receive 1 of 2): kaput",
      "run fx: record c failed (receive 1 of 2): kaput",
    ]);
    expect(runner.stats).toMatchObject({
      failedBatches: 1,
      failedRecords: 3,
      failedMessages: 3,
      deadLettered: 0,
      deleted: 0,
    });
    expect(exitCodeFor(runner.stats)).toBe(WORKER_LOCAL_EXIT.recordsFailed);
  });

  test("a run without failures exits 0 and says so", async () => {
    const queue = new FakeSqsQueue(2);
    queue.send(["x", {}], ["y", {}]);
    const { runner, lines } = runnerOn(queue);
    await runner.start();
    try {
      await waitFor(runner, () => queue.empty);
    } finally {
      await runner.stop();
    }
    expect(lines.filter((line) => !line.includes("polling"))).toEqual([]);
    expect(exitCodeFor(runner.stats)).toBe(WORKER_LOCAL_EXIT.ok);
    expect(summaryLine("fx", "queue empty (--until-empty)", runner.stats)).toBe(
      "run fx: queue empty (--until-empty): 2 records in 1 batch, 2 deleted, none failed; exit 0 (clean)",
    );
  });

  test("dead-lettering follows the live queue's maxReceiveCount, the stack's when the queue gives none", async () => {
    const live = new FakeSqsQueue(1);
    live.send(["p", { fail: "no" }]);
    const first = runnerOn(live, { maxReceiveCount: 5 });
    await first.runner.start();
    await waitFor(first.runner, () => first.runner.stats.batches === 1).finally(() => first.runner.stop());
    expect(first.lines).toContainEqual("run fx: record p failed (receive 1 of 1, its last: dead-lettered): Error: no");

    const noPolicy = new FakeSqsQueue(undefined);
    noPolicy.send(["p", { fail: "no" }]);
    const second = runnerOn(noPolicy, { maxReceiveCount: 5 });
    await second.runner.start();
    await waitFor(second.runner, () => second.runner.stats.batches === 1).finally(() => second.runner.stop());
    expect(second.lines).toContainEqual("run fx: record p failed (receive 1 of 5): Error: no");
  });

  test("a FIFO record held back behind a failed message of its group says it did not run, and the summary counts it apart", () => {
    const reason =
      "HeldBackError: held back: message A1 of group A failed earlier in this batch; it runs after that message succeeds or is dead-lettered";
    expect(failedRecordLine("fx", { messageId: "A2", receiveCount: 1, maxReceiveCount: 3, reason })).toBe(
      "run fx: record A2 held back, not run (receive 1 of 3): message A1 of group A failed earlier in this batch; it runs after that message succeeds or is dead-lettered",
    );
    const counts = {
      batches: 1,
      records: 3,
      deleted: 1,
      failedRecords: 2,
      failedMessages: 2,
      deadLettered: 0,
      heldBack: 1,
      failedBatches: 0,
      timedOutBatches: 0,
      deleteErrors: 0,
    };
    expect(summaryLine("fx", "stopped by Ctrl-C", counts)).toBe(
      "run fx: stopped by Ctrl-C: 3 records in 1 batch, 1 deleted, 2 failed receives of 2 messages (0 dead-lettered, 1 of them held back behind a failed message of their FIFO group); exit 4 (records failed)",
    );
  });

  test("a batch that failed whole because every record failed on its own does not repeat their reasons, which follow one per record", () => {
    const error = { name: "FullBatchFailureError", message: "All records failed processing. Record errors: a; b" };
    expect(failedBatchLine("fx", 2, error, true)).toBe(
      "run fx: batch of 2 failed whole (FullBatchFailureError): every record failed, each reason below",
    );
    expect(failedBatchLine("fx", 2, error)).toBe(
      "run fx: batch of 2 failed whole (FullBatchFailureError): All records failed processing. Record errors: a; b",
    );
  });

  test("without a known maxReceiveCount the line says so instead of guessing", () => {
    expect(
      failedRecordLine("fx", { messageId: "m", receiveCount: 3, maxReceiveCount: undefined, reason: "Error: x" }),
    ).toBe("run fx: record m failed (receive 3 of ? (maxReceiveCount unknown)): Error: x");
  });
});

describe("the execution environment's capture of record-failed lines", () => {
  async function invokeFixture(source: string, event: unknown) {
    const codeDir = temp("capture");
    fs.writeFileSync(path.join(codeDir, "index.js"), source);
    const env = new ExecutionEnvironment({
      codeDir,
      handler: "index.handler",
      functionName: "t",
      memorySizeMb: 128,
      timeoutSeconds: 10,
      environment: {},
    });
    try {
      return await env.invoke(event);
    } finally {
      await env.shutdown();
    }
  }
  const record = (messageId: string, body: unknown) => ({
    messageId,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: "1" },
  });

  test("returns each failed record's logged error with the outcome, and nothing for records that logged none", async () => {
    const outcome = await invokeFixture(fixtureSource, {
      Records: [
        record("ok", {}),
        record("bad", { fail: "poison message 3 failed on attempt 1" }),
        record("quiet", { failSilently: true }),
      ],
    });
    expect(outcome).toEqual({
      ok: true,
      result: { batchItemFailures: [{ itemIdentifier: "bad" }, { itemIdentifier: "quiet" }] },
      recordErrors: { bad: "Error: poison message 3 failed on attempt 1" },
    });
  });

  test("reads only the contract line: other JSON, other events and lines outside an invocation are not reasons", async () => {
    const source = `
      console.error(JSON.stringify({ event: "record-failed", messageId: "at-init", error: "Error: logged at init" }));
      exports.handler = async () => {
        console.log(JSON.stringify({ event: "order-accepted", messageId: "m1" }));
        console.warn("record-failed", "m1");
        console.error(JSON.stringify({ event: "record-failed", error: "no id" }));
        console.warn(JSON.stringify({ event: "record-failed", messageId: "m2", error: "Error: first" }));
        console.error(JSON.stringify({ event: "record-failed", messageId: "m2", error: "Error: second" }));
        console.log(JSON.stringify({ event: "record-failed", messageId: "m3", error: "Error: two\\nlines", receiveCount: 1 }));
        return { batchItemFailures: [{ itemIdentifier: "m1" }, { itemIdentifier: "m2" }, { itemIdentifier: "m3" }] };
      };`;
    expect((await invokeFixture(source, {})).recordErrors).toEqual({ m2: "Error: first", m3: "Error: two lines" });
  });

  test("captures the real makeHandler's record-failed line (lambda-src/worker.ts)", async () => {
    const bundle = bundleLambda(path.join(__dirname, "fixtures", "test-worker.ts"), temp("capture-bundle"));
    const codeDir = temp("capture-real");
    for (const [name, data] of readZip(fs.readFileSync(bundle.zipPath)))
      fs.writeFileSync(path.join(codeDir, name), data);
    const env = new ExecutionEnvironment({
      codeDir,
      handler: "index.handler",
      functionName: "t",
      memorySizeMb: 128,
      timeoutSeconds: 10,
      environment: {},
    });
    const sqsRecord = (messageId: string, body: unknown) => ({
      ...record(messageId, body),
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q",
    });
    try {
      const outcome = await env.invoke({ Records: [sqsRecord("m1", {}), sqsRecord("m2", { fail: true })] });
      expect(outcome).toMatchObject({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "m2" }] } });
      expect(outcome.recordErrors).toEqual({ m2: "Error: message m2 asked to fail" });
    } finally {
      await env.shutdown();
    }
  });
});
