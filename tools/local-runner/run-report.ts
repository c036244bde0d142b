/**
 * What `sqs-worker run` (`npm run worker:local` here) tells its user: one line per failed record while it runs, one
 * summary line at the end, and an exit status that a script or CI job can act on.
 */

/**
 * What the run command's lines start with: its name, as `sqs-worker run` (here `npm run
 * worker:local`) is the command the user typed (`run orders: ...`, `run: ...`), like `dlq: ...`.
 */
export const RUN_LOG_PREFIX = "run";

/** Exit codes of `sqs-worker run` (`npm run worker:local` here; listed in its --help and docs/testing.md). */
export const WORKER_LOCAL_EXIT = {
  /** A clean run: stopped by Ctrl-C, SIGTERM or --until-empty, and no record failed. */
  ok: 0,
  /** The runner could not run: a usage mistake, no stack, a refused zip, a missing queue. */
  error: 1,
  /** At least one record failed during the run (some perhaps dead-lettered); each was printed. */
  recordsFailed: 4,
} as const;

/** The counters the report reads (a subset of the runner's stats). */
export interface RunCounts {
  readonly batches: number;
  readonly records: number;
  readonly deleted: number;
  /** Failed receives: a message failing three times counts three. */
  readonly failedRecords: number;
  /** Distinct messages that failed at least once. */
  readonly failedMessages: number;
  /** Failures on a message's last receive (ApproximateReceiveCount >= maxReceiveCount). */
  readonly deadLettered: number;
  /** Failed receives of FIFO records that did not run: an earlier message of their group failed in the batch. */
  readonly heldBack: number;
  readonly failedBatches: number;
  readonly timedOutBatches: number;
  readonly deleteErrors: number;
}

/** One failed record, as the runner saw it. */
export interface RecordFailure {
  readonly messageId: string;
  /** The record's ApproximateReceiveCount in this delivery. */
  readonly receiveCount: number | undefined;
  /** The queue's maxReceiveCount; `undefined` when neither the queue nor the stack gave one. */
  readonly maxReceiveCount: number | undefined;
  /** The worker's logged error for this record, or the whole batch's failure, or "no reason logged". */
  readonly reason: string;
}

/** True when SQS moves this record to the dead-letter queue instead of delivering it again. */
export function isDeadLettered(failure: Pick<RecordFailure, "receiveCount" | "maxReceiveCount">): boolean {
  return (
    failure.maxReceiveCount !== undefined &&
    failure.receiveCount !== undefined &&
    failure.receiveCount >= failure.maxReceiveCount
  );
}

/** What the worker plumbing logs for a FIFO record it did not run (lambda-src/fifo-groups.ts, HeldBackError). */
const HELD_BACK = /^HeldBackError: held back: /;

/** True when the record did not run: an earlier message of its FIFO group failed in the same batch. */
export function isHeldBack(failure: Pick<RecordFailure, "reason">): boolean {
  return HELD_BACK.test(failure.reason);
}

/**
 * The line printed for one failed record: its id, which receive it was, and why. A FIFO record
 * held back behind a failed message of its group did not fail on its own: the line says so.
 */
export function failedRecordLine(serviceName: string, failure: RecordFailure): string {
  const { messageId, receiveCount, maxReceiveCount, reason } = failure;
  const receive =
    receiveCount === undefined
      ? "receive count unknown"
      : `receive ${receiveCount} of ${maxReceiveCount ?? "? (maxReceiveCount unknown)"}`;
  const fate = isDeadLettered(failure) ? ", its last: dead-lettered" : "";
  if (isHeldBack(failure))
    return `${RUN_LOG_PREFIX} ${serviceName}: record ${messageId} held back, not run (${receive}${fate}): ${reason.replace(HELD_BACK, "")}`;
  return `${RUN_LOG_PREFIX} ${serviceName}: record ${messageId} failed (${receive}${fate}): ${reason}`;
}

/**
 * The line printed when a whole batch failed (a thrown error, a timeout, an invalid response):
 * every record in it failed. When the worker logged each record's reason (Powertools'
 * FullBatchFailureError: every record failed on its own), the per-record lines that follow
 * carry them, so this line does not repeat them.
 */
export function failedBatchLine(
  serviceName: string,
  size: number,
  error: { readonly name?: string; readonly message: string },
  reasonsFollow = false,
): string {
  const what = reasonsFollow ? "every record failed, each reason below" : error.message;
  return `${RUN_LOG_PREFIX} ${serviceName}: batch of ${size} failed whole${error.name ? ` (${error.name})` : ""}: ${what}`;
}

/** The exit status of a finished run: {@link WORKER_LOCAL_EXIT}. */
export function exitCodeFor(counts: Pick<RunCounts, "failedRecords">): number {
  return counts.failedRecords > 0 ? WORKER_LOCAL_EXIT.recordsFailed : WORKER_LOCAL_EXIT.ok;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The last line of a run: how it stopped, what it did, and the exit status with its meaning,
 * e.g. `run orders: stopped by Ctrl-C: 12 records in 3 batches, 9 deleted, 3 failed
 * receives of 1 message (1 dead-lettered); exit 4 (records failed)`.
 */
export function summaryLine(serviceName: string, stoppedBy: string, counts: RunCounts): string {
  const parts = [
    `${plural(counts.records, "record")} in ${plural(counts.batches, "batch", "batches")}`,
    `${counts.deleted} deleted`,
  ];
  if (counts.failedRecords === 0) parts.push("none failed");
  else {
    const heldBack =
      counts.heldBack > 0 ? `, ${counts.heldBack} of them held back behind a failed message of their FIFO group` : "";
    parts.push(
      `${plural(counts.failedRecords, "failed receive")} of ${plural(counts.failedMessages, "message")} (${counts.deadLettered} dead-lettered${heldBack})`,
    );
  }
  if (counts.failedBatches > 0)
    parts.push(
      `${plural(counts.failedBatches, "batch", "batches")} failed whole (${counts.timedOutBatches} timed out)`,
    );
  if (counts.deleteErrors > 0)
    parts.push(`${plural(counts.deleteErrors, "delete")} failed (those messages come again)`);
  const code = exitCodeFor(counts);
  const meaning = code === WORKER_LOCAL_EXIT.ok ? "clean" : "records failed";
  return `${RUN_LOG_PREFIX} ${serviceName}: ${stoppedBy}: ${parts.join(", ")}; exit ${code} (${meaning})`;
}
