import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { format as formatHcl } from "@cdktf/hcl-tools";
import { App, TerraformDataSource, TerraformStack, Testing, type TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { EXAMPLE_SERVICES } from "../../examples/services";
import { ServiceStack, addServiceStacks, type ServiceCatalog, type SqsWorker } from "../../modules/internal";
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

/**
 * A synthesized body, read like the JSON it is: tests reach into it path by path, and expect()
 * checks each value it reads.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above; bodyOf<T> gives a typed view instead
export type SynthesizedBody = Record<string, any>;

/** Synthesizes one service stack in memory (no files) and parses its JSON; `lambda.entry` defaults to the test worker. */
export function synthService(serviceName: string, worker: TestWorkerProps = {}, region = "us-east-1"): TerraformJson {
  return synthServiceStack(serviceName, worker, region).json;
}

/** One service stack synthesized in memory, with the constructs that made it: address resources through them. */
export interface SynthesizedService {
  readonly json: TerraformJson;
  readonly stack: ServiceStack;
  readonly worker: SqsWorker;
}

/** Like {@link synthService}, and returns the stack and its worker too. */
export function synthServiceStack(
  serviceName: string,
  worker: TestWorkerProps = {},
  region = "us-east-1",
): SynthesizedService {
  const app = Testing.app();
  const stack = new ServiceStack(app, serviceName, { region, worker: withEntry(worker) });
  return { json: JSON.parse(Testing.synth(stack)) as TerraformJson, stack, worker: stack.worker };
}

/** A resource or data source of a synthesized stack. */
export type TerraformElement = TerraformResource | TerraformDataSource;

/** The Terraform address of a resource (`aws_sqs_queue.<logical id>`) or data source (`data.<type>.<logical id>`). */
export function addressOfElement(element: TerraformElement): string {
  const address = `${element.terraformResourceType}.${TerraformStack.of(element).getLogicalId(element)}`;
  return element instanceof TerraformDataSource ? `data.${address}` : address;
}

/** How another resource refers to `element`'s `attribute`: `${<address>.<attribute>}`. */
export function referenceTo(element: TerraformElement, attribute: string): string {
  return `\${${addressOfElement(element)}.${attribute}}`;
}

/** The synthesized body of `element` in `json`, as `T`; fails the test when it is not there. */
export function bodyOf<T = Record<string, unknown>>(json: TerraformJson, element: TerraformElement): T {
  const id = TerraformStack.of(element).getLogicalId(element);
  const bodies = element instanceof TerraformDataSource ? json.data : json.resource;
  const body = bodies?.[element.terraformResourceType]?.[id];
  if (body === undefined) throw new Error(`${addressOfElement(element)} is not in the synthesized stack`);
  return body as T;
}

/**
 * The child of `scope` with construct id `id` (ids are a contract), as `type`: for what a
 * construct creates without exposing it as a field, such as its policy documents.
 */
export function childOf<T extends IConstruct>(
  scope: IConstruct,
  id: string,
  type: abstract new (...args: never[]) => T,
): T {
  const child = scope.node.findChild(id);
  if (!(child instanceof type)) throw new Error(`${scope.node.path}/${id} is not a ${type.name}`);
  return child;
}

/** The bodies of every resource of `type` in `json`. */
export function resources(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

/** The body of the only resource of `type`; fails the test when there is not exactly one. */
export function onlyResource(json: TerraformJson, type: string): SynthesizedBody {
  const found = resources(json, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/**
 * The body of the data source of `type` made by the stack worker's child `name` (logical id
 * `Worker_<name>_<hash>`); fails the test when there is none.
 * @deprecated address it through its construct: `bodyOf(json, childOf(worker, name, DataAwsX))`
 * with {@link synthServiceStack}.
 */
export function dataSource(json: TerraformJson, type: string, name: string): SynthesizedBody {
  const logicalId = new RegExp(`^Worker_${name}_[0-9A-F]{8}$`);
  const entry = Object.entries(json.data?.[type] ?? {}).find(([id]) => logicalId.test(id));
  if (!entry) throw new Error(`no ${type} named ${name}`);
  return entry[1];
}

/** The resource of `type` whose `field` is `value`, with its address; fails the test when there is none. */
export function resourceWhere(
  json: TerraformJson,
  type: string,
  field: string,
  value: unknown,
): { address: string; body: SynthesizedBody } {
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
export async function synthApp(outdir: string, options: SynthAppOptions = {}): Promise<Record<string, string>> {
  return (await synthAppStacks(outdir, options)).dirs;
}

/** What {@link synthApp} synthesizes. */
export interface SynthAppOptions {
  readonly hcl?: boolean;
  readonly services?: ServiceCatalog;
  readonly stages?: readonly string[];
}

/** Like {@link synthApp}, and returns the stacks too (by stack id), to address resources through their constructs. */
export async function synthAppStacks(
  outdir: string,
  options: SynthAppOptions = {},
): Promise<{ dirs: Record<string, string>; stacks: Record<string, ServiceStack> }> {
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
  return { dirs, stacks: Object.fromEntries(stacks.map((stack) => [stack.node.id, stack])) };
}
