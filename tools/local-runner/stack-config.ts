import * as fs from "fs";
import * as path from "path";

/** What the local runner needs to behave like the deployed worker, read from synth output. */
export interface DeployedWorkerConfig {
  /** The service (stack) name. */
  readonly serviceName: string;
  /** The source queue's name. */
  readonly queueName: string;
  /** Absolute path of the exact zip that synth produced for the function. */
  readonly zipPath: string;
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

type Resources = Record<string, Record<string, Record<string, any>>>;

/**
 * A Terraform JSON string as Lambda receives it: `$${` and `%%{` are Terraform's escapes for a
 * literal `${` and `%{` (the construct writes them so that template markers reach Lambda as text).
 */
export function fromTerraformLiteral(value: string): string {
  return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

function only(resources: Resources, type: string, stackFile: string): Record<string, any> {
  const found = Object.values(resources[type] ?? {});
  if (found.length !== 1) throw new Error(`${stackFile}: expected one ${type}, found ${found.length}`);
  return found[0];
}

/**
 * Reads one service's synthesized stack (`<outdir>/stacks/<service>/cdk.tf.json`): the queue,
 * the function (its zip, handler, timeout, environment) and the event source mapping.
 */
export function readDeployedWorkerConfig(outdir: string, serviceName: string): DeployedWorkerConfig {
  const stackDir = path.join(outdir, "stacks", serviceName);
  const stackFile = path.join(stackDir, "cdk.tf.json");
  if (!fs.existsSync(stackFile)) {
    throw new Error(`no synthesized stack for service "${serviceName}" at ${stackFile}: run \`npm run synth\` first`);
  }
  const json = JSON.parse(fs.readFileSync(stackFile, "utf8")) as { resource: Resources };
  const fn = only(json.resource, "aws_lambda_function", stackFile);
  const esm = only(json.resource, "aws_lambda_event_source_mapping", stackFile);
  const queueRef = String(esm.event_source_arn).match(/^\$\{aws_sqs_queue\.([^.]+)\.arn\}$/);
  const queue = queueRef ? json.resource.aws_sqs_queue?.[queueRef[1]] : undefined;
  if (!queue) throw new Error(`${stackFile}: the event source mapping does not point at a queue of this stack`);
  return {
    serviceName,
    queueName: queue.name,
    zipPath: path.resolve(stackDir, fn.filename),
    handler: fn.handler,
    functionName: fn.function_name,
    timeoutSeconds: fn.timeout ?? 3,
    memorySizeMb: fn.memory_size ?? 128,
    environment: Object.fromEntries(Object.entries((fn.environment?.variables ?? {}) as Record<string, string>).map(([key, value]) => [key, fromTerraformLiteral(value)])),
    batchSize: esm.batch_size ?? 10,
    maximumBatchingWindowSeconds: esm.maximum_batching_window_in_seconds ?? 0,
    maximumConcurrency: esm.scaling_config?.maximum_concurrency,
    reportBatchItemFailures: (esm.function_response_types ?? []).includes("ReportBatchItemFailures"),
  };
}
