import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { format as formatHcl } from "@cdktf/hcl-tools";
import { App, Testing } from "cdktf";
import { EXAMPLE_SERVICES } from "../../examples/services";
import { ServiceStack, addServiceStacks, type ServiceCatalog } from "../../modules/internal";
import { withEntry, type TestWorkerProps } from "./props";

/** The synthesized Terraform JSON of one stack, as a plain object. */
export type TerraformJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string; description?: string }>;
  variable: Record<string, Record<string, unknown>>;
  provider: Record<string, Record<string, unknown>[]>;
  terraform: Record<string, unknown>;
};

/** Synthesizes one service stack in memory (no files) and parses its JSON; `lambda.entry` defaults to the test worker. */
export function synthService(serviceName: string, worker: TestWorkerProps = {}, region = "us-east-1"): TerraformJson {
  const app = Testing.app();
  const stack = new ServiceStack(app, serviceName, { region, worker: withEntry(worker) });
  return JSON.parse(Testing.synth(stack));
}

/** The bodies of every resource of `type` in `json`. */
export function resources(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

/** The body of the only resource of `type`; fails the test when there is not exactly one. */
export function onlyResource(json: TerraformJson, type: string): Record<string, any> {
  const found = resources(json, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/** The body of the only data source of `type`, or the one whose construct path ends in `name`. */
export function dataSource(json: TerraformJson, type: string, name: string): Record<string, any> {
  const entry = Object.entries(json.data?.[type] ?? {}).find(([id]) => id.includes(`_${name}_`));
  if (!entry) throw new Error(`no ${type} named ${name}`);
  return entry[1];
}

/** The resource of `type` whose `field` is `value`, with its address; fails the test when there is none. */
export function resourceWhere(
  json: TerraformJson,
  type: string,
  field: string,
  value: unknown,
): { address: string; body: Record<string, any> } {
  const entry = Object.entries(json.resource[type] ?? {}).find(([, body]) => body[field] === value);
  if (!entry) throw new Error(`no ${type} with ${field} = ${JSON.stringify(value)}`);
  return { address: `${type}.${entry[0]}`, body: entry[1] };
}

/** The Terraform address (`type.logical_id`) of the only resource of `type`. */
export function addressOf(json: TerraformJson, type: string): string {
  const ids = Object.keys(json.resource[type] ?? {});
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return `${type}.${ids[0]}`;
}

/** A fresh temporary folder, removed by the caller with {@link removeDir}. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sqs-worker-${prefix}-`));
}

/** Removes a folder made by {@link makeTempDir}. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A maker of temporary folders for one test file: every folder it makes is removed after the
 * file's tests (call it at the top level of the file, where `afterAll` registers).
 */
export function tempDirsRemovedAfterAll(): (prefix: string) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));
  return (prefix) => {
    const dir = makeTempDir(prefix);
    dirs.push(dir);
    return dir;
  };
}

/**
 * Synthesizes an app of `services` to `outdir` exactly as `npm run synth` does (JSON) or as
 * `cdktf synth --hcl` does (HCL, then formatted by the same @cdktf/hcl-tools formatter the
 * CLI applies). With `stages`, the services once per stage, as an app holding dev and prod does.
 * Returns the path of each stack's folder by stack id (the service name, or `<stage>-<service>`).
 */
export async function synthApp(
  outdir: string,
  options: { hcl?: boolean; services?: ServiceCatalog; stages?: readonly string[] } = {},
): Promise<Record<string, string>> {
  fs.mkdirSync(outdir, { recursive: true });
  // cdktf reads HCL mode from SYNTH_HCL_OUTPUT when each stack is constructed, exactly the
  // variable `cdktf synth --hcl` sets for the app process; App's own option only names files.
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = options.hcl ? "true" : "false";
  let stacks;
  try {
    const app = new App({ outdir, hclOutput: options.hcl ?? false });
    const settings = { region: "us-east-1", backend: { kind: "local" } } as const;
    stacks = options.stages
      ? options.stages.flatMap((stage) =>
          addServiceStacks(app, options.services ?? EXAMPLE_SERVICES, { ...settings, stage }),
        )
      : addServiceStacks(app, options.services ?? EXAMPLE_SERVICES, settings);
    app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  const dirs: Record<string, string> = {};
  for (const stack of stacks) {
    const dir = path.join(outdir, "stacks", stack.node.id);
    dirs[stack.node.id] = dir;
    if (options.hcl) {
      const file = path.join(dir, "cdk.tf");
      fs.writeFileSync(file, await formatHcl(fs.readFileSync(file, "utf8")));
    }
  }
  return dirs;
}
