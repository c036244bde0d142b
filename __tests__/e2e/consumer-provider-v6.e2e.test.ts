import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir } from "../helpers/synth";
import {
  consumerEnv as env,
  installConsumerApp,
  layOutConsumerApp,
  MAX_BUFFER,
  packRepository,
  PEER_CONFLICT,
  ROOT,
  run,
} from "./consumer-setup";

// Issue 22's lane (b): a cdktf 0.21 app on @cdktf/provider-aws 21.22.1 (hashicorp/aws 6.25.0)
// installs the packed tarball with a plain `npm install` (no --force, no --legacy-peer-deps: the
// package's peer range must allow 21.x), type-checks, and synthesizes with plain node and the
// package's loader. No hashicorp/aws 6.x binary exists on these machines, so 6.x is checked by
// the typed bindings (tsc) and synth only; terraform validate stays on 5.100.0 (other suites).
// The worker file and tsconfig are the 20.1.0 consumer's (fixtures/consumer-app), copied as is.

const FIXTURE = path.join(ROOT, "__tests__", "fixtures", "consumer-v6");

/** A synthesized stack, read as far as these tests read it (expect() checks each value). */
type Json = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  terraform: { required_providers: Record<string, unknown> };
};
/** A package.json of the cdktf provider bindings. */
type BindingsManifest = { version: string; cdktf: { provider: { version: string } } };

let work: string;
let app: string;
let installed: { stdout: string; stderr: string };
const synthesized: Record<string, Json> = {};
const stackJson = (name: string) => path.join(app, "cdktf.out", "stacks", name, "cdk.tf.json");

beforeAll(async () => {
  work = makeTempDir("consumer-v6");
  app = layOutConsumerApp(work, FIXTURE, await packRepository(work));
  // A plain install: a peer conflict (ERESOLVE) fails here, as it would for the user.
  installed = await installConsumerApp(app);
  await run(process.execPath, ["-r", "sqs-worker-cdktf/register", "main.ts"], { cwd: app, env, maxBuffer: MAX_BUFFER });
  for (const name of ["defaults", "throughput"])
    synthesized[name] = JSON.parse(fs.readFileSync(stackJson(name), "utf8")) as Json;
}, 900_000);

afterAll(() => {
  if (work) removeDir(work);
});

/** The only resource of `type` in a stack. */
function only(json: Json, type: string): Record<string, unknown> {
  const found = Object.values(json.resource[type] ?? {});
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/**
 * The stack without what changes with every edit of the worker plumbing (the bundle's hash, in
 * the asset path, source_code_hash and the function's precondition): the rest is the
 * configuration a reviewer reads. The bundle itself is the 20.1.0 consumer test's subject.
 */
function reviewable(json: Json): Json {
  return JSON.parse(
    JSON.stringify(json)
      .replace(/(assets\/[A-Za-z0-9_]+\/)[0-9a-f]{64}\//g, "$1<bundle sha256>/")
      .replace(/"source_code_hash":"[A-Za-z0-9+/=]+"/g, '"source_code_hash":"<bundle sha256, base64>"')
      // The function's precondition compares the zip with the same hash.
      .replace(/(== \\")[A-Za-z0-9+/]{43}=(\\")/g, "$1<bundle sha256, base64>$2"),
  ) as Json;
}

describe("a cdktf 0.21 app on @cdktf/provider-aws 21.22.1 (hashicorp/aws 6.25.0)", () => {
  test("installs the tarball with a plain npm install: no peer conflict, no override", () => {
    expect(`${installed.stdout}\n${installed.stderr}`).not.toMatch(PEER_CONFLICT);
    const bindings = JSON.parse(
      fs.readFileSync(path.join(app, "node_modules", "@cdktf", "provider-aws", "package.json"), "utf8"),
    ) as BindingsManifest;
    expect({ version: bindings.version, aws: bindings.cdktf.provider.version }).toEqual({
      version: "21.22.1",
      aws: "6.25.0",
    });
  });

  test("type-checks with tsc --noEmit against the 21.x bindings", async () => {
    await expect(run("npx", ["tsc", "--noEmit"], { cwd: app, env })).resolves.toBeDefined();
  });

  test("synthesizes the defaults for aws 6.x: nodejs24.x, the provider pinned at 6.25.0, and the region read without the deprecated name", () => {
    const json = synthesized.defaults;
    expect(only(json, "aws_lambda_function").runtime).toBe("nodejs24.x");
    expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version: "6.25.0" });
    expect(JSON.stringify(json)).not.toMatch(/data\.aws_region\.[A-Za-z0-9_]+\.name/);
    expect(JSON.stringify(json)).toMatch(/data\.aws_region\.[A-Za-z0-9_]+\.region/);
  });

  test("synthesizes nodejs24.x, a 1 MiB queue and provisioned pollers, which 20.1.0 refuses", () => {
    const json = synthesized.throughput;
    expect(only(json, "aws_lambda_function").runtime).toBe("nodejs24.x");
    expect(Object.values(json.resource.aws_sqs_queue).map((q) => q.max_message_size)).toEqual([1_048_576, 1_048_576]);
    const mapping = only(json, "aws_lambda_event_source_mapping");
    expect(mapping.provisioned_poller_config).toEqual({ minimum_pollers: 2, maximum_pollers: 20 });
    expect(mapping).not.toHaveProperty("scaling_config");
  });

  test("the synthesized JSON of both stacks, reviewed (bundle hashes left out)", () => {
    expect(reviewable(synthesized.defaults)).toMatchSnapshot("defaults");
    expect(reviewable(synthesized.throughput)).toMatchSnapshot("throughput");
  });
});
