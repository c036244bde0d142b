import { execFile, spawn, type ChildProcess } from "child_process";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { freePort } from "../../tools/emulator/moto";
import { makeTempDir, removeDir } from "../helpers/synth";
import { prepareTerraform } from "../helpers/terraform";
import { consumerSection, exportedVariables, readReadme, readmeSteps, type ReadmeStep } from "./readme-steps";

// The README's "Using the construct in your repository", followed as written by a new user:
// a folder made by today's `cdktf init --template=typescript` (its package.json, tsconfig and
// cdktf.json as the template writes them, its dependencies from the registry), then every
// command, file and cdktf.json line of the section, read from the README itself, in order. The
// only changes: the tarball path (the README's is relative to a sibling clone) and the
// emulator's port (a free one instead of 5000, which another suite may hold). A section edited
// into something that no longer works fails here.

const ROOT = path.resolve(__dirname, "..", "..");
const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");
const exec = promisify(execFile);
const tool = prepareTerraform();
const README_TARBALL = /\S*sqs-worker-cdktf-(\d+\.\d+\.\d+)\.tgz/;

let work: string;
let app: string;
let tarball: string;
let steps: ReadmeStep[];
let env: NodeJS.ProcessEnv;
let emulator: ChildProcess | undefined;
let emulatorOutput = "";
/** What each README command printed, by its line. */
const outputs = new Map<string, { code: number; output: string }>();

async function sh(line: string, cwd = app): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec("bash", ["-c", line], { cwd, env, timeout: 400_000, maxBuffer: 64 << 20 });
    return { code: 0, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}\n${e.stderr ?? ""}` };
  }
}

/** Starts the README's emulator line in the background (as "terminal 1") and takes its exports (as pasted into terminal 2). */
async function startEmulator(line: string): Promise<void> {
  const port = await freePort();
  // Its own process group: Ctrl-C (SIGINT to the group, as a terminal sends it) reaches npx and the emulator.
  emulator = spawn("bash", ["-c", `exec ${line} --port ${port}`], {
    cwd: app,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [emulator.stdout!, emulator.stderr!])
    stream.on("data", (chunk: Buffer) => (emulatorOutput += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!/^\s*export TF_VAR_alert_sns_arn=/m.test(emulatorOutput)) {
    if (Date.now() > deadline || emulator.exitCode !== null)
      throw new Error(`the emulator did not start:\n${emulatorOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  env = { ...env, ...exportedVariables(emulatorOutput) };
}

/**
 * A failed `cdktf deploy` usually hides Terraform's error (docs/deploying.md: cdktf 0.21 ends its
 * display before drawing it), so the failure shows what `terraform plan` says in the stack folder.
 */
async function withPlanOnFailure(
  line: string,
  result: { code: number; output: string },
): Promise<{ code: number; output: string }> {
  const stack = /cdktf deploy (\S+)/.exec(line)?.[1];
  if (result.code === 0 || !stack) return result;
  const plan = await sh(
    `terraform plan -input=false -no-color 2>&1 | tail -40`,
    path.join(app, "cdktf.out", "stacks", stack),
  );
  return {
    ...result,
    output: `${result.output.slice(-1500)}\n--- terraform plan in the stack folder:\n${plan.output}`,
  };
}

async function queueExists(name: string): Promise<boolean> {
  const sqs = new SQSClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  try {
    await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch {
    return false;
  } finally {
    sqs.destroy();
  }
}

beforeAll(async () => {
  if (!tool.ok) throw new Error(`the quick-start test needs terraform and the provider mirror: ${tool.reason}`);
  steps = readmeSteps(consumerSection(readReadme(ROOT)));
  work = makeTempDir("quick-start");
  // The machine's terraform settings: the provider mirror only (never the registry), no prompts left open.
  const offline = { ...tool.env };
  delete offline.TF_INPUT;
  env = {
    ...offline,
    CHECKPOINT_DISABLE: "1",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  const packed = await exec("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: ROOT,
    env,
    maxBuffer: 64 << 20,
  });
  const [packedFile] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as { filename: string }[];
  tarball = path.join(work, packedFile.filename);
  app = path.join(work, "invoices");
  fs.mkdirSync(app);
  // The README's `cdktf init` line, with the answers its prompts would ask for.
  const init = await exec(
    CDKTF,
    [
      "init",
      "--template=typescript",
      "--local",
      "--project-name=invoices",
      "--project-description=quick start",
      "--enable-crash-reporting=false",
    ],
    {
      cwd: app,
      env,
      maxBuffer: 64 << 20,
    },
  );
  expect(init.stdout).toContain("Your CDKTF TypeScript project is ready!");
  // What the README says of today's template: TypeScript 7, which ts-node cannot run (the install line pins 5).
  const template = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  expect(template.devDependencies.typescript).toMatch(/^\^7\./);
}, 600_000);

afterAll(async () => {
  if (emulator?.pid && emulator.exitCode === null) {
    const exited = new Promise((resolve) => emulator!.once("exit", resolve));
    process.kill(-emulator.pid, "SIGINT");
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 15_000)),
    ]);
    if (!stopped) process.kill(-emulator.pid, "SIGKILL");
  }
  if (work) removeDir(work);
  if (tool.ok) removeDir(tool.dir);
});

describe("the README's quick start, in a folder made by today's cdktf init", () => {
  test("the README names the packed tarball of this version", () => {
    const install = steps.find((step) => step.kind === "command" && README_TARBALL.test(step.line));
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(install && install.kind === "command" ? README_TARBALL.exec(install.line)![1] : undefined).toBe(version);
    // Every kind of step is there: the test below would pass vacuously on an empty section.
    expect(steps.filter((s) => s.kind === "file").map((s) => (s as { path: string }).path)).toEqual([
      "workers/invoices.ts",
      "main.ts",
    ]);
    expect(steps.filter((s) => s.kind === "cdktf-app")).toHaveLength(1);
    expect(steps.filter((s) => s.kind === "command").length).toBeGreaterThanOrEqual(8);
  });

  test("every command of the section succeeds in order, and each does what the README says", async () => {
    for (const step of steps) {
      if (step.kind === "file") {
        fs.mkdirSync(path.dirname(path.join(app, step.path)), { recursive: true });
        fs.writeFileSync(path.join(app, step.path), step.content);
      } else if (step.kind === "cdktf-app") {
        const config = JSON.parse(fs.readFileSync(path.join(app, "cdktf.json"), "utf8")) as Record<string, unknown>;
        fs.writeFileSync(path.join(app, "cdktf.json"), JSON.stringify({ ...config, app: step.app }, null, 2));
      } else if (/sqs-worker emulator$/.test(step.line)) {
        await startEmulator(step.line);
      } else {
        const line = step.line.replace(README_TARBALL, tarball);
        const result = await withPlanOnFailure(line, await sh(line));
        outputs.set(step.line, result);
        expect({ line, code: result.code, tail: result.code === 0 ? "" : result.output.slice(-4000) }).toEqual({
          line,
          code: 0,
          tail: "",
        });
      }
    }
    const printed = (pattern: RegExp) => [...outputs.entries()].find(([line]) => pattern.test(line))?.[1].output ?? "";
    expect(printed(/^npm install /)).not.toMatch(/ERESOLVE|--legacy-peer-deps/);
    expect(fs.existsSync(path.join(app, "cdktf.out", "stacks", "dev-invoices", "cdk.tf.json"))).toBe(true);
    expect(fs.existsSync(path.join(app, "cdktf.out", "stacks", "prod-invoices", "cdk.tf.json"))).toBe(true);
    expect(printed(/^npx sqs-worker --help/)).toMatch(/^usage: sqs-worker <command>/m);
    expect(printed(/ send /)).toMatch(/^sent message \S+ to .*dev-invoices-queue/m);
    expect(printed(/sqs-worker run /)).toContain("invoice i-1 sent");
    expect(printed(/sqs-worker run /)).toMatch(/1 record in 1 batch, 1 deleted, none failed; exit 0 \(clean\)/);
    expect(printed(/ status /)).toMatch(/^dead-letter queue {2}visible 0, in flight 0, delayed 0/m);
    expect(printed(/cdktf destroy dev-invoices/)).toMatch(/Destroy complete/);
    expect(await queueExists("dev-invoices-queue")).toBe(false);
  });

  test("the app's prod stage deploys beside dev on the emulator, each with its own names and state", async () => {
    // One cdktf command for both stacks, as a team deploying a release to two stages would.
    const line = "npx cdktf deploy dev-invoices prod-invoices --auto-approve";
    const deploy = await withPlanOnFailure(line, await sh(line));
    expect({ code: deploy.code, tail: deploy.code === 0 ? "" : deploy.output.slice(-4000) }).toEqual({
      code: 0,
      tail: "",
    });
    for (const name of ["dev-invoices-queue", "dev-invoices-dlq", "prod-invoices-queue", "prod-invoices-dlq"])
      expect({ name, exists: await queueExists(name) }).toEqual({ name, exists: true });
    expect(fs.existsSync(path.join(app, "terraform.dev-invoices.tfstate"))).toBe(true);
    expect(fs.existsSync(path.join(app, "terraform.prod-invoices.tfstate"))).toBe(true);
    const prodStatus = await sh("npx sqs-worker dlq invoices status --stage prod");
    expect(prodStatus.output).toMatch(/^alarm +prod-invoices-dlq-not-empty: OK$/m);
    const destroy = await sh("npx cdktf destroy dev-invoices prod-invoices --auto-approve");
    expect({ code: destroy.code, tail: destroy.code === 0 ? "" : destroy.output.slice(-4000) }).toEqual({
      code: 0,
      tail: "",
    });
    expect(await queueExists("prod-invoices-queue")).toBe(false);
  });

  test("each command's --help exits 0; an option that is not the command's exits 2 naming it", async () => {
    for (const command of ["dlq", "run", "emulator"]) {
      const help = await sh(`npx sqs-worker ${command} --help`);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.output).toMatch(new RegExp(`^usage: sqs-worker ${command}`, "m"));
    }
    const foreign = await sh("npx sqs-worker run invoices --count 3");
    expect(foreign.code).toBe(2);
    expect(foreign.output).toMatch(/unknown option --count/);
  });

  test("a config error under npx cdktf synth prints its lines, no stack trace and no object dump", async () => {
    const main = fs.readFileSync(path.join(app, "main.ts"), "utf8");
    fs.writeFileSync(path.join(app, "main.ts"), main.replace("timeoutSeconds: 40", "timeoutSeconds: 1000"));
    try {
      const synth = await sh("npx cdktf synth");
      expect(synth.code).not.toBe(0);
      const violation = synth.output.split("\n").filter((line) => /- dev-invoices: lambda\.timeoutSeconds/.test(line));
      expect(violation.length).toBeGreaterThanOrEqual(1);
      expect(violation.length).toBeLessThanOrEqual(4); // two stages, each at most twice (cdktf repeats the app's stderr)
      expect(synth.output.split("\n").filter((line) => /^\s*at /.test(line))).toEqual([]);
      expect(synth.output).not.toMatch(/violations: \[/);
    } finally {
      fs.writeFileSync(path.join(app, "main.ts"), main);
    }
  });
});
