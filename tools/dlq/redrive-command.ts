/**
 * `redrive --client-side` as the CLI runs it: under the DLQ's lock, with its journal, Ctrl-C as a
 * clean stop, and a summary line that is true however the run ends.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { PATIENCE, isNoAnswer } from "../shared/aws-patience";
import { docPath } from "../shared/package-docs";
import { DlqError, EXIT } from "./errors";
import { RedriveJournal, stateFolder } from "./journal";
import {
  REDRIVE_VISIBILITY_SECONDS,
  newTally,
  redriveClientSide,
  type ClientSideRedriveTally,
} from "./redrive-client-side";
import { acquireRedriveLock } from "./redrive-lock";
import type { WorkerQueues } from "./resolve";

/** How a redrive ended, as its summary line says it. */
export type RedriveOutcome = "complete" | "INCOMPLETE" | "STOPPED" | "GAVE UP";

/**
 * The summary line: `redrive complete: 25 of 25 moved, 0 failed, 0 skipped, 0 still in the
 * dead-letter queue`, with `, N in doubt`, `, N in flight with another reader` and
 * ` (N copied by the stopped run)` when they are not zero. Without `stillInDlq` (AWS stopped
 * answering, so the DLQ could not be counted) that part is left out rather than guessed.
 */
export function redriveSummaryLine(outcome: RedriveOutcome, tally: ClientSideRedriveTally, counted = true): string {
  const parts = [`${tally.moved} of ${tally.target} moved`, `${tally.failed} failed`, `${tally.skipped} skipped`];
  if (counted) parts.push(`${tally.stillInDlq} still in the dead-letter queue`);
  if (tally.inDoubt > 0) parts.push(`${tally.inDoubt} in doubt`);
  if (counted && tally.elsewhere > 0) {
    parts.push(
      tally.receiveInterrupted
        ? `${tally.elsewhere} in flight (received by the stopped run, or another reader)`
        : `${tally.elsewhere} in flight with another reader`,
    );
  }
  if (tally.resent > 0)
    parts.push(`${tally.resent} in doubt sent again (each a duplicate if its first copy had arrived)`);
  if (tally.originalsLeft > 0)
    parts.push(
      `${tally.originalsLeft} originals of moved copies left in the dead-letter queue (the next run deletes them)`,
    );
  const before = tally.fromJournal > 0 ? ` (${tally.fromJournal} copied by the stopped run)` : "";
  return `redrive ${outcome}: ${parts.join(", ")}${before}`;
}

/** True when the run moved everything it set out to move, with nothing in doubt or left behind. */
export function clientSideComplete(tally: ClientSideRedriveTally): boolean {
  const strandedByTheStoppedRun = tally.receiveInterrupted && tally.elsewhere > 0;
  return (
    tally.failed === 0 &&
    tally.inDoubt === 0 &&
    tally.originalsLeft === 0 &&
    !strandedByTheStoppedRun &&
    tally.moved >= tally.target
  );
}

/** What `redrive --client-side` needs from the command line. */
export interface ClientSideCommandOptions {
  readonly service: string;
  readonly inDoubt?: "delivered" | "resend";
  readonly maxPerSecond?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs a client-side redrive for the CLI: takes the DLQ's lock (exit 5 when another redrive or a
 * purge holds it), opens the journal, handles Ctrl-C (first: finish the current call, release,
 * summary, exit 130; second: quit at once), prints the summary, and throws a {@link DlqError}
 * with the exit code when the run did not complete.
 */
export async function clientSideRedriveCommand(
  clients: { readonly sqs: SQSClient; readonly sendClient: SQSClient },
  queues: WorkerQueues,
  options: ClientSideCommandOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<void> {
  const folder = stateFolder(options.env);
  const dlqName = queues.dlqUrl.split("/").pop()!;
  const lock = acquireRedriveLock(folder, queues.dlqArn, dlqName, "redrive", err);
  const stop = new AbortController();
  const onSigint = stopOnCtrlC(stop, err);
  process.on("SIGINT", onSigint);
  const tally = newTally();
  let journal: RedriveJournal | undefined;
  try {
    journal = RedriveJournal.open(folder, queues.dlqArn);
    await redriveClientSide(clients.sqs, queues, {
      journal,
      tally,
      progress: err,
      sendClient: clients.sendClient,
      inDoubt: options.inDoubt,
      maxPerSecond: options.maxPerSecond,
      stop: stop.signal,
    });
  } catch (error) {
    throw failedRunError(error, tally, journal?.file, out, err);
  } finally {
    process.off("SIGINT", onSigint);
    journal?.close();
    lock.release();
  }
  reportFinishedRun(tally, queues, { stopped: stop.signal.aborted, journalFile: journal?.file }, out, err);
}

/**
 * Ctrl-C's handler: the first asks the run to stop after the current call (it releases what it
 * holds and prints its summary); the second quits at once.
 */
function stopOnCtrlC(stop: AbortController, err: (line: string) => void): () => void {
  return () => {
    if (stop.signal.aborted) {
      err("stopped at once: the journal lets the next run finish what this one started");
      process.exit(EXIT.interrupted);
    }
    err(
      "stopping: finishing the current AWS call, then releasing the messages this run holds (Ctrl-C again to quit at once; the next run finishes from the journal)",
    );
    stop.abort();
  };
}

/**
 * A run that threw: prints its summary (except when nothing started) and gives the error to
 * throw; SQS not answering becomes exit 9 with where the journal is.
 */
function failedRunError(
  error: unknown,
  tally: ClientSideRedriveTally,
  journalFile: string | undefined,
  out: (line: string) => void,
  err: (line: string) => void,
): unknown {
  if (error instanceof DlqError && tally.target === 0) return error; // nothing started (an empty DLQ)
  if (!isNoAnswer(error)) {
    out(redriveSummaryLine("INCOMPLETE", tally, false));
    return error;
  }
  out(redriveSummaryLine("GAVE UP", tally, false));
  if (tally.holding + tally.inDoubt > 0) {
    err(
      `${tally.holding + tally.inDoubt} messages this run held return to the dead-letter queue within ${REDRIVE_VISIBILITY_SECONDS} s (the next run releases them at once)`,
    );
  }
  const call = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  return new DlqError(
    `SQS did not answer within ${PATIENCE.attemptTimeoutMs / 1000} s${call ? ` (${call} attempts)` : ""}; nothing is lost: run the same command again when SQS answers; ` +
      `it reads the journal ${journalFile} (from this machine, with the same SQS_WORKER_STATE_DIR)${tally.inDoubt > 0 ? " and asks about the copies in doubt" : ""}`,
    EXIT.timeout,
  );
}

/**
 * A run that returned: its warnings and summary; throws a {@link DlqError} with the exit code
 * when it was stopped or did not complete.
 */
function reportFinishedRun(
  tally: ClientSideRedriveTally,
  queues: WorkerQueues,
  run: { readonly stopped: boolean; readonly journalFile?: string },
  out: (line: string) => void,
  err: (line: string) => void,
): void {
  if (tally.withoutOriginalId > 0) {
    err(
      `warning: ${tally.withoutOriginalId} ${tally.withoutOriginalId === 1 ? "copy" : "copies"} went without the original message id (their messages already had SQS's maximum of 10 attributes): ` +
        "with idempotency keyed on the message id, a job among them that had completed runs again",
    );
  }
  if (run.stopped) {
    out(redriveSummaryLine("STOPPED", tally));
    throw new DlqError(
      `stopped by Ctrl-C; every message this run held is back in the dead-letter queue: run the same command to go on (from this machine: it reads the journal ${run.journalFile})`,
      EXIT.interrupted,
    );
  }
  const complete = clientSideComplete(tally);
  out(redriveSummaryLine(complete ? "complete" : "INCOMPLETE", tally));
  const waitingBehind = tally.stillInDlq - tally.inDoubt - tally.failed - tally.elsewhere;
  if (queues.fifo && tally.inDoubt + tally.failed > 0 && waitingBehind > 0) {
    err(
      `${waitingBehind} messages wait in the dead-letter queue behind the ${tally.inDoubt + tally.failed} failed or in-doubt ones of their message groups ` +
        "(FIFO keeps each group in order): they move once those are settled",
    );
  }
  const incomplete = incompleteRunError(tally, run.journalFile);
  if (incomplete) throw incomplete;
  if (!complete)
    throw new DlqError(
      "not everything the redrive set out to move moved: check the dead-letter queue, then redrive again",
      EXIT.incomplete,
    );
}

/** What a finished run left to do that a rerun (or --in-doubt) settles, as exit 7; `undefined` when nothing. */
function incompleteRunError(tally: ClientSideRedriveTally, journalFile: string | undefined): DlqError | undefined {
  if (tally.inDoubt > 0) {
    return new DlqError(
      `${tally.inDoubt} messages are in doubt: a run stopped while SQS was taking their copies, and only the source queue could tell whether they arrived. ` +
        `They stay in the dead-letter queue. --in-doubt delivered deletes them (right when the copies arrived, the likely case when a run was killed while waiting for SQS's answer); ` +
        `--in-doubt resend copies them again (a duplicate if they had arrived; harmless when the worker is idempotent). See ${docPath("runbook.md")}, "In doubt". ` +
        `Run it from this machine: the journal is ${journalFile}`,
      EXIT.incomplete,
    );
  }
  if (tally.originalsLeft > 0) {
    return new DlqError(
      `${tally.originalsLeft} originals whose copies SQS accepted could not be deleted: run the same command again (it deletes them without a second copy)`,
      EXIT.incomplete,
    );
  }
  if (tally.receiveInterrupted && tally.elsewhere > 0) {
    return new DlqError(
      `${tally.elsewhere} messages are still in flight, likely received by the stopped run just before it stopped (SQS hides them ${REDRIVE_VISIBILITY_SECONDS} s): run the same command again in a minute`,
      EXIT.incomplete,
    );
  }
  return undefined;
}
