/**
 * npm run worker:local -- <service> [options]      (every option: npm run worker:local -- --help)
 *
 * Runs a service's worker on this machine against its real queue (AWS or an emulator), the
 * way Lambda's event source mapping would, with the exact zip `npm run synth` produced.
 * Usage errors and failures exit 1 with one line; a clean stop (Ctrl-C, --until-empty) exits 0.
 */
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "./local-runner/queue-depth";
import { LocalRunner } from "./local-runner/runner";
import { readDeployedWorkerConfig } from "./local-runner/stack-config";
import { helpText, integerOption, parseCli, usageError, type CliSpec } from "./shared/cli";

/** The command line of `npm run worker:local`, for parsing and for `--help`. */
export const WORKER_LOCAL_CLI: CliSpec = {
  usage: "npm run worker:local -- <service> [options]",
  summary:
    "Runs a service's worker on this machine against its real queue (AWS or an emulator), the way Lambda's event source " +
    "mapping would, with the exact zip `npm run synth` produced. Stop with Ctrl-C (exit 0).",
  options: {
    "queue-url": { type: "string", value: "URL", description: "consume this queue instead of the service's <service>-queue" },
    region: { type: "string", value: "REGION", description: "AWS region (default AWS_REGION, then us-east-1)" },
    "endpoint-url": { type: "string", value: "URL", description: "an AWS endpoint such as the emulator's, for the queue and the worker's own calls (default AWS_ENDPOINT_URL)" },
    outdir: { type: "string", value: "DIR", description: "the synth output to read the service from (default cdktf.out)" },
    "until-empty": { type: "boolean", description: "stop once the queue holds no visible, in-flight or delayed message" },
    "wait-seconds": { type: "string", value: "N", description: "long-polling wait of each receive, 0 to 20 (default 20)" },
    "release-failed": {
      type: "boolean",
      description: "playground: make failed messages visible again at once instead of after the visibility timeout (Lambda waits), so retries and dead-lettering take seconds",
    },
  },
  more: "Credentials come from the usual AWS environment. Disable the deployed event source mapping first if Lambda should not share the queue.",
};

interface Args {
  service: string;
  queueUrl?: string;
  region: string;
  endpointUrl?: string;
  outdir: string;
  untilEmpty: boolean;
  waitSeconds: number;
  releaseFailed: boolean;
}

/** Parses the command line; `"help"` when --help was asked; throws a one-line usage error otherwise. */
export function parseWorkerLocalArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Args | "help" {
  const { help, values, positionals } = parseCli(WORKER_LOCAL_CLI, argv);
  if (help) return "help";
  if (positionals.length !== 1) throw usageError(WORKER_LOCAL_CLI, positionals.length === 0 ? "give the service to run" : `unexpected argument ${positionals[1]}`);
  return {
    service: positionals[0],
    queueUrl: values["queue-url"] as string | undefined,
    region: (values.region as string | undefined) || env.AWS_REGION || "us-east-1",
    endpointUrl: (values["endpoint-url"] as string | undefined) || env.AWS_ENDPOINT_URL || undefined,
    outdir: (values.outdir as string | undefined) ?? "cdktf.out",
    untilEmpty: values["until-empty"] === true,
    waitSeconds: integerOption(WORKER_LOCAL_CLI, values, "wait-seconds", { min: 0, max: 20 }, 20),
    releaseFailed: values["release-failed"] === true,
  };
}

async function main(): Promise<void> {
  const args = parseWorkerLocalArgs(process.argv.slice(2));
  if (args === "help") {
    process.stdout.write(`${helpText(WORKER_LOCAL_CLI)}\n`);
    return;
  }
  const worker = readDeployedWorkerConfig(args.outdir, args.service);
  const sqs = new SQSClient({ region: args.region, endpoint: args.endpointUrl });
  const queueUrl = args.queueUrl ?? (await sqs.send(new GetQueueUrlCommand({ QueueName: worker.queueName }))).QueueUrl!;
  const runner = new LocalRunner({
    sqs,
    queueUrl,
    region: args.region,
    worker,
    waitTimeSeconds: args.waitSeconds,
    releaseFailed: args.releaseFailed,
    // The worker's own AWS calls (the idempotency table) go where the queue is: the emulator too.
    extraEnvironment: args.endpointUrl ? { AWS_ENDPOINT_URL: args.endpointUrl } : {},
  });
  await runner.start();
  const stop = async () => {
    const stats = await runner.stop();
    process.stderr.write(`worker:local ${args.service}: ${JSON.stringify(stats)}\n`);
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  if (args.untilEmpty) {
    // Two empty readings in a row, since the counters are approximate.
    let emptyReadings = 0;
    while (emptyReadings < 2) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      emptyReadings = (await queueDepth(sqs, queueUrl)) === 0 ? emptyReadings + 1 : 0;
    }
    await stop();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`worker:local: ${error.message}\n`);
    process.exit(1);
  });
}
