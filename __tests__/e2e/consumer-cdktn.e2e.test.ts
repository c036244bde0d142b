import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir } from "../helpers/synth";
import {
  installConsumerApp,
  installNode22,
  layOutConsumerApp,
  MAX_BUFFER,
  NODE22_VERSION,
  packRepository,
  PEER_CONFLICT,
  ROOT,
  run,
  withNodeFirst,
} from "./consumer-setup";

// Issue 22's lane (c): a CDK Terrain app (cdktn 0.24.0, cdktn-cli 0.24.0, @cdktn/provider-aws
// 25.7.0 binding hashicorp/aws 6.66.0) on Node 22 from the npm registry installs the packed
// tarball with a plain `npm install`, type-checks, and synthesizes through the package's cdktn
// entry points (sqs-worker-cdktf/cdktn, /cdktn/app: scripts/build-cdktn.js). cdktn needs Node >=
// 22.19, so every command of the app runs with Node 22 first on PATH. No hashicorp/aws 6.x binary
// exists on these machines: 6.66.0 is checked by the typed bindings and synth only.

const FIXTURE = path.join(ROOT, "__tests__", "fixtures", "consumer-cdktn");

/** A synthesized stack, read as far as these tests read it (expect() checks each value). */
type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  terraform: { required_providers: Record<string, unknown> };
};
/** A package.json, read as far as these tests read it. */
type Manifest = { version: string; cdktn?: { provider: { version: string } } };

let work: string;
let app: string;
let env: NodeJS.ProcessEnv;
let installed: { stdout: string; stderr: string };
const seconds: Record<string, number> = {};
const stackJson = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(app, "cdktf.out", "stacks", name, "cdk.tf.json"), "utf8")) as Json;
const byNode: Record<string, Json> = {};

/** Runs `step`, recording how long it took (printed at the end: the lane's budget is ~2 minutes). */
async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await step();
  } finally {
    seconds[name] = (Date.now() - start) / 1000;
  }
}

beforeAll(async () => {
  work = makeTempDir("consumer-cdktn");
  const [tarball, node22] = await Promise.all([
    timed("pack", () => packRepository(work)),
    timed("node 22", installNode22),
  ]);
  env = withNodeFirst(node22);
  app = layOutConsumerApp(work, FIXTURE, tarball);
  installed = await timed("npm install", () => installConsumerApp(app, env));
  // The quick start's way: plain node with the package's loader, the app's cdktf.json command.
  await timed("synth (node -r register)", () =>
    run("node", ["-r", "sqs-worker-cdktf/register", "main.ts"], { cwd: app, env, maxBuffer: MAX_BUFFER }),
  );
  for (const name of ["invoices", "payments"]) byNode[name] = stackJson(name);
}, 600_000);

afterAll(() => {
  if (Object.keys(seconds).length > 0) {
    process.stderr.write(
      `consumer-cdktn lane: ${Object.entries(seconds)
        .map(([step, s]) => `${step} ${s.toFixed(1)} s`)
        .join(", ")}\n`,
    );
  }
  if (work) removeDir(work);
});

/** The only resource of `type` in a stack. */
function only(json: Json, type: string): Record<string, unknown> {
  const found = Object.values(json.resource[type] ?? {});
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

describe("a cdktn 0.24 app on @cdktn/provider-aws 25.7.0 (hashicorp/aws 6.66.0), Node 22", () => {
  test("runs on Node 22 from the npm registry", async () => {
    const { stdout } = await run("node", ["--version"], { cwd: app, env });
    expect(stdout.trim()).toBe(`v${NODE22_VERSION}`);
  });

  test("installs the tarball with a plain npm install: no peer conflict, no engine warning, and no cdktf beside cdktn", () => {
    expect(`${installed.stdout}\n${installed.stderr}`).not.toMatch(PEER_CONFLICT);
    expect(`${installed.stdout}\n${installed.stderr}`).not.toMatch(/EBADENGINE/);
    const manifest = (name: string) =>
      JSON.parse(fs.readFileSync(path.join(app, "node_modules", name, "package.json"), "utf8")) as Manifest;
    const bindings = manifest("@cdktn/provider-aws");
    expect({
      cdktn: manifest("cdktn").version,
      bindings: bindings.version,
      aws: bindings.cdktn?.provider.version,
    }).toEqual({ cdktn: "0.24.0", bindings: "25.7.0", aws: "6.66.0" });
    // cdktf's packages are optional peers: npm must not install them (@cdktf/provider-aws alone is ~500 MB).
    for (const name of ["cdktf", "@cdktf/provider-aws"])
      expect({ name, installed: fs.existsSync(path.join(app, "node_modules", name)) }).toEqual({
        name,
        installed: false,
      });
  });

  test("type-checks with tsc --noEmit, as the app's tsconfig has it (the cdktf template's, skipLibCheck on)", async () => {
    await expect(timed("tsc", () => run("npx", ["tsc", "--noEmit"], { cwd: app, env }))).resolves.toBeDefined();
  });

  test("the package's cdktn declarations type-check against cdktn's own (skipLibCheck off); the cdktf entry's do not", async () => {
    const strict = ["tsc", "--noEmit", "--incremental", "false", "--skipLibCheck", "false"];
    await expect(run("npx", strict, { cwd: app, env, maxBuffer: MAX_BUFFER })).resolves.toBeDefined();
    // The control: skipLibCheck hides unresolved imports in declarations, so only this check
    // tells the two builds apart. The same app through the cdktf entry points names cdktf.
    const main = fs.readFileSync(path.join(app, "main.ts"), "utf8");
    const throughCdktf = main
      .replace('"sqs-worker-cdktf/cdktn/app"', '"sqs-worker-cdktf/app"')
      .replace('"sqs-worker-cdktf/cdktn"', '"sqs-worker-cdktf"');
    expect(throughCdktf).not.toBe(main);
    fs.writeFileSync(path.join(app, "main.ts"), throughCdktf);
    try {
      const failed = await run("npx", strict, { cwd: app, env, maxBuffer: MAX_BUFFER }).then(
        () => "",
        (error: { stdout: string }) => error.stdout,
      );
      expect(failed).toContain("Cannot find module 'cdktf'");
    } finally {
      fs.writeFileSync(path.join(app, "main.ts"), main);
    }
  });

  test("synthesizes a worker with the defaults for aws 6.66.0: nodejs24.x, the provider pinned at 6.66.0, every resource of the worker", () => {
    const json = byNode.invoices;
    expect(Object.keys(json.resource).sort()).toEqual([
      "aws_cloudwatch_dashboard",
      "aws_cloudwatch_log_group",
      "aws_cloudwatch_metric_alarm",
      "aws_iam_policy",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_lambda_event_source_mapping",
      "aws_lambda_function",
      "aws_sqs_queue",
    ]);
    expect(Object.keys(json.resource.aws_sqs_queue)).toHaveLength(2);
    expect(only(json, "aws_lambda_function").runtime).toBe("nodejs24.x");
    expect(json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "6.66.0" });
    const mapping = only(json, "aws_lambda_event_source_mapping");
    expect(mapping.function_response_types).toEqual(["ReportBatchItemFailures"]);
    expect(mapping.scaling_config).toEqual({ maximum_concurrency: 10 });
  });

  test("synthesizes the construct in the app's own stack: a 1 MiB queue, which aws 6.66.0 accepts, and idempotency's table", () => {
    const json = byNode.payments;
    expect(Object.values(json.resource.aws_sqs_queue).map((q) => q.max_message_size)).toEqual([1_048_576, 1_048_576]);
    expect(only(json, "aws_lambda_function").runtime).toBe("nodejs24.x");
    expect(only(json, "aws_dynamodb_table").billing_mode).toBe("PAY_PER_REQUEST");
    expect(json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "6.66.0" });
  });

  test("cdktn synth (cdktn-cli, the app's cdktf.json) writes the same stacks", async () => {
    fs.rmSync(path.join(app, "cdktf.out"), { recursive: true, force: true });
    const { stdout } = await timed("cdktn synth", () =>
      run("npx", ["cdktn", "synth"], { cwd: app, env, maxBuffer: MAX_BUFFER }),
    );
    expect(stdout).toContain("Generated Terraform code for the stacks: invoices, payments");
    for (const name of ["invoices", "payments"])
      expect({ name, json: stackJson(name) }).toEqual({ name, json: byNode[name] });
  });
});
