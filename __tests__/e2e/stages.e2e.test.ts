import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { FAKE_AWS_ENV } from "../../tools/emulator/moto";
import { nodeSupportLine, SDK_NODE_WARNING_SWITCH } from "../../tools/shared/node-support";
import { TEST_ENTRY } from "../helpers/props";
import { deployApp, type DeployedApp } from "./deployed-app";

// Issue 21, stages: one app synthesizes dev and prod of one service, both stacks deploy side by
// side on the emulator (terraform apply, each with its own state), and `sqs-worker dlq` and
// `sqs-worker run` reach each one with --stage (or SQS_WORKER_STAGE), run from the app's folder as
// a user runs them. Without a stage, the command names what it tried and the stacks synthesized.

const ROOT = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);
let app: DeployedApp;

beforeAll(async () => {
  app = await deployApp(
    "stages",
    { invoices: { lambda: { entry: TEST_ENTRY, timeoutSeconds: 10 } } },
    { stages: ["dev", "prod"] },
  );
}, 300_000);
afterAll(async () => {
  await app?.tearDown();
}, 300_000);

/** This process's environment without npm's variables (the usage would say `npm run`), a stage, or the SDK's warning switch. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith("npm_") && name !== "SQS_WORKER_STAGE" && name !== SDK_NODE_WARNING_SWITCH,
    ),
  );

/** `sqs-worker <args>` from the app's folder against the emulator (its sources stand in for the package's bin). */
async function sqsWorker(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = ["-r", path.join(ROOT, "scripts", "register-ts.js"), path.join(ROOT, "tools", "sqs-worker.ts"), ...args];
  try {
    const { stdout, stderr } = await run(process.execPath, argv, {
      cwd: app.projectDir,
      env: { ...cleanEnv(), ...app.env, ...env },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The last line of a command's standard error (the AWS SDK may print a Node version advisory first). */
const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";

/** The `visible` count of the queue line (`queue` or `dead-letter queue`) of `dlq status`. */
function visible(status: string, queue: "queue" | "dead-letter queue"): number {
  const line = status.split("\n").find((l) => l.startsWith(`${queue} `.padEnd(19)));
  return Number(/visible (\d+)/.exec(line ?? "")?.[1]);
}

test("dev and prod of one service deploy side by side: their own queues, and their own state named as the stacks", async () => {
  const sqs = new SQSClient({
    region: FAKE_AWS_ENV.AWS_REGION,
    endpoint: app.moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
  expect(QueueUrls.map((url) => url.split("/").pop()).sort()).toEqual([
    "dev-invoices-dlq",
    "dev-invoices-queue",
    "prod-invoices-dlq",
    "prod-invoices-queue",
  ]);
  const output = (stack: string) =>
    (
      JSON.parse(fs.readFileSync(path.join(app.projectDir, `terraform.${stack}.tfstate`), "utf8")) as {
        outputs: Record<string, { value: string }>;
      }
    ).outputs.queue_url.value;
  expect(output("dev-invoices")).toMatch(/\/dev-invoices-queue$/);
  expect(output("prod-invoices")).toMatch(/\/prod-invoices-queue$/);
  expect(fs.readdirSync(path.join(app.outdir, "stacks")).sort()).toEqual(["dev-invoices", "prod-invoices"]);
});

test("sqs-worker dlq --stage reads and writes that stage's queues; --stage wins over SQS_WORKER_STAGE", async () => {
  const sent = await sqsWorker(["dlq", "invoices", "send", "--stage", "prod", "--body", '{"invoice":"i-1"}']);
  expect(sent.code).toBe(0);
  expect(sent.stdout).toMatch(/^sent message \S+ to \S+\/prod-invoices-queue$/m);
  // On Node < 22 one line of the command's own, instead of the AWS SDK's eight-line warning.
  expect(sent.stderr.split("\n").filter(Boolean)).toEqual(nodeSupportLine() ? [nodeSupportLine()] : []);

  const prod = await sqsWorker(["dlq", "invoices", "status", "--stage", "prod"]);
  expect(prod.code).toBe(0);
  expect(visible(prod.stdout, "queue")).toBe(1);
  expect(prod.stdout).toContain("alarm              prod-invoices-dlq-not-empty: ");
  const dev = await sqsWorker(["dlq", "invoices", "status", "--stage", "dev"]);
  expect(dev.code).toBe(0);
  expect(visible(dev.stdout, "queue")).toBe(0);
  expect(dev.stdout).toContain("alarm              dev-invoices-dlq-not-empty: ");

  expect(visible((await sqsWorker(["dlq", "invoices", "status"], { SQS_WORKER_STAGE: "prod" })).stdout, "queue")).toBe(
    1,
  );
  expect(
    visible(
      (await sqsWorker(["dlq", "invoices", "status", "--stage", "dev"], { SQS_WORKER_STAGE: "prod" })).stdout,
      "queue",
    ),
  ).toBe(0);
});

test("sqs-worker run --stage runs that stage's stack (cdktf.out/stacks/prod-invoices) against its queue", async () => {
  const worked = await sqsWorker(["run", "invoices", "--stage", "prod", "--until-empty", "--wait-seconds", "1"]);
  expect({ code: worked.code, last: lastLine(worked.stderr) }).toEqual({
    code: 0,
    last: "run invoices: queue empty (--until-empty): 1 record in 1 batch, 1 deleted, none failed; exit 0 (clean)",
  });
  expect(worked.stderr).toMatch(/^run invoices: polling \S+\/prod-invoices-queue /m);
  expect(visible((await sqsWorker(["dlq", "invoices", "status", "--stage", "prod"])).stdout, "queue")).toBe(0);
});

test("without a stage, each command says what it tried, that a stage may be missing, and the stacks synthesized", async () => {
  const status = await sqsWorker(["dlq", "invoices", "status"]);
  expect(status.code).toBe(3);
  expect(lastLine(status.stderr)).toBe(
    `dlq: no queues of invoices in us-east-1 at ${app.moto.endpoint}: tried invoices-queue and invoices-dlq, then invoices-queue.fifo and invoices-dlq.fifo (no stage, no name prefix); ` +
      "a stage (--stage or SQS_WORKER_STAGE) or a namePrefix (--name-prefix) may be missing or another; " +
      "stacks in cdktf.out: dev-invoices, prod-invoices (invoices: --stage dev or --stage prod); else check the service name and --region, or pass --queue-url",
  );
  const worker = await sqsWorker(["run", "invoices"]);
  expect(worker.code).toBe(1);
  expect(lastLine(worker.stderr)).toMatch(
    /^run: no synthesized stack invoices \(no stage\): tried cdktf\.out\/stacks\/invoices \(neither cdk\.tf\.json nor cdk\.tf\); a stage \(--stage or SQS_WORKER_STAGE\) may be missing or another; stacks in cdktf\.out: dev-invoices, prod-invoices \(invoices: --stage dev or --stage prod\)$/,
  );
});
