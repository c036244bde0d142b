import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as path from "path";
import { freePort, startMoto, type MotoServer } from "../tools/emulator/moto";

// `sqs-worker emulator` (tools/emulator.ts) as a user runs it, with real processes on free ports:
// a port another emulator holds is one line and exit 1 (not the other emulator's "listening");
// a moto that dies under it is one line with its exit and log, exit 1 (not a silent exit 0);
// Ctrl-C (to the whole process group, as a terminal sends it) and SIGTERM still stop it, exit 0.

const ROOT = path.resolve(__dirname, "..");
const LISTENING = /^AWS emulator listening on http:\/\/127\.0\.0\.1:(\d+) /m;

interface Emulator {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Settles with the exit code (or signal name) and the output so far. */
  readonly exited: Promise<{ code: number | string }>;
}

/** Neither npm's variables (they would make the lines say `npm run ...`) nor a stage. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") && name !== "SQS_WORKER_STAGE"),
  );

const started: ChildProcess[] = [];

/** Starts the command; `ownGroup` puts it in its own process group, as a shell's foreground job. */
function emulator(args: readonly string[], ownGroup = false): Emulator {
  const child = spawn(process.execPath, ["-r", "./scripts/register-ts.js", "tools/emulator.ts", ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: ownGroup,
  });
  started.push(child);
  const run: Emulator = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.once("close", (code, signal) => resolve({ code: code ?? signal ?? "?" }))),
  };
  child.stdout.on("data", (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (run.stderr += chunk.toString()));
  return run;
}

/** Resolves once the command printed its "listening" line; fails if it exits first or takes 20 s. */
async function listening(run: Emulator): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!LISTENING.test(run.stdout)) {
    if (run.child.exitCode !== null || run.child.signalCode !== null)
      throw new Error(`the emulator exited before listening:\n${run.stdout}\n${run.stderr}`);
    if (Date.now() > deadline)
      throw new Error(`the emulator did not listen within 20 s:\n${run.stdout}\n${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid of the command's moto (its only child process). */
function motoPid(run: Emulator): number {
  const pids = childPids(run.child.pid!);
  expect(pids).toHaveLength(1);
  return pids[0];
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pids of a process's children (`pgrep -P`). */
function childPids(pid: number): number[] {
  const found = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" });
  return found.stdout.trim().split("\n").filter(Boolean).map(Number);
}

// A command still running after a failed test: its moto and itself, so that no moto outlives the suite.
afterAll(() => {
  for (const child of started) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    for (const pid of childPids(child.pid!)) process.kill(pid, "SIGKILL");
    child.kill("SIGKILL");
  }
});

describe("sqs-worker emulator: a port already taken", () => {
  let other: MotoServer;
  beforeAll(async () => {
    other = await startMoto();
  });
  afterAll(() => other?.stop());

  test("by another emulator: one line naming the port, exit 1, no listening line, the other one untouched", async () => {
    const run = emulator(["--port", String(other.port)]);
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stdout).not.toMatch(/listening/);
    expect(run.stderr.trim().split("\n").pop()).toBe(
      `emulator: port ${other.port} on 127.0.0.1 is in use (another emulator?): stop it or pass --port N`,
    );
    expect((await fetch(`${other.endpoint}/moto-api/`)).ok).toBe(true);
  });
});

describe("sqs-worker emulator: moto exits without being asked", () => {
  test("moto killed (kill -9): one line naming the signal, its last log lines, exit 1", async () => {
    const port = await freePort();
    const run = emulator(["--port", String(port)]);
    await listening(run);
    const pid = motoPid(run);
    process.kill(pid, "SIGKILL");
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stdout).not.toMatch(/emulator stopped/);
    const lines = run.stderr.trim().split("\n");
    const line = lines.findIndex((text) => text.startsWith("emulator: moto"));
    expect(lines[line]).toBe(
      `emulator: moto (pid ${pid}) exited by itself with signal SIGKILL: the emulator is down and its data is gone; moto's last log lines:`,
    );
    // The log's tail: the topic the emulator created is its last request.
    expect(lines.slice(line + 1).join("\n")).toMatch(/^ {2}.*"POST \/ HTTP\/1\.1" 200/m);
  });
});

describe("sqs-worker emulator: stopped on purpose", () => {
  test("Ctrl-C in a terminal (SIGINT to the process group, moto included): emulator stopped, exit 0, moto gone", async () => {
    const port = await freePort();
    const run = emulator(["--port", String(port)], true);
    await listening(run);
    const pid = motoPid(run);
    process.kill(-run.child.pid!, "SIGINT");
    const { code } = await run.exited;
    expect({ code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: expect.not.stringMatching(/exited by itself/) as string,
    });
    expect(run.stdout.endsWith("\nemulator stopped\n")).toBe(true);
    expect(isAlive(pid)).toBe(false);
  });

  test("SIGTERM to the command alone: it stops moto, emulator stopped, exit 0", async () => {
    const port = await freePort();
    const run = emulator(["--port", String(port)]);
    await listening(run);
    const pid = motoPid(run);
    run.child.kill("SIGTERM");
    const { code } = await run.exited;
    expect({ code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: expect.not.stringMatching(/exited by itself/) as string,
    });
    expect(run.stdout.endsWith("\nemulator stopped\n")).toBe(true);
    expect(isAlive(pid)).toBe(false);
  });
});
