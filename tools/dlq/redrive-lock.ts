/**
 * One redrive per dead-letter queue at a time, on this machine: a lock file next to the DLQ's
 * journal, taken atomically (a hard link that fails when the lock exists). A second redrive, or a purge, refuses to start and says
 * who holds it since when. A hold whose process is gone (kill -9, a crash) is cleared by the next
 * run on the same host; a hold from another host (a shared state folder) must be removed by hand.
 *
 * The lock lives in the state folder, so it does not stop an engineer on another machine: that
 * one's redrive shows up only as messages in flight with another reader (docs/runbook.md).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DlqError, EXIT } from "./errors";
import { dlqKey } from "./journal";

/** Who holds a DLQ's lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  /** ISO time the hold began. */
  readonly since: string;
  /** What holds it: `redrive` or `purge`. */
  readonly command: string;
  /** The process's start time (Linux /proc), so that a reused pid is not taken for the holder. */
  readonly started?: string;
}

/** A held lock; {@link release} removes it (only if it is still this process's). */
export interface RedriveLock {
  readonly file: string;
  release(): void;
}

/** The start time of a process from /proc (Linux), or undefined where there is none. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]; // field 22: starttime
  } catch {
    return undefined;
  }
}

/** True when `holder` is a process still running on this host (a reused pid does not count). */
function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true; // cannot tell: assume it runs
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const started = processStart(holder.pid);
  return holder.started === undefined || started === undefined || started === holder.started;
}

/** "4 min ago", "35 s ago", "2 h ago". */
function ago(since: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(since)) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/**
 * Takes the lock of the DLQ with `dlqArn` for `command`, or throws a {@link DlqError} (exit 5)
 * naming the holder. A stale hold (its process no longer runs on this host) is cleared first,
 * with a line on `notice`.
 */
export function acquireRedriveLock(
  folder: string,
  dlqArn: string,
  dlqName: string,
  command: string,
  notice: (line: string) => void,
): RedriveLock {
  const dir = path.join(folder, "redrive");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${dlqKey(dlqArn)}.lock`);
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    user: os.userInfo().username,
    since: new Date().toISOString(),
    command,
    started: processStart(process.pid),
  };
  // Written whole to a private file, then linked to the lock's name: link fails if the lock
  // exists, so taking it is atomic and nobody ever reads a half-written holder.
  const mine = `${file}.${process.pid}.${Date.now()}`;
  fs.writeFileSync(mine, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(mine, file);
        return {
          file,
          release: () => {
            const holder = readHolder(file);
            if (holder?.pid === process.pid && holder.since === me.since) fs.rmSync(file, { force: true });
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = readHolder(file);
      if (holder && holderAlive(holder)) {
        throw new DlqError(
          `a ${holder.command} of ${dlqName} is running: pid ${holder.pid} on ${holder.host} (user ${holder.user}) since ${holder.since} (${ago(holder.since, Date.now())}); ` +
            `wait for it to end, or if that process is gone remove ${file}`,
          EXIT.busy,
        );
      }
      clearStale(file, holder, notice);
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  throw new DlqError(
    `could not take the lock ${file}: other processes took it at the same moment; run again`,
    EXIT.busy,
  );
}

/**
 * Removes a stale lock: renamed aside first, so that of two processes clearing it at once only
 * one removes it, and a lock taken meanwhile by a live process is put back, not removed.
 */
function clearStale(file: string, stale: LockHolder | undefined, notice: (line: string) => void): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // another process moved it first
  }
  const moved = readHolder(aside);
  if (moved && (!stale || moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      fs.linkSync(aside, file); // a live holder's lock: put it back
    } catch {
      // a third process took the lock meanwhile; the live holder's run goes on regardless
    }
  } else {
    notice(
      stale
        ? `lock: cleared a stale hold by pid ${stale.pid} (no longer running) since ${stale.since}`
        : `lock: cleared an unreadable lock file ${file}`,
    );
  }
  fs.rmSync(aside, { force: true });
}

/** The holder written in a lock file; undefined for a file being written or torn (treated as stale). */
function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, "utf8")) as LockHolder;
    return typeof holder.pid === "number" ? holder : undefined;
  } catch {
    return undefined;
  }
}
