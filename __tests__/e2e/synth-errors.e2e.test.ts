import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify, stripVTControlCharacters } from "util";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { FAKE_AWS_ENV, startMoto, type MotoServer } from "../../tools/emulator/moto";
import { makeTempDir, removeDir } from "../helpers/synth";
import { prepareTerraform, type TerraformState } from "../helpers/terraform";

// Errors a person can read, under the real cdktf CLI.
// 1. A config error: under `cdktf synth` and under `npm run synth`'s command, the violation lines
//    (at most twice: cdktf logs the app's stderr, then repeats it under "Command output on
//    stderr"), no stack trace, no object dump, a non-zero exit; SQS_WORKER_DEBUG=1 shows the trace.
//    The apps: __tests__/fixtures/config-error-app.ts (main.ts's wiring with a broken service) and
//    main.ts itself with a stage that makes invalid names.
// 2. Deploying without the alarm topic, with and without a terminal: `cdktf deploy` stops within
//    seconds and creates nothing, but cdktf 0.21 usually drops Terraform's last lines (the one line
//    saying how to pass the topic) when `terraform apply` fails: its display exits as soon as
//    terraform does. `cdktf diff`, which docs/deploying.md sends the user to, shows the line.

const ROOT = path.resolve(__dirname, "..", "..");
const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");
const FIXTURE_APP = "node -r ./scripts/register-ts.js __tests__/fixtures/config-error-app.ts";
const VIOLATIONS = [
  "Invalid SqsWorker configuration (2 problems):",
  "- broken: lambda.timeoutSeconds must be an integer from 1 to 900 (given 5000)",
  "- broken: lambda.memorySizeMb must be an integer from 128 to 10240 (given 64)",
];
const TOPIC_LINE = "alert_sns_arn unset: pass --var alert_sns_arn=ARN or TF_VAR_alert_sns_arn";
const exec = promisify(execFile);
const tool = prepareTerraform();

interface Run {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

/** Runs a command in the repository; never throws on a non-zero exit. Output without colours or carriage returns. */
async function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const started = Date.now();
  const plain = (text: string) => stripVTControlCharacters(text).replace(/\r/g, "");
  try {
    const { stdout, stderr } = await exec(file, args, { cwd: ROOT, env, timeout: 120_000, maxBuffer: 64 << 20 });
    return { code: 0, output: plain(`${stdout}\n${stderr}`), seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    return {
      code: e.killed ? -1 : (e.code ?? -1),
      output: plain(`${e.stdout ?? ""}\n${e.stderr ?? ""}`),
      seconds: (Date.now() - started) / 1000,
    };
  }
}

/** Runs a command line in a pseudo-terminal (util-linux `script`), 50 rows by 160 columns, as a person at a terminal would. */
function inTerminal(commandLine: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return run("script", ["-qec", `stty rows 50 cols 160; ${commandLine}`, "/dev/null"], env);
}

/** How many lines of `output` hold `text` (after leading spaces and a log prefix). */
const count = (output: string, text: string) => output.split("\n").filter((line) => line.includes(text)).length;

/** What no config error may print: a stack frame, the violations object, a line of an object dump. */
function expectNoTraceNorDump(output: string): void {
  expect(output).not.toMatch(/^\s*at /m);
  expect(output).not.toContain("violations:");
  expect(output).not.toMatch(/^\s*[{}[\]],?\s*$/m);
  expect(output).not.toMatch(/serviceName: '/);
}

describe("a config error", () => {
  const base = { ...process.env, CHECKPOINT_DISABLE: "1" };
  let outdir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    outdir = makeTempDir("synth-errors");
    // An empty CLI config: cdktf's synth asks terraform for its version, which warns about a missing file.
    const tfrc = path.join(outdir, "terraformrc");
    fs.writeFileSync(tfrc, "");
    env = { ...base, TF_CLI_CONFIG_FILE: tfrc };
  });
  afterAll(() => removeDir(outdir));

  test("under cdktf synth prints the violation lines at most twice, no trace, no dump, exit non-zero", async () => {
    const synth = await run(CDKTF, ["synth", "--app", FIXTURE_APP, "--output", path.join(outdir, "out")], env);
    expect(synth.code).not.toBe(0);
    for (const line of VIOLATIONS) {
      const times = count(synth.output, line);
      expect({ line, onceOrTwice: times === 1 || times === 2 ? true : times }).toEqual({ line, onceOrTwice: true });
    }
    expectNoTraceNorDump(synth.output);
    expect(synth.output).toContain("SQS_WORKER_DEBUG=1 shows the stack trace");
    // Nothing synthesized: no stack folder a later deploy could pick up.
    expect(fs.existsSync(path.join(outdir, "out", "manifest.json"))).toBe(false);
  });

  test("under npm run synth's command prints each line once and exits 1", async () => {
    const synth = await run(
      process.execPath,
      ["-r", "./scripts/register-ts.js", "__tests__/fixtures/config-error-app.ts"],
      {
        ...env,
        CDKTF_OUTDIR: path.join(outdir, "direct"),
      },
    );
    expect(synth.code).toBe(1);
    for (const line of VIOLATIONS) expect([line, count(synth.output, line)]).toEqual([line, 1]);
    expectNoTraceNorDump(synth.output);
  });

  test("SQS_WORKER_DEBUG=1 shows the stack trace, under npm run synth's command and under cdktf synth", async () => {
    const direct = await run(
      process.execPath,
      ["-r", "./scripts/register-ts.js", "__tests__/fixtures/config-error-app.ts"],
      {
        ...env,
        CDKTF_OUTDIR: path.join(outdir, "debug"),
        SQS_WORKER_DEBUG: "1",
      },
    );
    expect(direct.code).not.toBe(0);
    expect(direct.output).toMatch(/^SqsWorkerConfigError: Invalid SqsWorker configuration/m);
    expect(direct.output).toMatch(/^\s*at validateAndBundle /m);
    const cli = await run(CDKTF, ["synth", "--app", FIXTURE_APP, "--output", path.join(outdir, "debug-cli")], {
      ...env,
      SQS_WORKER_DEBUG: "1",
    });
    expect(cli.code).not.toBe(0);
    expect(cli.output).toMatch(/^\s*at validateAndBundle /m);
  });

  test("main.ts with a stage that makes bad names: npm run synth and cdktf synth print the lines, no trace", async () => {
    const stageEnv = { ...env, SQS_WORKER_STAGE: "dev!" };
    const line =
      '- orders: stage must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, such as "dev" or "prod" (it starts the stack id and every AWS name: <stage>-<service>) (given "dev!")';
    const npm = await run("npm", ["run", "--silent", "synth"], {
      ...stageEnv,
      CDKTF_OUTDIR: path.join(outdir, "main-npm"),
    });
    expect(npm.code).not.toBe(0);
    expect(count(npm.output, line)).toBe(1);
    expectNoTraceNorDump(npm.output);
    const cli = await run(CDKTF, ["synth", "--output", path.join(outdir, "main-cli")], stageEnv);
    expect(cli.code).not.toBe(0);
    expect([1, 2]).toContain(count(cli.output, line));
    expectNoTraceNorDump(cli.output);
  });

  test("an error that is not a config error (a bug) still shows its stack trace", async () => {
    const bug = await run(
      process.execPath,
      ["-r", "./scripts/register-ts.js", "__tests__/fixtures/config-error-app.ts"],
      {
        ...env,
        CONFIG_ERROR_APP_BUG: "1",
      },
    );
    expect(bug.code).not.toBe(0);
    expect(bug.output).toMatch(/^Error: a bug in the app, not a config error$/m);
    expect(bug.output).toMatch(/^\s*at .*config-error-app\.ts/m);
  });
});

describe("deploying without the alarm topic", () => {
  let moto: MotoServer;
  let project: string;
  let outdir: string;
  let env: NodeJS.ProcessEnv;
  let sqs: SQSClient;

  beforeAll(async () => {
    if (!tool.ok) throw new Error(`this suite needs terraform and the provider mirror: ${tool.reason}`);
    if (process.platform !== "linux" || !fs.existsSync("/usr/bin/script"))
      throw new Error("this suite needs util-linux's script for a pseudo-terminal");
    moto = await startMoto();
    sqs = new SQSClient({
      region: FAKE_AWS_ENV.AWS_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    // The local backend keeps state two levels above the stacks: in `project`, not the repository.
    project = makeTempDir("deploy-no-topic");
    outdir = path.join(project, "cdktf.out");
    const offline = { ...tool.env };
    delete offline.TF_INPUT;
    delete offline.TF_VAR_alert_sns_arn;
    env = { ...offline, ...FAKE_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint, CHECKPOINT_DISABLE: "1" };
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    if (project) removeDir(project);
    if (tool.ok) removeDir(tool.dir);
  });

  const queueExists = async (name: string) =>
    sqs.send(new GetQueueUrlCommand({ QueueName: name })).then(
      () => true,
      () => false,
    );

  test("cdktf deploy stops within seconds and creates nothing, without and with a terminal", async () => {
    const piped = await run(CDKTF, ["deploy", "orders", "--auto-approve", "--output", outdir], env);
    expect({ code: piped.code, fast: piped.seconds < 30 }).toEqual({ code: 1, fast: true });
    expect(piped.output).toContain("Invoking Terraform CLI failed with exit code 1");
    const terminal = await inTerminal(`${CDKTF} deploy orders --auto-approve --skip-synth --output ${outdir}`, env);
    expect({ code: terminal.code, fast: terminal.seconds < 30 }).toEqual({ code: 1, fast: true });
    expect(terminal.output).toContain("Invoking Terraform CLI failed with exit code 1");
    expect(await queueExists("orders-queue")).toBe(false);
    expect(
      fs.existsSync(path.join(project, "terraform.orders.tfstate"))
        ? (JSON.parse(fs.readFileSync(path.join(project, "terraform.orders.tfstate"), "utf8")) as TerraformState)
            .resources
        : [],
    ).toEqual([]);
  });

  // Without a terminal: cdktf-cli.e2e.test.ts ("cdktf diff without the variable fails within seconds").
  test("cdktf diff shows the one line at a terminal", async () => {
    const terminal = await inTerminal(`${CDKTF} diff orders --skip-synth --output ${outdir}`, env);
    expect(terminal.code).not.toBe(0);
    expect(terminal.output).toContain(TOPIC_LINE);
  });
});
