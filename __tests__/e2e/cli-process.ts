import { spawn, type ChildProcess } from "child_process";
import * as path from "path";

/**
 * The fault tests' harness: a CLI of this repository run as a real child process (so that it can
 * be killed -9, interrupted with SIGINT, or left blocked on a frozen endpoint), with its output
 * collected line by line and waits on lines instead of fixed sleeps.
 */

const ROOT = path.resolve(__dirname, "..", "..");

/** One line a child wrote, with the stream and the time it arrived. */
export interface OutputLine {
  readonly stream: "stdout" | "stderr";
  readonly text: string;
  /** Date.now() when the line arrived. */
  readonly at: number;
}

/** How a child ended: its exit code (null when a signal ended it) and the signal. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds from spawn to exit. */
  readonly ms: number;
}

export class CliProcess {
  /** Every line so far, both streams, in arrival order. */
  readonly lines: OutputLine[] = [];
  /** Date.now() at spawn. */
  readonly startedAt = Date.now();
  /** Resolves when the process has exited and both streams are read to their end. */
  readonly exited: Promise<Exit>;
  private readonly listeners = new Set<() => void>();
  private ended = false;

  constructor(
    /** A short name for messages (the command line). */
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    const streamEnded = (stream: "stdout" | "stderr") =>
      new Promise<void>((resolve) => {
        let partial = "";
        const source = child[stream]!;
        source.setEncoding("utf8");
        source.on("data", (chunk: string) => {
          const parts = (partial + chunk).split("\n");
          partial = parts.pop()!;
          for (const text of parts) this.push(stream, text);
        });
        source.on("end", () => {
          if (partial !== "") this.push(stream, partial);
          resolve();
        });
        source.on("error", () => resolve());
      });
    const ends = Promise.all([streamEnded("stdout"), streamEnded("stderr")]);
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
      child.once("error", () => resolve({ code: null, signal: null }));
    });
    this.exited = Promise.all([exit, ends]).then(([result]) => {
      this.ended = true;
      this.notify();
      return { ...result, ms: Date.now() - this.startedAt };
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True once the process has exited. */
  get done(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The stdout lines so far. */
  get stdout(): string[] {
    return this.lines.filter((l) => l.stream === "stdout").map((l) => l.text);
  }

  /** The stderr lines so far. */
  get stderr(): string[] {
    return this.lines.filter((l) => l.stream === "stderr").map((l) => l.text);
  }

  /** Both streams so far, for failure messages. */
  transcript(): string {
    return this.lines
      .map((l) => `${l.stream === "stdout" ? "OUT" : "ERR"} +${((l.at - this.startedAt) / 1000).toFixed(1)}s ${l.text}`)
      .join("\n");
  }

  /**
   * The first line (from index `from` of {@link lines} on) that matches `pattern`, waiting up to
   * `timeoutMs` for it. Rejects on timeout, or when the process ends without writing one.
   */
  async waitForLine(
    pattern: RegExp,
    options: { timeoutMs?: number; stream?: "stdout" | "stderr"; from?: number } = {},
  ): Promise<OutputLine & { index: number }> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    let next = options.from ?? 0;
    const find = () => {
      for (; next < this.lines.length; next++) {
        const line = this.lines[next];
        if ((!options.stream || line.stream === options.stream) && pattern.test(line.text))
          return { ...line, index: next };
      }
      return undefined;
    };
    const found = find();
    if (found) return found;
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (hit) return finish(() => resolve(hit));
        if (this.ended)
          finish(() =>
            reject(new Error(`${this.label} exited without a line matching ${pattern}:\n${this.transcript()}`)),
          );
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(`${this.label}: no line matching ${pattern} within ${timeoutMs} ms:\n${this.transcript()}`),
            ),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends `signal` (no-op once the process has exited). */
  signal(signal: NodeJS.Signals): void {
    if (!this.done) this.child.kill(signal);
  }

  /** SIGKILL, then waits for the exit. */
  async kill9(): Promise<Exit> {
    this.signal("SIGKILL");
    return this.exited;
  }

  /** Waits for the exit, at most `timeoutMs` (then kills it -9 and rejects with its output). */
  async exit(timeoutMs = 60_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.signal("SIGKILL");
        reject(new Error(`${this.label} did not exit within ${timeoutMs} ms (killed):\n${this.transcript()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private push(stream: "stdout" | "stderr", text: string): void {
    this.lines.push({ stream, text, at: Date.now() });
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

const running = new Set<CliProcess>();

/**
 * Runs `node -r ./scripts/register-ts.js <script> ...args` from the repository root with
 * `env` added to this process's environment (what `npm run dlq -- ...` runs, without npm in
 * between, so that signals reach the tool itself).
 */
export function spawnCli(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): CliProcess {
  const child = spawn(process.execPath, ["-r", "./scripts/register-ts.js", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const cli = new CliProcess(`${path.basename(script)} ${args.join(" ")}`, child);
  running.add(cli);
  void cli.exited.then(() => running.delete(cli));
  return cli;
}

/** Kills -9 every child started by {@link spawnCli} that is still running (for afterAll/afterEach). */
export async function killLeftovers(): Promise<void> {
  await Promise.all([...running].map((cli) => cli.kill9()));
}

/** The children still running. */
export function leftovers(): readonly CliProcess[] {
  return [...running];
}
