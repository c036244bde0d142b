import * as fs from "fs";
import * as path from "path";
import { Worker } from "worker_threads";

/** One resource's or nested block's attributes, as read from synth output: to be narrowed by whoever reads them. */
export type StackBlock = Readonly<Record<string, unknown>>;

/** Resource bodies by type and logical id, as both synth modes yield them after {@link loadStackResources}. */
export type StackResources = Record<string, Record<string, StackBlock>>;

/** A stack folder's Terraform configuration: where it was read from and its resources. */
export interface StackConfiguration {
  /** The file read: `cdk.tf.json` (`npm run synth`, `cdktf synth`) or `cdk.tf` (`cdktf synth --hcl`). */
  readonly file: string;
  readonly resources: StackResources;
}

/** The configuration files a stack folder may hold; the synth keeps exactly one (modules/stack-files.ts). */
export function stackConfigFiles(stackDir: string): { readonly json: string; readonly hcl: string } {
  return { json: path.join(stackDir, "cdk.tf.json"), hcl: path.join(stackDir, "cdk.tf") };
}

function noStack(stackId: string, stackDir: string): Error {
  const { json, hcl } = stackConfigFiles(stackDir);
  return new Error(
    `no synthesized stack "${stackId}": neither ${json} nor ${hcl} exists; synthesize the app first (cdktf synth)`,
  );
}

/**
 * The one block of an HCL-derived value. hcl2json turns every block (a resource, and nested
 * blocks such as `environment` or `scaling_config`) into a list of bodies, because HCL allows a
 * block to repeat; Terraform JSON written by cdktf holds a plain object. Both reach here.
 */
export function singleBlock(value: unknown): StackBlock | undefined {
  const body: unknown = Array.isArray(value) ? value[0] : value;
  return body && typeof body === "object" ? (body as StackBlock) : undefined;
}

function normalize(resources: Record<string, Record<string, unknown>> | undefined): StackResources {
  const result: StackResources = {};
  for (const [type, byId] of Object.entries(resources ?? {})) {
    result[type] = {};
    for (const [id, body] of Object.entries(byId)) {
      const block = singleBlock(body);
      if (block) result[type][id] = block;
    }
  }
  return result;
}

function readJson(file: string): StackConfiguration {
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  return { file, resources: normalize(json.resource) };
}

/**
 * Reads a stack folder's JSON configuration (`cdk.tf.json`) synchronously. A folder that holds
 * the HCL form instead is refused with a pointer to {@link loadStackResources}, which reads both
 * (HCL parsing is asynchronous).
 */
export function readStackJson(stackId: string, stackDir: string): StackConfiguration {
  const { json, hcl } = stackConfigFiles(stackDir);
  if (fs.existsSync(json)) return readJson(json);
  if (fs.existsSync(hcl))
    throw new Error(
      `${hcl} is HCL and this reader takes ${json} only: use loadDeployedWorkerConfig, or synthesize as JSON (cdktf synth)`,
    );
  throw noStack(stackId, stackDir);
}

/**
 * Reads a stack folder's configuration whichever synth mode wrote it: `cdk.tf.json`, or
 * `cdk.tf` parsed with HashiCorp's own HCL parser (@cdktf/hcl2json, the one cdktf's CLI uses),
 * because a hand-written reader would misread heredocs, escapes and nested expressions.
 * Expressions come back as `${...}` strings in both forms, with the same `$${` escapes.
 */
export async function loadStackResources(stackId: string, stackDir: string): Promise<StackConfiguration> {
  const { json, hcl } = stackConfigFiles(stackDir);
  if (fs.existsSync(json)) return readJson(json);
  if (!fs.existsSync(hcl)) throw noStack(stackId, stackDir);
  let parsed: { resource?: Record<string, Record<string, unknown>> };
  try {
    parsed = (await parseHcl(path.basename(hcl), fs.readFileSync(hcl, "utf8"))) as typeof parsed;
  } catch (error) {
    throw new Error(`${hcl}: not valid HCL (${String((error as Error).message).split("\n")[0]}); run the synth again`, {
      cause: error,
    });
  }
  return { file: hcl, resources: normalize(parsed.resource) };
}

const HCL_PARSE_THREAD = path.join(__dirname, "hcl-parse-thread.js");

/** hcl2json's `parse` in a short-lived thread (why: hcl-parse-thread.js); only HCL stacks pay for it. */
function parseHcl(filename: string, contents: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HCL_PARSE_THREAD, { workerData: { filename, contents } });
    worker.once("message", (answer: { ok: true; json: unknown } | { ok: false; message: string }) => {
      void worker.terminate();
      if (answer.ok) resolve(answer.json);
      else reject(new Error(answer.message));
    });
    worker.once("error", reject);
    // Settles nothing after an answer (a promise settles once); covers a thread that died without one.
    worker.once("exit", (code) => reject(new Error(`the HCL parser's thread exited with code ${code}`)));
  });
}
