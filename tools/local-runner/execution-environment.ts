import { randomUUID } from "crypto";
import * as path from "path";
import { Worker } from "worker_threads";

/** What one invocation returned: the handler's result, or why it failed. */
export type InvocationOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: { readonly name?: string; readonly message: string } };

/** How to start an environment: the extracted bundle and the function's settings. */
export interface EnvironmentSettings {
  readonly codeDir: string;
  readonly handler: string;
  readonly functionName: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
}

const THREAD_FILE = path.join(__dirname, "environment-thread.js");

/**
 * Where the bundle's external AWS SDK packages resolve from. On Lambda the Node.js runtime
 * provides them (NODE_PATH includes /var/runtime/node_modules), so a bundle with idempotency
 * leaves @aws-sdk/client-dynamodb out; here the runner's own node_modules plays that part.
 */
export const RUNTIME_NODE_PATH = path.resolve(require.resolve("@aws-sdk/client-dynamodb/package.json"), "..", "..", "..");

/**
 * A Lambda-like execution environment: one worker thread (its own copy of the bundle and of
 * every module-level object in it) that handles one invocation at a time. Two batches in
 * flight therefore never share Powertools' per-invocation state. A timed-out or crashed
 * environment is discarded and the next invocation gets a fresh one (a cold start).
 */
export class ExecutionEnvironment {
  private worker: Promise<Worker> | undefined;
  private busy = false;

  constructor(private readonly settings: EnvironmentSettings) {}

  /** Starts a thread and resolves once its init phase (loading the bundle) is over. */
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
    return new Promise<Worker>((resolve, reject) => {
      // Lambda allows 10 s of init; a bundle that needs longer is broken.
      const initTimer = setTimeout(() => reject(new Error("init did not finish within 10 s")), 10_000);
      const onReady = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        clearTimeout(initTimer);
        worker.off("message", onReady);
        resolve(worker);
      };
      worker.on("message", onReady);
      worker.once("error", (error) => {
        clearTimeout(initTimer);
        reject(error);
      });
    });
  }

  /**
   * Runs the handler on `event`; fails the invocation after the function timeout, which
   * starts once the environment is initialized (a cold start's init is not counted, as on Lambda).
   */
  async invoke(event: unknown): Promise<InvocationOutcome> {
    if (this.busy) throw new Error("an execution environment runs one invocation at a time");
    this.busy = true;
    let worker: Worker;
    try {
      worker = await (this.worker ??= this.start());
    } catch (error) {
      this.worker = undefined;
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
        if (discard) {
          void worker.terminate();
          this.worker = undefined;
        }
        this.busy = false;
        resolve(outcome);
      };
      const onMessage = ({ requestId: id, ...outcome }: { requestId: string } & InvocationOutcome) => {
        if (id === requestId) finish(outcome as InvocationOutcome, false);
      };
      const onError = (error: Error) => finish({ ok: false, error: { name: error.name, message: error.message } }, true);
      const onExit = (code: number) => finish({ ok: false, error: { name: "Runtime.ExitError", message: `environment exited with ${code}` } }, true);
      const timer = setTimeout(
        () => finish({ ok: false, error: { name: "Sandbox.Timedout", message: `Task timed out after ${this.settings.timeoutSeconds}.00 seconds` } }, true),
        timeoutMs,
      );
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage({ event, requestId, deadline: Date.now() + timeoutMs });
    });
  }

  /** Stops the environment's thread. */
  async shutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker.catch(() => undefined))?.terminate();
  }
}
