import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DlqError, EXIT } from "../tools/dlq/errors";
import { RedriveJournal } from "../tools/dlq/journal";
import {
  REDRIVE_VISIBILITY_SECONDS,
  redriveClientSide,
  type ClientSideRedriveOptions,
  type ClientSideRedriveTally,
} from "../tools/dlq/redrive-client-side";
import type { WorkerQueues } from "../tools/dlq/resolve";
import { Crash, FakeSqs } from "./helpers/fake-sqs";

// The client-side redrive stopped (kill -9) before or after every call it makes, then run again
// on the same journal: every message ends up exactly once in the source queue. The one state no
// journal can settle, a SendMessageBatch under way at the stop, is left in the DLQ as "in doubt"
// (standard queues, FIFO after SQS's 5-minute window): the test shows the journal looks the same
// whether the copies arrived or not, and that the operator's answer then makes it exactly once.

const MESSAGES = 23; // three receives of 10, 10 and 3

function queuesOf(fifo: boolean): WorkerQueues {
  const suffix = fifo ? ".fifo" : "";
  return {
    queueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/jobs-queue${suffix}`,
    queueArn: `arn:aws:sqs:us-east-1:123456789012:jobs-queue${suffix}`,
    dlqUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq${suffix}`,
    dlqArn: `arn:aws:sqs:us-east-1:123456789012:jobs-dlq${suffix}`,
    fifo,
    alarmName: "jobs-dlq-not-empty",
    alarmNames: ["jobs-dlq-not-empty"],
    logGroupName: "/aws/lambda/jobs-worker",
  };
}

/** A fake SQS with the pair of queues and MESSAGES bodies in the DLQ (FIFO: three groups). */
function world(fifo: boolean): { sqs: FakeSqs; queues: WorkerQueues } {
  const sqs = new FakeSqs();
  const queues = queuesOf(fifo);
  sqs.queue(queues.queueUrl, fifo);
  sqs.queue(queues.dlqUrl, fifo);
  for (let n = 0; n < MESSAGES; n++)
    sqs.add(queues.dlqUrl, `{"n":${n}}`, fifo ? { group: `g${n % 3}`, dedup: `d${n}` } : {});
  return { sqs, queues };
}

/** One run against the fake, with the journal in `folder`; a crash leaves the journal as a kill -9 would. */
async function run(
  sqs: FakeSqs,
  queues: WorkerQueues,
  folder: string,
  options: Partial<ClientSideRedriveOptions> = {},
): Promise<ClientSideRedriveTally | "crashed" | "nothing to do"> {
  const journal = RedriveJournal.open(folder, queues.dlqArn, sqs.now);
  const append = (journal as unknown as { append: (record: unknown) => void }).append.bind(journal);
  // A dead process writes nothing more: after the crash the journal refuses every record.
  (journal as unknown as { append: (record: unknown) => void }).append = (record) => {
    if (sqs.crashed) throw new Crash();
    append(record);
  };
  try {
    return await redriveClientSide(sqs.client(), queues, {
      journal,
      now: () => sqs.now,
      idleMs: 0,
      idlePollMs: 1,
      ...options,
    });
  } catch (error) {
    if (error instanceof Crash) return "crashed";
    if (error instanceof DlqError && error.exitCode === EXIT.empty) return "nothing to do"; // the stopped run had finished
    throw error;
  } finally {
    journal.close();
  }
}

/** How many copies of each original body are in the source queue, and what is left in the DLQ. */
function census(sqs: FakeSqs, queues: WorkerQueues): { copies: Map<string, number>; dlq: string[] } {
  const copies = new Map<string, number>();
  for (const m of sqs.queueMessages(queues.queueUrl)) copies.set(m.body, (copies.get(m.body) ?? 0) + 1);
  return { copies, dlq: sqs.queueMessages(queues.dlqUrl).map((m) => m.body) };
}

const allBodies = Array.from({ length: MESSAGES }, (_, n) => `{"n":${n}}`);

/** How many calls a run without a crash makes (the crash points to try). */
async function callsOfACleanRun(fifo: boolean): Promise<number> {
  const { sqs, queues } = world(fifo);
  const result = await run(sqs, queues, fs.mkdtempSync(path.join(os.tmpdir(), "redrive-clean-")));
  expect(result).not.toBe("crashed");
  return sqs.calls.length;
}

describe.each([
  ["a standard queue", false, 0],
  // FIFO, the rerun more than 5 minutes later and SQS deduplicating nothing: only the journal can prevent a second copy.
  ["a FIFO queue, rerun after the deduplication window", true, 6 * 60_000],
])("client-side redrive stopped at every call, %s", (_name, fifo, laterMs) => {
  test("every message exactly once after the rerun; a send under way at the stop is in doubt until the operator answers", async () => {
    const calls = await callsOfACleanRun(fifo);
    expect(calls).toBeGreaterThan(10);
    let inDoubtCases = 0;
    for (let call = 1; call <= calls; call++) {
      for (const when of ["before", "after"] as const) {
        const { sqs, queues } = world(fifo);
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "redrive-crash-"));
        sqs.crashAt = { call, when };
        expect(await run(sqs, queues, folder)).toBe("crashed");
        const stoppedIn = sqs.calls[call - 1];
        // The process is gone; time passes; a new one runs the same command.
        sqs.crashed = false;
        sqs.crashAt = undefined;
        sqs.now += laterMs + (REDRIVE_VISIBILITY_SECONDS + 1) * 1000;
        if (fifo) sqs.dedupWindowMs = 0;
        const result = await run(sqs, queues, folder);
        if (result === "crashed") throw new Error("the rerun crashed");
        const where = `stopped ${when} call ${call} (${stoppedIn})`;
        const rerun = result === "nothing to do" ? { inDoubt: 0, failed: 0, originalsLeft: 0 } : result;
        if (stoppedIn === "SendMessageBatchCommand") {
          // In doubt: before or after, the journal reads the same. The originals stay in the DLQ, untouched.
          inDoubtCases++;
          expect({ where, inDoubt: rerun.inDoubt }).toEqual({ where, inDoubt: expect.any(Number) as number });
          expect(rerun.inDoubt).toBeGreaterThan(0);
          const before = census(sqs, queues);
          // Standard: exactly the doubtful originals stay. FIFO: their groups' later messages stay behind them, in order.
          if (fifo) expect(before.dlq.length).toBeGreaterThanOrEqual(rerun.inDoubt);
          else expect(before.dlq.length).toBe(rerun.inDoubt);
          // The right answer depends on what SQS did, which only the source queue knows.
          const answer = when === "after" ? "delivered" : "resend";
          const resolved = await run(sqs, queues, folder, { inDoubt: answer });
          if (typeof resolved === "string") throw new Error(`the resolving run: ${resolved}`);
          expect({ where, inDoubt: resolved.inDoubt, failed: resolved.failed }).toEqual({
            where,
            inDoubt: 0,
            failed: 0,
          });
        } else {
          expect({ where, inDoubt: rerun.inDoubt, failed: rerun.failed, originalsLeft: rerun.originalsLeft }).toEqual({
            where,
            inDoubt: 0,
            failed: 0,
            originalsLeft: 0,
          });
        }
        const { copies, dlq } = census(sqs, queues);
        expect({ where, dlq }).toEqual({ where, dlq: [] });
        expect({ where, copies: [...copies.entries()].sort() }).toEqual({
          where,
          copies: allBodies.map((body) => [body, 1]).sort(),
        });
      }
    }
    expect(inDoubtCases).toBeGreaterThanOrEqual(2 * 3); // three sends, stopped before and after each
  });
});

test("FIFO, rerun within the deduplication window: a copy in doubt is resent with its deduplication id, and SQS drops it if the first arrived", async () => {
  for (const when of ["before", "after"] as const) {
    const { sqs, queues } = world(true);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "redrive-window-"));
    // Stop at the first SendMessageBatch of a clean run.
    const probe = world(true);
    await run(probe.sqs, probe.queues, fs.mkdtempSync(path.join(os.tmpdir(), "redrive-probe-")));
    const call = probe.sqs.calls.indexOf("SendMessageBatchCommand") + 1;
    expect(call).toBeGreaterThan(1);
    sqs.crashAt = { call, when };
    expect(await run(sqs, queues, folder)).toBe("crashed");
    sqs.crashed = false;
    sqs.crashAt = undefined;
    sqs.now += (REDRIVE_VISIBILITY_SECONDS + 1) * 1000; // well inside 5 minutes
    expect(await run(sqs, queues, folder)).toMatchObject({ inDoubt: 0, failed: 0 });
    const { copies, dlq } = census(sqs, queues);
    expect(dlq).toEqual([]);
    expect([...copies.entries()].sort()).toEqual(allBodies.map((body) => [body, 1]).sort());
  }
});
