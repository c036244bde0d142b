import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/**
 * The AWS emulator of the tests and of `npm run emulator`: moto, patched where it differs
 * from AWS in ways that break Terraform or the worker's semantics (see moto_server.py).
 */

/** A running moto server on 127.0.0.1 and how to stop it. */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  /** moto's process id (the fault tests freeze it with SIGSTOP and resume it with SIGCONT). */
  readonly pid: number;
  /**
   * Freezes the server (SIGSTOP): it keeps its port and connections but answers nothing, as a
   * stalled endpoint does, until {@link resume}. {@link stop} resumes it first.
   */
  freeze(): void;
  /** Resumes a frozen server (SIGCONT); harmless when it is not frozen. */
  resume(): void;
  /** Stops the server (SIGCONT, SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** The last 20,000 characters moto wrote to stderr (request log and tracebacks). */
  log(): string;
  /**
   * Settles when moto's process has exited, for whatever reason: after {@link stop}, or by
   * itself (a crash, a kill from outside). `sqs-worker emulator` reports the latter.
   */
  readonly exited: Promise<MotoExit>;
}

/** How moto's process ended: its exit code, or the signal that ended it. */
export interface MotoExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** "exit code 1", "signal SIGKILL": how a {@link MotoExit} reads in a line. */
export function describeExit(exit: MotoExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

const ROOT = path.resolve(__dirname, "..", "..");
const LAUNCHER = path.join(__dirname, "moto_server.py");
/** The moto release moto_server.py patches; the one installed when the machine has none. */
export const MOTO_VERSION = "5.2.1";
/** Run from this repository's TypeScript sources (npm scripts, jest), not from the compiled package. */
const FROM_SOURCE = __filename.endsWith(".ts");
/** The marker a finished install leaves in its venv: a venv without it is a stopped install. */
const INSTALLED_MARKER = ".sqs-worker-installed";

/** The credentials and region every client uses against moto: fake, never real. */
export const FAKE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_SESSION_TOKEN: "testing",
  AWS_REGION: "us-east-1",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true",
} as const;

/** moto's default account id, in every ARN it returns. */
export const MOTO_ACCOUNT_ID = "123456789012";

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether something already listens on `host`:`port`: true when a test server cannot bind it
 * (EADDRINUSE). Any other bind error (EACCES, ...) rejects. Checked before starting moto on a
 * given port, because moto's readiness check would otherwise take the other server's answer
 * for its own.
 */
export function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" ? resolve(true) : reject(error),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * Where the package caches what it installs: $XDG_CACHE_HOME/sqs-worker, else
 * ~/.cache/sqs-worker.
 */
export function cacheFolder(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache"), "sqs-worker");
}

/** Options of {@link motoPython}: for tests, and to say what it does. */
export interface MotoPythonOptions {
  /** The environment: MOTO_PYTHON, PATH (to find python3), XDG_CACHE_HOME and HOME. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where to install moto when no Python has it: this repository's .venv-moto, else the cache folder. */
  readonly venv?: string;
  /** Progress lines of a first-use install (default: standard error). */
  readonly say?: (line: string) => void;
}

/**
 * A Python interpreter that can import moto, in this order: $MOTO_PYTHON, the machine's
 * python3 (the image ships moto 5), a venv with moto[server]==MOTO_VERSION (this repository's
 * .venv-moto when run from its sources, else <cache>/moto-<version>: see {@link cacheFolder}),
 * installed from PyPI on first use with a line saying so. Without python3 it throws one line
 * saying what to install.
 */
export function motoPython(options: MotoPythonOptions = {}): string {
  const env = { ...process.env, ...options.env };
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const venv =
    options.venv ?? (FROM_SOURCE ? path.join(ROOT, ".venv-moto") : path.join(cacheFolder(env), `moto-${MOTO_VERSION}`));
  const venvPython = path.join(venv, "bin", "python");
  const canImportMoto = (python: string) =>
    spawnSync(python, ["-c", "import moto.server, moto.sqs"], { stdio: "ignore", env }).status === 0;
  const candidates = [env.MOTO_PYTHON, "python3"].filter(Boolean) as string[];
  for (const python of candidates) if (canImportMoto(python)) return python;
  if (fs.existsSync(path.join(venv, INSTALLED_MARKER)) && canImportMoto(venvPython)) return venvPython;
  // This repository's venv predates the marker: one that imports moto is a finished install.
  if (FROM_SOURCE && !options.venv && canImportMoto(venvPython)) return venvPython;

  const python = spawnSync("python3", ["--version"], { encoding: "utf8", env });
  if (python.error || python.status !== 0) {
    const why = python.error
      ? "python3 is not on PATH"
      : `python3 --version failed: ${(python.stderr || python.stdout).trim().split("\n")[0]}`;
    throw new Error(
      `moto needs Python 3 and ${why}: install python3 with its venv module (e.g. apt-get install python3 python3-venv, or brew install python), or set MOTO_PYTHON to a Python that has moto[server]==${MOTO_VERSION}`,
    );
  }
  const started = Date.now();
  say(
    `emulator: installing moto[server]==${MOTO_VERSION} from PyPI into ${venv} (first use only; ${python.stdout.trim() || "python3"}) ...`,
  );
  fs.rmSync(venv, { recursive: true, force: true }); // a stopped install's leftovers
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  const run = (command: string, args: string[], what: string) => {
    const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], env });
    if (result.status !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      throw new Error(
        `installing moto failed: ${what} exited with ${result.status ?? result.signal ?? result.error?.message} (output above)`,
      );
    }
  };
  run("python3", ["-m", "venv", venv], "python3 -m venv (on Debian and Ubuntu: apt-get install python3-venv)");
  run(
    path.join(venv, "bin", "pip"),
    ["install", "--quiet", "--disable-pip-version-check", `moto[server]==${MOTO_VERSION}`],
    "pip install",
  );
  fs.writeFileSync(path.join(venv, INSTALLED_MARKER), `moto[server]==${MOTO_VERSION}\n`);
  say(
    `emulator: installed moto ${MOTO_VERSION} in ${Math.round((Date.now() - started) / 1000)} s; next starts use it as is`,
  );
  return venvPython;
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/**
 * Waits until moto answers on `endpoint`. An answer counts only while our own moto process is
 * still running: another server on the same port answers too, and our moto then fails to bind
 * and exits.
 */
async function waitUntilReady(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  const exitedEarly = () =>
    new Error(
      `moto exited with ${describeExit({ code: child.exitCode, signal: child.signalCode })} before it was ready:\n${log()}`,
    );
  while (Date.now() < deadline) {
    let answered = false;
    try {
      answered = (await fetch(`${endpoint}/moto-api/`)).ok;
    } catch {
      // not listening yet
    }
    // Checked after the request: an answer while our moto is gone came from another server.
    if (!isRunning(child)) throw exitedEarly();
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto did not answer on ${endpoint} within 30 s:\n${log()}`);
}

/**
 * Starts the patched moto (moto_server.py) on 127.0.0.1, at `port` or a free one. Always pair
 * with `stop()` (in afterAll or a finally): the process is also killed if this Node process
 * exits first (SIGKILL, which also ends a frozen one).
 *
 * `fifoDedupSeconds` sets the FIFO deduplication window (patch 7 of moto_server.py; SQS's and
 * the default: 300). 0 turns deduplication off, for tests that must not rely on it.
 */
export async function startMoto(options: { port?: number; fifoDedupSeconds?: number } = {}): Promise<MotoServer> {
  const python = motoPython();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const dedup =
    options.fifoDedupSeconds === undefined
      ? {}
      : { SQS_WORKER_EMULATOR_FIFO_DEDUP_SECONDS: String(options.fifoDedupSeconds) };
  const child = spawn(python, [LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...FAKE_AWS_ENV, ...dedup },
  });
  const exited = new Promise<MotoExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  try {
    await waitUntilReady(endpoint, child, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    endpoint,
    port,
    pid: child.pid!,
    log: () => stderr,
    exited,
    freeze: () => {
      if (isRunning(child)) child.kill("SIGSTOP");
    },
    resume: () => {
      if (isRunning(child)) child.kill("SIGCONT");
    },
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (!isRunning(child)) return;
      child.kill("SIGCONT"); // a frozen server would not act on SIGTERM
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
