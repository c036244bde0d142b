import * as path from "path";
import { maxReceiveCountOf } from "./redrive-policy";
import {
  loadStackResources,
  readStackJson,
  singleBlock,
  type StackBlock,
  type StackConfiguration,
  type StackResources,
} from "./stack-file";

/** What the local runner needs to behave like the deployed worker, read from synth output. */
export interface DeployedWorkerConfig {
  /** The service's name (its stack's id is `<stage>-<service>` with a stage). */
  readonly serviceName: string;
  /** The source queue's name. */
  readonly queueName: string;
  /**
   * The source queue's `maxReceiveCount`: a record failing its receive number this is
   * dead-lettered. `undefined` when the stack gives no literal count.
   */
  readonly maxReceiveCount?: number;
  /** Absolute path of the exact zip that synth produced for the function. */
  readonly zipPath: string;
  /**
   * The function's `source_code_hash` (base64 SHA-256 of the zip, as Terraform's
   * `filebase64sha256`): the runner refuses a zip that does not match. `undefined` when the stack
   * has none or an expression.
   */
  readonly sourceCodeHash?: string;
  /** `file.export` form, e.g. `index.handler`. */
  readonly handler: string;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  /** `undefined` when the mapping has no maximum concurrency. */
  readonly maximumConcurrency: number | undefined;
  readonly reportBatchItemFailures: boolean;
}

/**
 * A Terraform JSON string as Lambda receives it: `$${` and `%%{` are Terraform's escapes for a
 * literal `${` and `%{` (the construct writes them so that template markers reach Lambda as text).
 */
export function fromTerraformLiteral(value: string): string {
  return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

function only(resources: StackResources, type: string, stackFile: string): StackBlock {
  const found = Object.values(resources[type] ?? {});
  if (found.length !== 1) throw new Error(`${stackFile}: expected one ${type}, found ${found.length}`);
  return found[0];
}

/** A string attribute the worker cannot run without; anything else names the attribute and the file. */
function requiredString(block: StackBlock, name: string, what: string, stackFile: string): string {
  const value = block[name];
  if (typeof value !== "string") throw new Error(`${stackFile}: ${what} has no ${name}`);
  return value;
}

/** A number attribute, or `fallback` (AWS's default) when the stack leaves it out. */
function numberOr<F extends number | undefined>(value: unknown, fallback: F): number | F {
  return typeof value === "number" ? value : fallback;
}

/** The function's environment variables as Lambda receives them. */
function environmentOf(fn: StackBlock): Record<string, string> {
  const variables = singleBlock(fn.environment)?.variables ?? {};
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [key, fromTerraformLiteral(String(value))]),
  );
}

/** A literal string attribute; `undefined` for an absent one or a Terraform expression (`${...}`), which synth output cannot resolve. */
function literal(value: unknown): string | undefined {
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/** The worker's settings from a parsed stack configuration (JSON or HCL: {@link loadStackResources} gives both one shape). */
function workerConfigFromStack(
  serviceName: string,
  stackDir: string,
  { file, resources }: StackConfiguration,
): DeployedWorkerConfig {
  const fn = only(resources, "aws_lambda_function", file);
  const esm = only(resources, "aws_lambda_event_source_mapping", file);
  const queueRef = String(esm.event_source_arn).match(/^\$\{aws_sqs_queue\.([^.]+)\.arn\}$/);
  const queue = queueRef ? resources.aws_sqs_queue?.[queueRef[1]] : undefined;
  if (!queue) throw new Error(`${file}: the event source mapping does not point at a queue of this stack`);
  const responseTypes = esm.function_response_types;
  return {
    serviceName,
    queueName: requiredString(queue, "name", "the queue", file),
    maxReceiveCount: maxReceiveCountOf(queue.redrive_policy),
    zipPath: path.resolve(stackDir, requiredString(fn, "filename", "the function", file)),
    sourceCodeHash: literal(fn.source_code_hash),
    handler: requiredString(fn, "handler", "the function", file),
    functionName: requiredString(fn, "function_name", "the function", file),
    timeoutSeconds: numberOr(fn.timeout, 3),
    memorySizeMb: numberOr(fn.memory_size, 128),
    environment: environmentOf(fn),
    batchSize: numberOr(esm.batch_size, 10),
    maximumBatchingWindowSeconds: numberOr(esm.maximum_batching_window_in_seconds, 0),
    maximumConcurrency: numberOr(singleBlock(esm.scaling_config)?.maximum_concurrency, undefined),
    reportBatchItemFailures: Array.isArray(responseTypes) && responseTypes.includes("ReportBatchItemFailures"),
  };
}

/**
 * Reads one service's synthesized stack (`<outdir>/stacks/<stack id>/cdk.tf.json`; the stack id is
 * the service name, or `<stage>-<service>` with a stage) synchronously: the queue, the function
 * (its zip, handler, timeout, environment) and the event source mapping. JSON only;
 * {@link loadDeployedWorkerConfig} reads the HCL form (`cdktf synth --hcl`) too.
 */
export function readDeployedWorkerConfig(
  outdir: string,
  serviceName: string,
  stackId: string = serviceName,
): DeployedWorkerConfig {
  const stackDir = path.join(outdir, "stacks", stackId);
  return workerConfigFromStack(serviceName, stackDir, readStackJson(stackId, stackDir));
}

/**
 * Reads one service's synthesized stack whichever synth mode wrote it: `cdk.tf.json`
 * (`npm run synth`, `cdktf synth`) or `cdk.tf` (`cdktf synth --hcl`). What the local runner uses.
 */
export async function loadDeployedWorkerConfig(
  outdir: string,
  serviceName: string,
  stackId: string = serviceName,
): Promise<DeployedWorkerConfig> {
  const stackDir = path.join(outdir, "stacks", stackId);
  return workerConfigFromStack(serviceName, stackDir, await loadStackResources(stackId, stackDir));
}
