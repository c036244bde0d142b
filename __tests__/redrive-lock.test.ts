import { execFile, spawn } from "child_process";
import { once } from "events";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DlqError, EXIT } from "../tools/dlq/errors";
import { dlqKey } from "../tools/dlq/journal";
import { acquireRedriveLock, type LockHolder } from "../tools/dlq/redrive-lock";

// The lock of tools/dlq/redrive-lock.ts: one redrive (or purge) per DLQ per machine, a holder
// named in the refusal, stale holds of dead local processes cleared, other hosts' holds kept.

const DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
const DLQ_NAME = "orders-dlq";
const ROOT = path.resolve(__dirname, "..");

let folder: string;
let lockFile: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "redrive-lock-"));
  lockFile = path.join(folder, "redrive", `${dlqKey(DLQ_ARN)}.lock`);
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

/** The pid of a process that ran on this host and has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  return child.pid!;
}

/** Writes a lock file as another process would have. */
function writeLock(holder: Partial<LockHolder>): void {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  fs.writeFileSync(lockFile, JSON.stringify({ user: "alice", command: "redrive", ...holder }));
}

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): DlqError {
  try {
    fn();
  } catch (error) {
    return error as DlqError;
  }
  throw new Error("expected a throw");
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Node's own `fs` module object: the one a freshly loaded module reads, so a spy on it is seen
 * there (the test's `import * as fs` is an interop copy).
 */
function nodeFsModule(): typeof fs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, not the import's copy
  return require("fs") as typeof fs;
}

/** A fresh copy of the lock module, which takes the `fs` it sees (and any spy on it) when it loads. */
function freshLockModule(): typeof import("../tools/dlq/redrive-lock") {
  let loaded: typeof import("../tools/dlq/redrive-lock") | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only a require inside isolateModules loads the module anew
    loaded = require("../tools/dlq/redrive-lock") as typeof import("../tools/dlq/redrive-lock");
  });
  return loaded!;
}

test("a second acquire while the lock is held refuses with exit 5, naming pid, host, user, since, how long ago and the lock path", () => {
  const notices: string[] = [];
  const lock = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l));
  expect(lock.file).toBe(lockFile);
  const holder = JSON.parse(fs.readFileSync(lockFile, "utf8")) as LockHolder;
  expect(holder).toMatchObject({
    pid: process.pid,
    host: os.hostname(),
    user: os.userInfo().username,
    command: "redrive",
  });
  expect(Date.now() - Date.parse(holder.since)).toBeLessThan(5000);
  // Only the lock is left in the folder: the private file it was linked from is gone.
  expect(fs.readdirSync(path.dirname(lockFile))).toEqual([path.basename(lockFile)]);

  const error = thrown(() => acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "purge", (l) => notices.push(l)));
  expect(error).toBeInstanceOf(DlqError);
  expect(error.exitCode).toBe(EXIT.busy);
  expect(error.message).toMatch(
    new RegExp(
      `^a redrive of orders-dlq is running: pid ${process.pid} on ${escape(os.hostname())} \\(user ${escape(os.userInfo().username)}\\) ` +
        `since ${escape(holder.since)} \\(\\d+ s ago\\); wait for it to end, or if that process is gone remove ${escape(lockFile)}$`,
    ),
  );
  expect(notices).toEqual([]);
  expect(fs.readdirSync(path.dirname(lockFile))).toEqual([path.basename(lockFile)]);
  lock.release();
});

test("how long ago: minutes and hours", () => {
  writeLock({ pid: 1, host: "build-box.elsewhere", since: new Date(Date.now() - 10 * 60_000).toISOString() });
  expect(thrown(() => acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", () => undefined)).message).toContain(
    " (10 min ago); ",
  );
  writeLock({ pid: 1, host: "build-box.elsewhere", since: new Date(Date.now() - 3 * 3_600_000).toISOString() });
  expect(thrown(() => acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", () => undefined)).message).toContain(
    " (3 h ago); ",
  );
});

test("release removes the lock, and the next acquire takes it", () => {
  const first = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", () => undefined);
  first.release();
  expect(fs.existsSync(lockFile)).toBe(false);
  const notices: string[] = [];
  const second = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "purge", (l) => notices.push(l));
  expect(JSON.parse(fs.readFileSync(lockFile, "utf8"))).toMatchObject({ pid: process.pid, command: "purge" });
  expect(notices).toEqual([]); // nothing stale to clear
  second.release();
  expect(fs.existsSync(lockFile)).toBe(false);
});

test("a lock whose pid no longer runs on this host is cleared with a notice, then taken", async () => {
  const pid = await deadPid();
  const since = new Date(Date.now() - 90_000).toISOString();
  writeLock({ pid, host: os.hostname(), since });
  const notices: string[] = [];
  const lock = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l));
  expect(notices).toEqual([`lock: cleared a stale hold by pid ${pid} (no longer running) since ${since}`]);
  expect(JSON.parse(fs.readFileSync(lockFile, "utf8"))).toMatchObject({ pid: process.pid });
  expect(fs.readdirSync(path.dirname(lockFile))).toEqual([path.basename(lockFile)]); // nothing left aside
  lock.release();
});

const linux = fs.existsSync(`/proc/${process.pid}/stat`) ? test : test.skip;

linux("a lock naming a live pid of this host with another start time (the pid was reused) is stale", () => {
  const since = new Date(Date.now() - 3_600_000).toISOString();
  writeLock({ pid: process.pid, host: os.hostname(), since, started: "1" });
  const notices: string[] = [];
  const lock = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l));
  expect(notices).toEqual([`lock: cleared a stale hold by pid ${process.pid} (no longer running) since ${since}`]);
  expect((JSON.parse(fs.readFileSync(lockFile, "utf8")) as LockHolder).started).not.toBe("1");
  lock.release();
});

test("a lock naming a live pid of this host with the same start time (or none) is kept", () => {
  const since = new Date(Date.now() - 5_000).toISOString();
  writeLock({ pid: process.ppid, host: os.hostname(), since });
  const notices: string[] = [];
  expect(thrown(() => acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l)))).toMatchObject({
    exitCode: EXIT.busy,
    message: expect.stringContaining(`pid ${process.ppid} on`) as string,
  });
  expect(notices).toEqual([]);
  expect(JSON.parse(fs.readFileSync(lockFile, "utf8"))).toMatchObject({ pid: process.ppid, since });
});

test("a lock from another host is never cleared, even naming a pid that is not running here", async () => {
  const pid = await deadPid();
  const since = new Date(Date.now() - 60_000).toISOString();
  writeLock({ pid, host: "laptop-of-bob.example", user: "bob", since });
  const before = fs.readFileSync(lockFile, "utf8");
  const notices: string[] = [];
  const error = thrown(() => acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l)));
  expect(error).toMatchObject({ exitCode: EXIT.busy });
  expect(error.message).toContain(`pid ${pid} on laptop-of-bob.example (user bob) since ${since} (60 s ago)`);
  expect(error.message).toContain(`remove ${lockFile}`);
  expect(notices).toEqual([]);
  expect(fs.readFileSync(lockFile, "utf8")).toBe(before);
});

test("an unreadable lock file is cleared with its own notice", () => {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  for (const content of ["", '{"pid":', "[1,2]", '{"pid":"12"}']) {
    fs.writeFileSync(lockFile, content);
    const notices: string[] = [];
    const lock = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l));
    expect(notices).toEqual([`lock: cleared an unreadable lock file ${lockFile}`]);
    expect(JSON.parse(fs.readFileSync(lockFile, "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
  }
});

test("release does not remove a lock another process took meanwhile", () => {
  const lock = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", () => undefined);
  // Cleared by hand (or as stale) and taken by another process while this one still ran:
  const other = JSON.stringify({
    pid: process.ppid,
    host: os.hostname(),
    user: "alice",
    since: new Date().toISOString(),
    command: "redrive",
  });
  fs.writeFileSync(lockFile, other);
  lock.release();
  expect(fs.readFileSync(lockFile, "utf8")).toBe(other);
  // The same pid with another `since` is another hold too (this process took the lock again).
  const mine = JSON.parse(fs.readFileSync(lockFile, "utf8")) as LockHolder;
  fs.writeFileSync(lockFile, JSON.stringify({ ...mine, pid: process.pid, since: "2020-01-01T00:00:00.000Z" }));
  lock.release();
  expect(fs.existsSync(lockFile)).toBe(true);
});

test("the lock file is private (0600) in a private folder (0700)", () => {
  const lock = acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", () => undefined);
  if (process.platform !== "win32") {
    expect(fs.statSync(lockFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(lockFile)).mode & 0o777).toBe(0o700);
  }
  lock.release();
});

test("a live hold put in place while a stale one is being cleared is put back, not removed", () => {
  // Two runs find the same stale hold; the other one clears it and takes the lock first. This
  // run then moves the other's live lock aside: it must put it back and refuse.
  const stale = { pid: 999_999_999, host: os.hostname(), since: "2020-01-01T00:00:00.000Z" };
  writeLock(stale);
  const live = JSON.stringify({
    pid: process.ppid,
    host: os.hostname(),
    user: "alice",
    since: new Date().toISOString(),
    command: "redrive",
  });
  // The module under test sees `fs` as a copy of Node's module taken when it loads: spy on
  // Node's own module, then load a fresh copy of the lock module.
  const nodeFs = nodeFsModule();
  const realRename = nodeFs.renameSync;
  const spy = jest.spyOn(nodeFs, "renameSync").mockImplementation((from, to) => {
    if (from === lockFile && String(to).includes(".stale.")) fs.writeFileSync(lockFile, live); // the other run got there first
    return realRename(from, to);
  });
  try {
    const lockModule = freshLockModule();
    const notices: string[] = [];
    const error = thrown(() =>
      lockModule.acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l)),
    );
    expect(spy).toHaveBeenCalled();
    expect(error).toMatchObject({
      exitCode: EXIT.busy,
      message: expect.stringContaining(`pid ${process.ppid} on`) as string,
    });
    expect(notices).toEqual([]);
    expect(fs.readFileSync(lockFile, "utf8")).toBe(live);
  } finally {
    spy.mockRestore();
  }
});

test("five processes acquiring at the same moment: exactly one takes the lock, four refuse with exit 5", async () => {
  const start = Date.now() + 1200; // all of them wait for this moment, then race
  const script = `
    const { acquireRedriveLock } = require(${JSON.stringify(path.join(ROOT, "tools/dlq/redrive-lock.ts"))});
    const notices = [];
    setTimeout(() => {
      try {
        const lock = acquireRedriveLock(${JSON.stringify(folder)}, ${JSON.stringify(DLQ_ARN)}, ${JSON.stringify(DLQ_NAME)}, "redrive", (l) => notices.push(l));
        setTimeout(() => { lock.release(); console.log(JSON.stringify({ won: true, notices })); }, 1000);
      } catch (error) {
        console.log(JSON.stringify({ won: false, exit: error.exitCode, message: error.message, notices }));
      }
    }, Math.max(0, ${start} - Date.now()));`;
  const runOne = () =>
    new Promise<{ won: boolean; exit?: number; message?: string; notices: string[] }>((resolve, reject) =>
      execFile(
        process.execPath,
        ["-r", "./scripts/register-ts.js", "-e", script],
        { cwd: ROOT, timeout: 20_000 },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`${error.message}\n${stderr}`))
            : resolve(
                JSON.parse(stdout.trim()) as { won: boolean; exit?: number; message?: string; notices: string[] },
              ),
      ),
    );
  const results = await Promise.all(Array.from({ length: 5 }, runOne));
  expect(results.filter((r) => r.won)).toHaveLength(1);
  const losers = results.filter((r) => !r.won);
  expect(losers).toHaveLength(4);
  for (const loser of losers) {
    expect(loser.exit).toBe(EXIT.busy);
    expect(loser.message).toMatch(/^a redrive of orders-dlq is running: pid \d+ on /);
  }
  expect(results.flatMap((r) => r.notices)).toEqual([]); // nobody took a live hold for a stale one
  expect(fs.readdirSync(path.dirname(lockFile))).toEqual([]); // released, and no private files left behind
}, 30_000);

test("a live hold put in place while an unreadable lock file is being cleared is put back, not removed", () => {
  // Two runs find the same unreadable lock file; the other one clears it and takes the lock
  // first. This run then moves the other's live lock aside: it must put it back and refuse.
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  fs.writeFileSync(lockFile, "");
  const live = JSON.stringify({
    pid: process.ppid,
    host: os.hostname(),
    user: "alice",
    since: new Date().toISOString(),
    command: "redrive",
  });
  const nodeFs = nodeFsModule();
  const realRename = nodeFs.renameSync;
  const spy = jest.spyOn(nodeFs, "renameSync").mockImplementation((from, to) => {
    if (from === lockFile && String(to).includes(".stale.")) fs.writeFileSync(lockFile, live);
    return realRename(from, to);
  });
  try {
    const lockModule = freshLockModule();
    const notices: string[] = [];
    let error: unknown;
    try {
      lockModule.acquireRedriveLock(folder, DLQ_ARN, DLQ_NAME, "redrive", (l) => notices.push(l)).release();
    } catch (e) {
      error = e;
    }
    expect(spy).toHaveBeenCalled();
    expect({ notices, lock: fs.existsSync(lockFile) ? fs.readFileSync(lockFile, "utf8") : "(removed)" }).toEqual({
      notices: [],
      lock: live,
    });
    expect(error).toMatchObject({
      exitCode: EXIT.busy,
      message: expect.stringContaining(`pid ${process.ppid} on`) as string,
    });
  } finally {
    spy.mockRestore();
  }
});
