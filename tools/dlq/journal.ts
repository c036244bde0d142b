/**
 * The client-side redrive's journal: what it is about to do and what AWS confirmed, written to
 * disk (fsync) before and after every call that changes a queue, so that a run stopped at any
 * point (kill -9, a crash, a lost laptop lid) is finished by the next run without a second copy.
 *
 * Why a journal: a redrive sends a copy to the source queue, then deletes the original from the
 * DLQ. Stopped between the two, the original comes back and a naive rerun copies it again. SQS's
 * FIFO deduplication would drop that second copy only within 5 minutes, and standard queues have
 * none. The journal remembers "copy accepted, original not yet deleted", for as long as needed.
 *
 * What no journal can know: whether SQS took a copy whose SendMessageBatch was under way when
 * the run stopped (the request may have reached SQS, the answer did not reach us). Those
 * originals are "in doubt": see {@link JournalState.inDoubt} and docs/runbook.md.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Where the journal and lock of each DLQ live: `$SQS_WORKER_STATE_DIR`, else the XDG state folder. */
export function stateFolder(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.SQS_WORKER_STATE_DIR) return path.resolve(env.SQS_WORKER_STATE_DIR);
  const base = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), ".local", "state");
  return path.join(base, "sqs-worker");
}

/** The file name stem of one DLQ's journal and lock: `<region>_<account>_<queue name>` from its ARN. */
export function dlqKey(dlqArn: string): string {
  const [, , , region = "", account = "", name = ""] = dlqArn.split(":");
  return [region, account, name].join("_").replace(/[^A-Za-z0-9._-]/g, "-");
}

/** What earlier runs left unfinished, as the journal tells it. */
export interface JournalState {
  /** Originals whose copy SQS accepted but whose deletion was not confirmed; the receipt handle last seen. */
  readonly copied: Map<string, { readonly at: number; readonly handle?: string }>;
  /** Originals whose copy was being sent when the run stopped: SQS may or may not have taken it. */
  readonly inDoubt: Map<string, { readonly at: number }>;
  /** Originals a run received and had not deleted or released: their receipt handles. */
  readonly held: Map<string, string>;
  /** When a ReceiveMessage was under way at the stop: the time its messages become visible again. */
  readonly receivingUntil?: number;
}

/** One line of the journal. */
type JournalRecord =
  | {
      t: "state";
      copied: Record<string, { at: number; handle?: string }>;
      inDoubt: Record<string, { at: number }>;
      held: Record<string, string>;
      receivingUntil?: number;
    }
  | { t: "receiving"; at: number; visibility: number }
  | { t: "received"; at: number; handles: Record<string, string> }
  | { t: "sending"; at: number; ids: string[] }
  | { t: "sent"; ids: string[] }
  | { t: "send-failed"; ids: string[] }
  | { t: "deleted"; ids: string[] }
  | { t: "released"; ids: string[] }
  | { t: "resolved"; ids: string[]; as: "delivered" | "resend" };

/** Copied entries older than SQS's longest retention (14 days) can no longer have an original. */
const MAX_RETENTION_MS = 14 * 86_400_000;

/** Replays journal records into the state they leave. A torn last line (a crash mid-write) is ignored. */
export function replay(lines: readonly string[], now: number): JournalState {
  const copied = new Map<string, { at: number; handle?: string }>();
  const inDoubt = new Map<string, { at: number }>();
  const held = new Map<string, string>();
  let receivingUntil: number | undefined;
  for (const line of lines) {
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      continue; // only the last line can be torn: it was being written when the run stopped
    }
    switch (record.t) {
      case "state":
        for (const [id, entry] of Object.entries(record.copied ?? {})) copied.set(id, entry);
        for (const [id, entry] of Object.entries(record.inDoubt ?? {})) inDoubt.set(id, entry);
        for (const [id, handle] of Object.entries(record.held ?? {})) held.set(id, handle);
        receivingUntil = record.receivingUntil;
        break;
      case "receiving":
        receivingUntil = record.at + record.visibility * 1000;
        break;
      case "received":
        receivingUntil = undefined;
        for (const [id, handle] of Object.entries(record.handles)) {
          held.set(id, handle);
          const entry = copied.get(id);
          if (entry) copied.set(id, { ...entry, handle });
        }
        break;
      case "sending":
        // The earliest attempt counts: SQS's deduplication window runs from the first accepted copy.
        for (const id of record.ids) inDoubt.set(id, { at: Math.min(inDoubt.get(id)?.at ?? record.at, record.at) });
        break;
      case "sent":
        for (const id of record.ids) {
          const since = inDoubt.get(id)?.at ?? now;
          inDoubt.delete(id);
          copied.set(id, { at: since, handle: held.get(id) });
        }
        break;
      case "send-failed":
        for (const id of record.ids) inDoubt.delete(id);
        break;
      case "deleted":
        for (const id of record.ids) {
          copied.delete(id);
          held.delete(id);
        }
        break;
      case "released":
        for (const id of record.ids) held.delete(id);
        break;
      case "resolved":
        for (const id of record.ids) {
          const entry = inDoubt.get(id);
          inDoubt.delete(id);
          if (record.as === "delivered") copied.set(id, { at: entry?.at ?? now, handle: held.get(id) });
        }
        break;
    }
  }
  for (const [id, entry] of copied) if (now - entry.at > MAX_RETENTION_MS) copied.delete(id);
  return { copied, inDoubt, held, receivingUntil };
}

/**
 * One DLQ's journal, open for a run: {@link found} is what earlier runs left; each method
 * appends one record and fsyncs it before returning, so the record is on disk before the
 * call it announces is made (or after the answer it reports arrived).
 */
export class RedriveJournal {
  /** What earlier runs left unfinished (read once, when the journal was opened). */
  readonly found: JournalState;
  private readonly fd: number;

  private constructor(
    /** The journal file. */
    readonly file: string,
    found: JournalState,
  ) {
    this.found = found;
    this.fd = fs.openSync(file, "a");
  }

  /**
   * Opens the journal of the DLQ with `dlqArn` in `folder`: reads what earlier runs left, and
   * rewrites the file as one `state` record (written to a temporary file, fsynced, renamed) so it
   * stays small however many runs there were.
   */
  static open(folder: string, dlqArn: string, now = Date.now()): RedriveJournal {
    const dir = path.join(folder, "redrive");
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${dlqKey(dlqArn)}.journal`);
    const lines = fs.existsSync(file)
      ? fs
          .readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "")
      : [];
    const found = replay(lines, now);
    const state: JournalRecord = {
      t: "state",
      copied: Object.fromEntries(found.copied),
      inDoubt: Object.fromEntries(found.inDoubt),
      held: Object.fromEntries(found.held),
      ...(found.receivingUntil !== undefined ? { receivingUntil: found.receivingUntil } : {}),
    };
    const temporary = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, "w", 0o600);
    fs.writeSync(fd, `${JSON.stringify(state)}\n`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temporary, file);
    syncFolder(dir);
    return new RedriveJournal(file, found);
  }

  /**
   * Forgets what earlier runs left for the DLQ with `dlqArn` (after a purge: the messages it
   * names are gone, and a rerun must not report them held or in doubt). Returns whether there was a journal.
   */
  static forget(folder: string, dlqArn: string): boolean {
    const file = path.join(folder, "redrive", `${dlqKey(dlqArn)}.journal`);
    const existed = fs.existsSync(file);
    fs.rmSync(file, { force: true });
    return existed;
  }

  /** Before a ReceiveMessage that hides what it returns for `visibility` seconds. */
  receiving(visibility: number, at = Date.now()): void {
    this.append({ t: "receiving", at, visibility });
  }

  /** After a ReceiveMessage: the receipt handle of each message it returned. */
  received(handles: Record<string, string>, at = Date.now()): void {
    this.append({ t: "received", at, handles });
  }

  /** Before a SendMessageBatch of copies of these originals. */
  sending(ids: readonly string[], at = Date.now()): void {
    this.append({ t: "sending", at, ids: [...ids] });
  }

  /** After SQS accepted the copies of these originals. */
  sent(ids: readonly string[]): void {
    if (ids.length > 0) this.append({ t: "sent", ids: [...ids] });
  }

  /** After SQS refused the copies of these originals (they were not taken). */
  sendFailed(ids: readonly string[]): void {
    if (ids.length > 0) this.append({ t: "send-failed", ids: [...ids] });
  }

  /** After SQS confirmed these originals deleted from the DLQ. */
  deleted(ids: readonly string[]): void {
    if (ids.length > 0) this.append({ t: "deleted", ids: [...ids] });
  }

  /** After these originals were made visible again (or their handles are no longer ours). */
  released(ids: readonly string[]): void {
    if (ids.length > 0) this.append({ t: "released", ids: [...ids] });
  }

  /** The operator's answer for originals in doubt: their copies arrived, or send them again. */
  resolved(ids: readonly string[], as: "delivered" | "resend"): void {
    if (ids.length > 0) this.append({ t: "resolved", ids: [...ids], as });
  }

  /** Closes the file (every record is already on disk). */
  close(): void {
    fs.closeSync(this.fd);
  }

  private append(record: JournalRecord): void {
    fs.writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fs.fsyncSync(this.fd);
  }
}

/** fsync of a folder, so that a rename in it survives a crash (a no-op where folders cannot be opened). */
function syncFolder(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Windows cannot open a folder; the rename is still atomic there.
  }
}
