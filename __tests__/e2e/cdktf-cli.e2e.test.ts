import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CODE_CHANGED_MESSAGE } from "../../modules/sqs-worker/code-precondition";
import { FAKE_AWS_ENV, startMoto, type MotoServer } from "../../tools/emulator/moto";
import { makeTempDir, removeDir } from "../helpers/synth";
import { prepareTerraform, type TerraformState } from "../helpers/terraform";

// Rung 6, the service team's path: the real cdktf CLI deploys, diffs and destroys one service
// against the emulator, in the order a newcomer follows the README (npm run synth, then
// cdktf synth --hcl, then cdktf deploy), with providers only from the local mirror (the
// registry is excluded) and no TF_INPUT=0: a prompt would hang the test.

const ROOT = path.resolve(__dirname, "..", "..");
const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");
const exec = promisify(execFile);
const tool = prepareTerraform();

let moto: MotoServer;
let project: string;
let outdir: string;
let topicArn: string;
let env: NodeJS.ProcessEnv;
let sqs: SQSClient;

interface Run {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

/** Runs a command in the repository with the emulator's environment; never throws on a non-zero exit. */
async function run(file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await exec(file, args, {
      cwd: ROOT,
      env: { ...env, ...extraEnv },
      timeout: 300_000,
      maxBuffer: 64 << 20,
    });
    return { code: 0, output: `${stdout}\n${stderr}`, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    return {
      code: e.killed ? -1 : (e.code ?? -1),
      output: `${e.stdout ?? ""}\n${e.stderr ?? ""}`,
      seconds: (Date.now() - started) / 1000,
    };
  }
}

const cdktf = (...args: string[]) => run(CDKTF, [...args, "--output", outdir]);

async function queueExists(name: string): Promise<boolean> {
  try {
    await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (!tool.ok) throw new Error(`the cdktf CLI suite needs terraform and the provider mirror: ${tool.reason}`);
  moto = await startMoto();
  const config = {
    region: FAKE_AWS_ENV.AWS_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
  sqs = new SQSClient(config);
  topicArn = (await new SNSClient(config).send(new CreateTopicCommand({ Name: "alerts" }))).TopicArn!;
  // The local backend keeps state two levels above the stacks: in `project`, not the repository.
  project = makeTempDir("cdktf-cli");
  outdir = path.join(project, "cdktf.out");
  const offline = { ...tool.env };
  delete offline.TF_INPUT;
  env = { ...offline, ...FAKE_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint, CHECKPOINT_DISABLE: "1" };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (project) removeDir(project);
  if (tool.ok) removeDir(tool.dir);
});

describe("cdktf deploy, diff and destroy of one service against the emulator", () => {
  test("npm run synth, then cdktf synth --hcl, leave one configuration per stack folder", async () => {
    // `npm run synth`'s command; CDKTF_OUTDIR points it at the test's own folder.
    const json = await run(process.execPath, ["-r", "./scripts/register-ts.js", "main.ts"], { CDKTF_OUTDIR: outdir });
    expect(json.code).toBe(0);
    expect(fs.existsSync(path.join(outdir, "stacks", "orders", "cdk.tf.json"))).toBe(true);
    const hcl = await cdktf("synth", "--hcl");
    expect({ code: hcl.code, output: hcl.code === 0 ? "" : hcl.output }).toEqual({ code: 0, output: "" });
    expect(fs.readdirSync(path.join(outdir, "stacks", "orders")).filter((f) => f.startsWith("cdk.tf"))).toEqual([
      "cdk.tf",
    ]);
  });

  test("cdktf deploy orders succeeds on the first try, offline, without locking providers", async () => {
    const deploy = await cdktf("deploy", "orders", "--auto-approve", "--var", `alert_sns_arn=${topicArn}`);
    expect({ code: deploy.code, tail: deploy.code === 0 ? "" : deploy.output.slice(-3000) }).toEqual({
      code: 0,
      tail: "",
    });
    expect(deploy.output).not.toMatch(/providers lock|Could not retrieve providers/);
    expect(await queueExists("orders-queue")).toBe(true);
    expect(await queueExists("orders-dlq")).toBe(true);
    expect(fs.readdirSync(path.join(outdir, "stacks", "orders")).filter((f) => f.startsWith("cdk.tf"))).toEqual([
      "cdk.tf.json",
    ]);
    expect(
      (JSON.parse(fs.readFileSync(path.join(project, "terraform.orders.tfstate"), "utf8")) as TerraformState).resources
        .length,
    ).toBeGreaterThan(5);
  });

  test("cdktf diff orders reports no changes", async () => {
    const diff = await cdktf("diff", "orders", "--var", `alert_sns_arn=${topicArn}`);
    expect({ code: diff.code, tail: diff.code === 0 ? "" : diff.output.slice(-3000) }).toEqual({ code: 0, tail: "" });
    expect(diff.output).toMatch(/No changes/);
  });

  test("a zip replaced after synth fails cdktf deploy and terraform plan (JSON and HCL) with one line, changing nothing; a destroy plan still works", async () => {
    const stackDir = path.join(outdir, "stacks", "orders");
    const zipOf = (stack: string) => {
      const assets = path.join(outdir, "stacks", stack, "assets");
      const [folder] = fs.readdirSync(assets);
      const [hash] = fs.readdirSync(path.join(assets, folder));
      return path.join(assets, folder, hash, "lambda.zip");
    };
    const lambda = new LambdaClient({
      region: FAKE_AWS_ENV.AWS_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const deployedCode = async () =>
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "orders-worker" }))).CodeSha256;
    const statePath = path.join(project, "terraform.orders.tfstate");
    const before = { code: await deployedCode(), state: fs.readFileSync(statePath, "utf8") };
    // Another valid worker zip, as a tampered or stale build would be.
    fs.copyFileSync(zipOf("thumbnails"), zipOf("orders"));
    // --skip-synth: deploy uses the folder as it is; without it, synth rewrites the zip first.
    const deploy = await cdktf(
      "deploy",
      "orders",
      "--skip-synth",
      "--auto-approve",
      "--var",
      `alert_sns_arn=${topicArn}`,
    );
    expect(deploy.code).not.toBe(0);
    expect(deploy.output).toContain(CODE_CHANGED_MESSAGE);
    expect({ code: await deployedCode(), state: fs.readFileSync(statePath, "utf8") }).toEqual(before);

    if (!tool.ok) throw new Error(tool.reason);
    const terraform = (...args: string[]) =>
      run(tool.binary, ["-chdir=" + stackDir, ...args, "-input=false", "-no-color"]);
    const hcl = await cdktf("synth", "--hcl");
    expect(hcl.code).toBe(0);
    fs.copyFileSync(zipOf("thumbnails"), zipOf("orders"));
    const plan = await terraform("plan", "-var", `alert_sns_arn=${topicArn}`);
    expect(plan.code).not.toBe(0);
    expect(plan.output.split("\n")).toContain(CODE_CHANGED_MESSAGE);

    // Terraform skips resource preconditions when it plans a destroy: a changed or missing zip never blocks one.
    fs.rmSync(zipOf("orders"));
    const destroyPlan = await terraform("plan", "-destroy");
    expect({ code: destroyPlan.code, tail: destroyPlan.code === 0 ? "" : destroyPlan.output.slice(-3000) }).toEqual({
      code: 0,
      tail: "",
    });
    expect(destroyPlan.output).toMatch(/Plan: 0 to add, 0 to change, \d+ to destroy/);
    expect({ code: await deployedCode(), state: fs.readFileSync(statePath, "utf8") }).toEqual(before);
  });

  test("cdktf diff without the variable fails within seconds, saying in one line how to pass it", async () => {
    const diff = await cdktf("diff", "orders");
    expect(diff.code).not.toBe(0);
    expect(diff.seconds).toBeLessThan(30);
    expect(diff.output).toContain("alert_sns_arn unset: pass --var alert_sns_arn=ARN or TF_VAR_alert_sns_arn");
  });

  test("a topic in another region is refused by the variable's validation, before anything changes", async () => {
    const diff = await cdktf("diff", "orders", "--var", "alert_sns_arn=arn:aws:sns:eu-west-1:123456789012:alerts");
    expect(diff.code).not.toBe(0);
    expect(diff.output.replace(/\s*│\s*/g, " ")).toContain("alert_sns_arn must be an SNS topic ARN in us-east-1");
  });

  test("cdktf destroy orders without the variable ends within 30 seconds and destroys everything", async () => {
    const destroy = await cdktf("destroy", "orders", "--auto-approve");
    expect({ code: destroy.code, tail: destroy.code === 0 ? "" : destroy.output.slice(-3000) }).toEqual({
      code: 0,
      tail: "",
    });
    expect(destroy.seconds).toBeLessThan(30);
    expect(await queueExists("orders-queue")).toBe(false);
    expect(await queueExists("orders-dlq")).toBe(false);
    expect(
      (JSON.parse(fs.readFileSync(path.join(project, "terraform.orders.tfstate"), "utf8")) as TerraformState).resources,
    ).toEqual([]);
  });

  test("cdktf destroy with the variable also works (nothing left to destroy)", async () => {
    const destroy = await cdktf("destroy", "orders", "--auto-approve", "--var", `alert_sns_arn=${topicArn}`);
    expect({ code: destroy.code, tail: destroy.code === 0 ? "" : destroy.output.slice(-3000) }).toEqual({
      code: 0,
      tail: "",
    });
  });
});
