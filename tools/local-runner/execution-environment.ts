import { randomUUID } from "crypto";
import * as path from "path";
import { Worker } from "worker_threads";

/** What one invocation returned: the handler's result, or why it failed. */
export type InvocationOutcome = (
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: { readonly name?: string; readonly message: string } }
) & {
  /**
   * messageId → the one-line error the worker logged for that record (makeHandler's
   * `{"event":"record-failed",...}` line); absent when no record logged one.
   */
  readonly recordErrors?: Readonly<Record<string, string>>;
};

/** How to start an environment: the extracted bundle and the function's settings. */
export interface EnvironmentSettings {
  readonly codeDir: string;
  readonly handler: string;
  readonly functionName: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How long loading the bundle (module top-level code) may take before the thread is stopped
   * and the invocation fails with `Runtime.InitError`. Tests pass less to stay fast.
   * @default 10000 - Lambda's init phase limit
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
   */
  readonly initTimeoutMs?: number;
}

/** Lambda's limit on the init phase. */
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;

const THREAD_FILE = path.join(__dirname, "environment-thread.js");

/**
 * Where the bundle's external AWS SDK packages resolve from. On Lambda the Node.js runtime
 * provides them (NODE_PATH includes /var/runtime/node_modules), so a bundle with idempotency
 * leaves @aws-sdk/client-dynamodb out; here the runner's own node_modules plays that part.
 */
export const RUNTIME_NODE_PATH = path.resolve(
  require.resolve("@aws-sdk/client-dynamodb/package.json"),
  "..",
  "..",
  "..",
);

/**
 * A Lambda-like execution environment: one worker thread (its own copy of the bundle and of
 * every module-level object in it) that handles one invocation at a time. Two batches in
 * flight therefore never share Powertools' per-invocation state. A timed-out or crashed
 * environment is discarded and the next invocation gets a fresh one (a cold start).
 */
export class ExecutionEnvironment {
  /** The running thread, from its creation until it exits or is stopped; never two at once. */
  private thread: Worker | undefined;
  /** Resolves with {@link thread} once its init phase is over. */
  private ready: Promise<Worker> | undefined;
  private busy = false;

  constructor(private readonly settings: EnvironmentSettings) {}

  /**
   * Starts a thread and resolves once its init phase (loading the bundle) is over. An init
   * that throws, exits or outlasts the init timeout rejects, and its thread is stopped: a
   * module stuck in `while (true) {}` would otherwise keep a core busy for the rest of the run.
   */
  private start(): Promise<Worker> {
    const worker = new Worker(THREAD_FILE, {
      workerData: {
        codeDir: this.settings.codeDir,
        handler: this.settings.handler,
        functionName: this.settings.functionName,
        memorySizeMb: this.settings.memorySizeMb,
      },
      env: {
        ...process.env,
        ...this.settings.environment,
        NODE_PATH: RUNTIME_NODE_PATH,
        AWS_LAMBDA_FUNCTION_NAME: this.settings.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.settings.memorySizeMb),
      },
    });
    worker.unref();
    this.thread = worker;
    worker.once("exit", () => {
      if (this.thread === worker) this.discard();
    });
    const initTimeoutMs = this.settings.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    return new Promise<Worker>((resolve, reject) => {
      const settle = (error: Error | undefined) => {
        clearTimeout(initTimer);
        worker.off("message", onReady);
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (!error) return resolve(worker);
        if (this.thread === worker) this.discard();
        reject(error);
      };
      const initTimer = setTimeout(
        () =>
          settle(
            new Error(
              `init did not finish within ${initTimeoutMs / 1000} s (Lambda's init limit is 10 s); its thread was stopped`,
            ),
          ),
        initTimeoutMs,
      );
      const onReady = (message: { ready?: boolean }) => {
        if (message.ready) settle(undefined);
      };
      const onError = (error: Error) => settle(error);
      const onExit = (code: number) => settle(new Error(`the environment exited with code ${code} during init`));
      worker.on("message", onReady);
      worker.once("error", onError);
      worker.once("exit", onExit);
    });
  }

  /** Stops the current thread, if any; the next invocation starts a fresh one (a cold start). */
  private discard(): void {
    const worker = this.thread;
    this.thread = undefined;
    this.ready = undefined;
    // terminate() interrupts running JavaScript, a busy loop included.
    if (worker) void worker.terminate();
  }

  /**
   * Runs the handler on `event`; fails the invocation after the function timeout, which
   * starts once the environment is initialized (a cold start's init is not counted, as on Lambda).
   * A timed-out or crashed environment's thread is stopped.
   */
  async invoke(event: unknown): Promise<InvocationOutcome> {
    if (this.busy) throw new Error("an execution environment runs one invocation at a time");
    this.busy = true;
    let worker: Worker;
    try {
      worker = await (this.ready ??= this.start());
    } catch (error) {
      this.busy = false;
      return { ok: false, error: { name: "Runtime.InitError", message: (error as Error).message } };
    }
    const requestId = randomUUID();
    const timeoutMs = this.settings.timeoutSeconds * 1000;
    return new Promise<InvocationOutcome>((resolve) => {
      const finish = (outcome: InvocationOutcome, discard: boolean) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (discard && this.thread === worker) this.discard();
        this.busy = false;
        resolve(outcome);
      };
      const onMessage = ({ requestId: id, ...outcome }: { requestId: string } & InvocationOutcome) => {
        if (id === requestId) finish(outcome, false);
      };
      const onError = (error: Error) =>
        finish({ ok: false, error: { name: error.name, message: error.message } }, true);
      const onExit = (code: number) =>
        finish({ ok: false, error: { name: "Runtime.ExitError", message: `environment exited with ${code}` } }, true);
      const timer = setTimeout(
        () =>
          finish(
            {
              ok: false,
              error: {
                name: "Sandbox.Timedout",
                message: `Task timed out after ${this.settings.timeoutSeconds}.00 seconds`,
              },
            },
            true,
          ),
        timeoutMs,
      );
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage({ event, requestId, deadline: Date.now() + timeoutMs });
    });
  }

  /** Stops the environment's thread, also one still in its init phase, and waits until it has exited. */
  async shutdown(): Promise<void> {
    const worker = this.thread;
    this.thread = undefined;
    this.ready = undefined;
    if (worker) await worker.terminate();
  }
}
