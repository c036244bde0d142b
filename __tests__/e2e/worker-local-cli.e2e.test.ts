import { spawn } from "child_process";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as fs from "fs";
import * as path from "path";
import { FAKE_AWS_ENV, startMoto, type MotoServer } from "../../tools/emulator/moto";
import { queueCounters } from "../../tools/shared/queue-depth";
import { WORKER_LOCAL_EXIT } from "../../tools/local-runner/run-report";
import { RECORD_FAILURE_WORKER } from "../helpers/local-runner-fixture";
import { synthApp, tempDirsRemovedAfterAll } from "../helpers/synth";

// `npm run worker:local` as a user runs it, a process against moto: its exit status, the
// lines it prints for failed records and at the end, a stop with Ctrl-C, an HCL stack, a
// missing queue and a zip swapped after synth. The worker is the runner's fixture, which logs
// makeHandler's record-failed line for the records it fails.

const ROOT = path.resolve(__dirname, "..", "..");
const temp = tempDirsRemovedAfterAll();
let moto: MotoServer;
let sqs: SQSClient;
let jsonOut: string;
let hclOut: string;
let queueUrl: string;
let dlqUrl: string;

/** A finished (or signalled) run of the command. */
interface Run {
  readonly code: number | null;
  readonly stderr: string;
  /** The last line on standard error. */
  readonly last: string;
}

/** The environment without SQS_WORKER_STAGE: the stacks here are synthesized without a stage. */
function withoutStage(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  delete rest.SQS_WORKER_STAGE;
  return rest;
}

/**
 * Starts `tools/worker-local.ts` as `npm run worker:local` does, against moto. `onStderr` sees
 * the text so far after each chunk and may act on the process (send it a signal).
 */
function workerLocal(
  args: readonly string[],
  onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void,
): Promise<Run> {
  const child = spawn(
    process.execPath,
    [
      "-r",
      "./scripts/register-ts.js",
      "tools/worker-local.ts",
      ...args,
      "--endpoint-url",
      moto.endpoint,
      "--region",
      "us-east-1",
      "--wait-seconds",
      "1",
    ],
    {
      cwd: ROOT,
      env: { ...withoutStage(process.env), ...FAKE_AWS_ENV },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr, (signal) => child.kill(signal));
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, last: stderr.trim().split("\n").pop() ?? "" });
    }),
  );
}

async function send(body: unknown): Promise<string> {
  return (await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }))).MessageId!;
}

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient({
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: { accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  // `ghost` is synthesized and never deployed: its queue is missing.
  const services = {
    fx: { lambda: { entry: RECORD_FAILURE_WORKER, timeoutSeconds: 5 }, deadLetterQueue: { maxReceiveCount: 2 } },
    ghost: { lambda: { entry: RECORD_FAILURE_WORKER } },
  };
  jsonOut = temp("cli-json");
  hclOut = temp("cli-hcl");
  await synthApp(jsonOut, { services });
  await synthApp(hclOut, { services, hcl: true });
  // The queues Terraform would create, made directly: what matters here is the runner.
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "fx-dlq" }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn;
  queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: "fx-queue",
        Attributes: {
          VisibilityTimeout: "30",
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
        },
      }),
    )
  ).QueueUrl!;
}, 180_000);

afterAll(async () => {
  await moto?.stop();
});

describe("npm run worker:local against the emulator", () => {
  test("records that fail: one line each with id and reason, dead-lettering named, the worker's own lines still shown, a summary, exit 4", async () => {
    const ok = await send({});
    const poison = await send({ fail: "poison message" });
    const silent = await send({ failSilently: true });
    const run = await workerLocal(["fx", "--outdir", jsonOut, "--until-empty", "--release-failed"]);
    expect(run.code).toBe(WORKER_LOCAL_EXIT.recordsFailed);
    expect(run.stderr).toContain(`run fx: record ${poison} failed (receive 1 of 2): Error: poison message`);
    expect(run.stderr).toContain(
      `run fx: record ${poison} failed (receive 2 of 2, its last: dead-lettered): Error: poison message`,
    );
    expect(run.stderr).toContain(
      `run fx: record ${silent} failed (receive 2 of 2, its last: dead-lettered): no reason logged`,
    );
    expect(run.stderr).not.toContain(`record ${ok} failed`);
    // Captured, and still written out as the worker wrote it.
    expect(run.stderr).toContain(
      JSON.stringify({ event: "record-failed", messageId: poison, error: "Error: poison message" }),
    );
    expect(run.last).toMatch(
      /^run fx: queue empty \(--until-empty\): 5 records in \d+ batches, 1 deleted, 4 failed receives of 2 messages \(2 dead-lettered\); exit 4 \(records failed\)$/,
    );
    expect((await queueCounters(sqs, dlqUrl)).visible).toBe(2);
  });

  test("a clean run of an HCL stack (cdktf synth --hcl): summary says none failed, exit 0", async () => {
    expect(fs.existsSync(path.join(hclOut, "stacks", "fx", "cdk.tf.json"))).toBe(false);
    await send({});
    await send({});
    const run = await workerLocal(["fx", "--outdir", hclOut, "--until-empty"]);
    expect(run.last).toMatch(
      /^run fx: queue empty \(--until-empty\): 2 records in \d batche?s?, 2 deleted, none failed; exit 0 \(clean\)$/,
    );
    expect(run.code).toBe(WORKER_LOCAL_EXIT.ok);
  });

  test("a missing queue is named with where the runner looked and the stack that names it, exit 1", async () => {
    const run = await workerLocal(["ghost", "--outdir", jsonOut]);
    expect(run.code).toBe(WORKER_LOCAL_EXIT.error);
    expect(run.last).toBe(
      `run: no queue named "ghost-queue" in us-east-1 at ${moto.endpoint}: the stack ghost (${path.join(jsonOut, "stacks", "ghost")}, no stage) names it; ` +
        "deploy it first (npx cdktf deploy ghost), or pass --queue-url",
    );
  });

  test("a zip swapped after synth is refused before anything runs, exit 1", async () => {
    const swapped = temp("cli-swapped");
    fs.cpSync(jsonOut, swapped, { recursive: true });
    const zips = (service: string) =>
      fs
        .readdirSync(path.join(swapped, "stacks", service, "assets"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith("lambda.zip"));
    const fxZip = path.join(swapped, "stacks", "fx", "assets", zips("fx")[0]);
    fs.writeFileSync(fxZip, Buffer.concat([fs.readFileSync(fxZip), Buffer.from(" ")]));
    const run = await workerLocal(["fx", "--outdir", swapped]);
    expect(run.code).toBe(WORKER_LOCAL_EXIT.error);
    expect(run.last).toMatch(
      new RegExp(
        `^run: ${fxZip.replace(/[.+]/g, "\\$&")} does not match the stack: its SHA-256 is \\S+ but the function's source_code_hash is \\S+; synthesize the app again \\(cdktf synth\\)$`,
      ),
    );
  });

  test("stopped with Ctrl-C after a failure: the summary says so, exit 4", async () => {
    const poison = await send({ fail: "still broken" });
    let interrupted = false;
    const run = await workerLocal(["fx", "--outdir", jsonOut], (text, kill) => {
      if (!interrupted && text.includes(`record ${poison} failed`)) {
        interrupted = true;
        kill("SIGINT");
      }
    });
    expect(run.stderr).toContain(`run fx: record ${poison} failed (receive 1 of 2): Error: still broken`);
    expect(run.last).toMatch(
      /^run fx: stopped by Ctrl-C: 1 record in 1 batch, 0 deleted, 1 failed receive of 1 message \(0 dead-lettered\); exit 4 \(records failed\)$/,
    );
    expect(run.code).toBe(WORKER_LOCAL_EXIT.recordsFailed);
  });
});
