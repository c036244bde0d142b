import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as net from "net";
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
}

const ROOT = path.resolve(__dirname, "..", "..");
const LAUNCHER = path.join(__dirname, "moto_server.py");
const MOTO_VERSION = "5.2.1";
const VENV = path.join(ROOT, ".venv-moto");

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
 * A Python interpreter that can import moto: $MOTO_PYTHON, the machine's python3 (the image
 * ships moto 5), or a project venv with moto[server] installed from PyPI on first use.
 */
export function motoPython(): string {
  const candidates = [process.env.MOTO_PYTHON, "python3", path.join(VENV, "bin", "python")].filter(Boolean) as string[];
  for (const python of candidates) {
    if (spawnSync(python, ["-c", "import moto.server, moto.sqs"], { stdio: "ignore" }).status === 0) return python;
  }
  const created = spawnSync("python3", ["-m", "venv", VENV], { stdio: "inherit" });
  const installed =
    created.status === 0 &&
    spawnSync(path.join(VENV, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `moto[server]==${MOTO_VERSION}`], { stdio: "inherit" }).status === 0;
  if (!installed) throw new Error(`moto is not installed and installing moto[server]==${MOTO_VERSION} into ${VENV} failed`);
  return path.join(VENV, "bin", "python");
}

async function waitUntilReady(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode} before it was ready:\n${log()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
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
  const dedup = options.fifoDedupSeconds === undefined ? {} : { SQS_WORKER_EMULATOR_FIFO_DEDUP_SECONDS: String(options.fifoDedupSeconds) };
  const child = spawn(python, [LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...FAKE_AWS_ENV, ...dedup },
  });
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
    freeze: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGSTOP");
    },
    resume: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGCONT");
    },
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGCONT"); // a frozen server would not act on SIGTERM
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
