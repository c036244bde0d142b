import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { bundleLambda } from "../../modules/internal";
import { makeTempDir, removeDir } from "../helpers/synth";
import { prepareTerraform, terraformOk } from "../helpers/terraform";
import {
  CONSUMER_APP,
  consumerEnv as env,
  installConsumerApp,
  layOutConsumerApp,
  MAX_BUFFER,
  packRepository,
  ROOT,
  run,
} from "./consumer-setup";

// Rung 6, the consumer's path: another repository installs the packed tarball, writes its own
// worker file and app the way `cdktf init --template=typescript` lays them out (ts-node app, the
// template's own command), and runs the real cdktf CLI. The README's quick start (the package's
// loader, stages, the emulator, deploy, send, run) is quick-start.e2e.test.ts. Nothing here uses
// this repository's sources or loader except the in-repo bundle the consumer's zip is compared
// with. The app is laid out as the other consumer lanes' (consumer-setup.ts), from
// fixtures/consumer-app.

const tool = prepareTerraform();

let work: string;
let app: string;
let tarball: string;
let json: StackJson;

/** A synthesized stack, as far as these tests read it. */
type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>> };
/** A synthesized aws_lambda_function, as far as these tests read it. */
type FunctionBody = {
  function_name: string;
  filename: string;
  source_code_hash: string;
  environment: { variables: Record<string, string> };
};

/** The stack `name` the consumer's synth wrote. */
const readStack = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(app, "cdktf.out", "stacks", name, "cdk.tf.json"), "utf8")) as StackJson;
/** A stack's functions. */
const functionsOf = (stack: StackJson) => Object.values(stack.resource.aws_lambda_function) as FunctionBody[];
/** The function the invoices stack names `name`; fails the test when there is none. */
function invoicesFunction(name = "invoices-worker"): FunctionBody {
  const fn = functionsOf(json).find((f) => f.function_name === name);
  if (!fn) throw new Error(`no function ${name} in the invoices stack`);
  return fn;
}

beforeAll(async () => {
  if (!tool.ok) throw new Error(`the consumer test needs terraform and the provider mirror: ${tool.reason}`);
  work = makeTempDir("consumer");
  tarball = await packRepository(work);
  app = layOutConsumerApp(work, CONSUMER_APP, tarball);
  // From the npm cache when it holds the packages (CI's npm ci filled it), else the registry.
  await installConsumerApp(app);
  await run("npx", ["cdktf", "synth"], { cwd: app, env, maxBuffer: MAX_BUFFER });
  json = readStack("invoices");
}, 600_000);

afterAll(() => {
  if (work) removeDir(work);
  if (tool.ok) removeDir(tool.dir);
});

describe("the packed tarball", () => {
  test("holds only compiled JavaScript, declarations, the sqs-worker command with what its commands load by path, and the docs: no tests, CI, bench, sources or snapshots", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "dist/modules/index.js",
        "dist/modules/index.d.ts",
        "dist/modules/app-entry.js",
        "dist/modules/app-entry.d.ts",
        "dist/lambda-src/worker.js",
        "dist/lambda-src/worker.d.ts",
        "bin/sqs-worker-dlq.js",
      ]),
    );
    // sqs-worker and each command: the local runner with the thread files it starts by path, the emulator with moto's launcher.
    const runnerThreads = fs
      .readdirSync(path.join(ROOT, "tools", "local-runner"))
      .filter((f) => f.endsWith(".js"))
      .map((f) => `dist/tools/local-runner/${f}`);
    expect(runnerThreads.length).toBeGreaterThanOrEqual(3);
    expect(files).toEqual(
      expect.arrayContaining([
        "bin/sqs-worker.js",
        "dist/tools/sqs-worker.js",
        "dist/tools/dlq.js",
        "dist/tools/worker-local.js",
        "dist/tools/local-runner/runner.js",
        "dist/tools/emulator.js",
        "dist/tools/emulator/moto.js",
        "dist/tools/emulator/moto_server.py",
        ...runnerThreads,
      ]),
    );
    const unexpected = files.filter(
      (f) =>
        !/^(package\.json|README\.md|register\.js|LICENSE|CHANGELOG\.md|docs\/[^/]+\.md|bin\/[^/]+\.js|dist\/.+\.(js|d\.ts)|dist\/tools\/emulator\/moto_server\.py)$/.test(
          f,
        ),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => /__tests__|\.ci|bench|snap|\.test\.|examples|scripts\//.test(f))).toEqual([]);
  });
});

describe("a consumer app with the ts-node template", () => {
  test("type-checks with tsc --noEmit (node10 resolution, as the template), importing all three entry points", async () => {
    await expect(run("npx", ["tsc", "--noEmit"], { cwd: app, env })).resolves.toBeDefined();
  });

  test("runs the package's own command: npx sqs-worker --help and each command's --help exit 0, and a real call fails with one line, not a missing module", async () => {
    const helps = await Promise.all(
      [[], ["dlq"], ["run"], ["emulator"]].map((command) =>
        run("npx", ["sqs-worker", ...command, "--help"], { cwd: app, env }),
      ),
    );
    expect(helps[0].stdout).toMatch(/^usage: sqs-worker <command>/);
    expect(helps[0].stdout).toMatch(/^ {2}dlq {7}/m);
    expect(helps[1].stdout).toMatch(
      /^usage: sqs-worker dlq <service> <status\|peek\|redrive\|cancel\|purge\|send\|logs>/,
    );
    expect(helps[2].stdout).toMatch(/^usage: sqs-worker run <service>/);
    expect(helps[3].stdout).toMatch(/^usage: sqs-worker emulator/);
    const noCredentials = {
      ...env,
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_PROFILE: "",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
      AWS_CONFIG_FILE: "/nonexistent",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const call = await run(
      "npx",
      ["sqs-worker", "dlq", "invoices", "status", "--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1"],
      { cwd: app, env: noCredentials },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(call).toMatchObject({ code: 3 });
    expect((call as { stderr: string }).stderr).toContain("dlq: no AWS credentials found");
    expect((call as { stderr: string }).stderr).not.toContain("Cannot find module");
  });

  test("an option that is not the command's exits 2 naming it; the old sqs-worker-dlq still runs sqs-worker dlq", async () => {
    const foreign = await run("npx", ["sqs-worker", "run", "invoices", "--count", "3"], { cwd: app, env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(foreign).toMatchObject({ code: 2 });
    expect((foreign as { stderr: string }).stderr.trim().split("\n").pop()).toMatch(
      /unknown option --count\. usage: sqs-worker run <service>/,
    );
    const alias = await run("npx", ["sqs-worker-dlq", "--help"], { cwd: app, env });
    expect(alias.stdout).toMatch(/^usage: sqs-worker dlq <service> /);
    expect(alias.stderr).toMatch(/^sqs-worker-dlq is deprecated: use `sqs-worker dlq`/);
  });

  test("sqs-worker emulator without python3: one line saying what to install, exit 1", async () => {
    const bare = path.join(work, "no-python");
    fs.mkdirSync(bare, { recursive: true });
    const noPython = { ...env, PATH: bare, MOTO_PYTHON: "", XDG_CACHE_HOME: path.join(work, "empty-cache") };
    const result = await run(process.execPath, [path.join(app, "node_modules", ".bin", "sqs-worker"), "emulator"], {
      cwd: app,
      env: noPython,
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect((result as { stderr: string }).stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^emulator: moto needs Python 3 and python3 is not on PATH: install python3 /),
    ]);
  });

  test("exposes exactly three entry points, the app wiring only under /app: internals cannot be imported", async () => {
    const probe = `
      const ok = ["sqs-worker-cdktf", "sqs-worker-cdktf/app", "sqs-worker-cdktf/worker"].map((m) => typeof require(m));
      let internal; try { require("sqs-worker-cdktf/dist/modules/sqs-worker/validate"); internal = "importable"; } catch (e) { internal = e.code; }
      const api = require("sqs-worker-cdktf");
      const app = require("sqs-worker-cdktf/app");
      console.log(JSON.stringify({ ok, internal, root: Object.keys(api).sort(), app: Object.keys(app).sort() }));`;
    const { stdout } = await run("node", ["-e", probe], { cwd: app, env });
    expect(JSON.parse(stdout)).toEqual({
      ok: ["object", "object", "object"],
      internal: "ERR_PACKAGE_PATH_NOT_EXPORTED",
      root: ["SqsWorker", "SqsWorkerConfigError", "WORKER_ARCHITECTURES", "WORKER_RUNTIMES", "WORKER_TRACING_MODES"],
      app: [
        "ServiceStack",
        "addServiceStacks",
        "collectWarnings",
        "reportConfigErrors",
        "runByCdktfCli",
        "settingsFromEnv",
        "synthAndReport",
      ],
    });
  });

  test("ships the consumer's own worker code in the Lambda zip, not this repository's", async () => {
    const fn = invoicesFunction();
    const zip = path.join(app, "cdktf.out", "stacks", "invoices", fn.filename);
    const { stdout: code } = await run("unzip", ["-p", zip, "index.js"], { maxBuffer: MAX_BUFFER });
    expect(code).toContain("CONSUMER_INVOICE_WORKER");
    expect(code).not.toContain("order-accepted");
    expect(fn.source_code_hash).toBe(createHash("sha256").update(fs.readFileSync(zip)).digest("base64"));
  });

  test("bundles the same bytes as this repository's bundler given the same entry", () => {
    const fn = invoicesFunction();
    const inRepo = bundleLambda(path.join(app, "workers", "invoices.ts"), path.join(work, "in-repo-bundle"));
    expect(fn.source_code_hash).toBe(inRepo.sourceCodeHash);
  });

  test("bundles idempotency for the service that turns it on, from the package's worker entry, and only for it", async () => {
    const payments = readStack("payments");
    const [fn] = functionsOf(payments);
    expect(fn.environment.variables).toEqual({
      SQS_WORKER_IDEMPOTENCY_TABLE: "payments-idempotency",
      SQS_WORKER_IDEMPOTENCY_EXPIRY_SECONDS: "86400",
    });
    expect(Object.values(payments.resource.aws_dynamodb_table).map((t) => t.name)).toEqual(["payments-idempotency"]);
    const zip = path.join(app, "cdktf.out", "stacks", "payments", fn.filename);
    const { stdout: code } = await run("unzip", ["-p", zip, "index.js"], { maxBuffer: MAX_BUFFER });
    expect(code).toContain("CONSUMER_PAYMENT_WORKER");
    expect(code).toContain("IdempotencyConfig");
    expect(code).toContain('require("@aws-sdk/client-dynamodb")');
    expect(fs.statSync(zip).size).toBeLessThanOrEqual(60 * 1024);
    // The same bytes as this repository's bundler with idempotency on; the invoices zip has none of it.
    expect(fn.source_code_hash).toBe(
      bundleLambda(path.join(app, "workers", "payments.ts"), path.join(work, "in-repo-idempotent"), {
        idempotency: true,
      }).sourceCodeHash,
    );
    const invoices = invoicesFunction();
    const { stdout: plain } = await run(
      "unzip",
      ["-p", path.join(app, "cdktf.out", "stacks", "invoices", invoices.filename), "index.js"],
      { maxBuffer: MAX_BUFFER },
    );
    expect(plain).not.toContain("IdempotencyConfig");

    console.log(
      `consumer zips: invoices (idempotency off) ${fs.statSync(path.join(app, "cdktf.out", "stacks", "invoices", invoices.filename)).size} bytes, payments (on) ${fs.statSync(zip).size} bytes`,
    );
  });

  test("holds two workers of one service under different name prefixes without a clash", () => {
    const names = (type: string, field: string) =>
      Object.values(json.resource[type])
        .map((r) => r[field])
        .sort();
    expect(names("aws_sqs_queue", "name")).toEqual([
      "invoices-dlq",
      "invoices-queue",
      "staging-invoices-dlq",
      "staging-invoices-queue",
    ]);
    expect(names("aws_lambda_function", "function_name")).toEqual(["invoices-worker", "staging-invoices-worker"]);
    const alarms = ["backlog-age", "dlq-arrivals", "dlq-not-empty", "errors", "throttles"];
    expect(names("aws_cloudwatch_metric_alarm", "alarm_name")).toEqual([
      ...alarms.map((a) => `invoices-${a}`),
      ...alarms.map((a) => `staging-invoices-${a}`),
    ]);
    expect(names("aws_cloudwatch_dashboard", "dashboard_name")).toEqual(["invoices-worker", "staging-invoices-worker"]);
    expect(names("aws_iam_role", "name")).toEqual(["invoices-worker", "staging-invoices-worker"]);
    expect(names("aws_iam_policy", "name")).toEqual(["invoices-dlq-operator", "staging-invoices-dlq-operator"]);
    expect(names("aws_cloudwatch_log_group", "name")).toEqual([
      "/aws/lambda/invoices-worker",
      "/aws/lambda/staging-invoices-worker",
    ]);
  });

  test("resolves a relative entry against the app's folder when started from elsewhere", async () => {
    const outdir = path.join(work, "from-elsewhere");
    await run(path.join(app, "node_modules", ".bin", "ts-node"), [path.join(app, "main.ts")], {
      cwd: work,
      env: { ...env, CDKTF_OUTDIR: outdir },
    });
    expect(fs.existsSync(path.join(outdir, "stacks", "invoices", "cdk.tf.json"))).toBe(true);
  });

  test("fails synth with one line naming the service and lambda.entry when a JavaScript caller leaves it out", async () => {
    const script = `
      const { App, TerraformStack } = require("cdktf");
      const { SqsWorker } = require("sqs-worker-cdktf");
      try { new SqsWorker(new TerraformStack(new App(), "s"), "W", { serviceName: "invoices", alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:a" }); }
      catch (e) { console.log(e.message); }`;
    const { stdout } = await run("node", ["-e", script], { cwd: app, env });
    expect(stdout.trim().split("\n")).toEqual([
      "Invalid SqsWorker configuration (1 problem):",
      "  - invoices: lambda.entry is required: the path of the service's worker file, which exports `handler` (e.g. makeHandler from sqs-worker-cdktf/worker) (given undefined)",
    ]);
  });

  test("refuses, from the compiled package too, an entry without a handler export, one whose handler is not a function, or one that does not bundle", async () => {
    fs.writeFileSync(path.join(app, "workers", "no-handler.ts"), "export const handle = async () => undefined;\n");
    fs.writeFileSync(path.join(app, "workers", "not-a-function.ts"), 'export const handler = "not a function";\n');
    fs.writeFileSync(
      path.join(app, "workers", "broken.ts"),
      'import { x } from "./nowhere";\nexport const handler = x;\n',
    );
    const script = `
      const { App, TerraformStack } = require("cdktf");
      const { SqsWorker } = require("sqs-worker-cdktf");
      const stack = new TerraformStack(new App(), "s");
      for (const [name, entry] of [["a", "workers/no-handler.ts"], ["b", "workers/broken.ts"], ["c", "workers/not-a-function.ts"]]) {
        try { new SqsWorker(stack, name, { serviceName: name, lambda: { entry: require("path").resolve(entry) }, alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:t" }); }
        catch (e) { console.log(e.message.split("\\n")[1]); }
      }`;
    const { stdout } = await run("node", ["-e", script], { cwd: app, env });
    expect(
      stdout
        .trim()
        .split("\n")
        .map((line) => line.trim()),
    ).toEqual([
      `- a: lambda.entry does not export \`handler\` (its exports: handle); Lambda calls index.handler (given ${JSON.stringify(path.join(app, "workers", "no-handler.ts"))})`,
      `- b: lambda.entry cannot be bundled: broken.ts:1:18: Could not resolve "./nowhere" (given ${JSON.stringify(path.join(app, "workers", "broken.ts"))})`,
      `- c: lambda.entry exports \`handler\` as a string literal, not a function; Lambda calls index.handler (given ${JSON.stringify(path.join(app, "workers", "not-a-function.ts"))})`,
    ]);
  });

  test("passes terraform validate with hashicorp/aws 5.100.0, both stacks", async () => {
    if (!tool.ok) throw new Error(tool.reason);
    for (const stack of ["invoices", "payments"]) {
      const dir = path.join(app, "cdktf.out", "stacks", stack);
      await terraformOk(tool, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
      const result = JSON.parse(await terraformOk(tool, dir, ["validate", "-json", "-no-color"])) as {
        valid: boolean;
        diagnostics: unknown[];
      };
      expect({ stack, valid: result.valid, diagnostics: result.diagnostics }).toEqual({
        stack,
        valid: true,
        diagnostics: [],
      });
    }
  });
});
