import * as fs from "fs";
import * as path from "path";
import { ExecutionEnvironment } from "../tools/local-runner/execution-environment";
import { tempDirsRemovedAfterAll } from "./helpers/synth";

// An execution environment whose init hangs or whose invocation times out must not leave its
// thread behind: before the fix, each hanging init kept a thread spinning at 100 % CPU for the
// rest of the run (3 messages, 3 threads, ~160 % CPU). The proof is the process's own thread
// list (Linux's /proc/self/task), which counts every thread a Worker starts.

const temp = tempDirsRemovedAfterAll();
const TASKS = "/proc/self/task";
const linux = fs.existsSync(TASKS);
const threadCount = () => fs.readdirSync(TASKS).length;

/** Waits up to `ms` for the thread count to come down to `target`; returns the last count. */
async function threadsSettle(target: number, ms = 3000): Promise<number> {
  const deadline = Date.now() + ms;
  let count = threadCount();
  while (count > target && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    count = threadCount();
  }
  return count;
}

function environmentOf(
  source: string,
  settings: { timeoutSeconds?: number; initTimeoutMs?: number } = {},
): ExecutionEnvironment {
  const codeDir = temp("threads");
  fs.writeFileSync(path.join(codeDir, "index.js"), source);
  return new ExecutionEnvironment({
    codeDir,
    handler: "index.handler",
    functionName: "t",
    memorySizeMb: 128,
    timeoutSeconds: settings.timeoutSeconds ?? 10,
    environment: {},
    initTimeoutMs: settings.initTimeoutMs,
  });
}

(linux ? describe : describe.skip)("threads of execution environments", () => {
  let baseline: number;

  beforeAll(async () => {
    // A first Worker starts threads Node keeps for the process (V8 platform, libuv pool):
    // start and stop one so that the baseline already holds them.
    const warmUp = environmentOf("exports.handler = async () => 1;");
    await warmUp.invoke({});
    await warmUp.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 200));
    baseline = threadCount();
  });

  test.each([
    ["a busy loop", "while (true) {}\nexports.handler = async () => 1;"],
    [
      "a blocking wait",
      "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\nexports.handler = async () => 1;",
    ],
  ])("an init stuck in %s fails after the init timeout, and its thread is gone", async (_kind, source) => {
    const env = environmentOf(source, { initTimeoutMs: 500 });
    const outcome = env.invoke({});
    // While the init hangs its thread exists: the count can tell a leak from none.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(threadCount()).toBeGreaterThan(baseline);
    expect(await outcome).toEqual({
      ok: false,
      error: {
        name: "Runtime.InitError",
        message: "init did not finish within 0.5 s (Lambda's init limit is 10 s); its thread was stopped",
      },
    });
    expect(await threadsSettle(baseline)).toBeLessThanOrEqual(baseline);
    await env.shutdown();
  });

  test("shutdown stops a thread still in its init at once, without waiting for the init timeout (10 s by default)", async () => {
    const env = environmentOf("while (true) {}\nexports.handler = async () => 1;");
    const started = Date.now();
    const outcome = env.invoke({});
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(threadCount()).toBeGreaterThan(baseline);
    await env.shutdown();
    expect(await outcome).toMatchObject({ ok: false, error: { name: "Runtime.InitError" } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await threadsSettle(baseline)).toBeLessThanOrEqual(baseline);
  });

  test("an invocation that times out in a busy loop is stopped with its thread, and the next one gets a fresh environment", async () => {
    const env = environmentOf(
      "let calls = 0;\nexports.handler = async (event) => { calls++; if (event.spin) while (true) {} return calls; };",
      { timeoutSeconds: 1 },
    );
    try {
      expect(await env.invoke({ spin: true })).toEqual({
        ok: false,
        error: { name: "Sandbox.Timedout", message: "Task timed out after 1.00 seconds" },
      });
      expect(await threadsSettle(baseline)).toBeLessThanOrEqual(baseline);
      expect(await env.invoke({})).toEqual({ ok: true, result: 1 });
    } finally {
      await env.shutdown();
    }
    expect(await threadsSettle(baseline)).toBeLessThanOrEqual(baseline);
  });

  test("an init that throws or exits fails the invocation at once and leaves no thread", async () => {
    for (const source of ['throw new Error("config missing");', "process.exit(3);"]) {
      const env = environmentOf(source, { initTimeoutMs: 5000 });
      const started = Date.now();
      const outcome = await env.invoke({});
      expect(outcome).toMatchObject({ ok: false, error: { name: "Runtime.InitError" } });
      expect(Date.now() - started).toBeLessThan(4000);
      expect(await threadsSettle(baseline)).toBeLessThanOrEqual(baseline);
      await env.shutdown();
    }
  });
});
