/**
 * npm run worker:local -- <service> [options]
 *
 * Runs a service's worker on this machine against its real queue (AWS or an emulator), the
 * way Lambda's event source mapping would, with the exact zip `npm run synth` produced.
 *
 *   --queue-url URL      consume this queue instead of <service>-queue in the region
 *   --region REGION      default: AWS_REGION or us-east-1
 *   --endpoint-url URL   an SQS endpoint such as moto's (default: AWS_ENDPOINT_URL or AWS)
 *   --outdir DIR         synth output (default: cdktf.out)
 *   --until-empty        stop once the queue holds no visible, in-flight or delayed message
 *   --wait-seconds N     long-polling wait per receive (default 20)
 *
 * Credentials come from the usual AWS environment. Stop with Ctrl-C; exit code 0 on a clean stop.
 */
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "./local-runner/queue-depth";
import { LocalRunner } from "./local-runner/runner";
import { readDeployedWorkerConfig } from "./local-runner/stack-config";

interface Args {
  service: string;
  queueUrl?: string;
  region: string;
  endpointUrl?: string;
  outdir: string;
  untilEmpty: boolean;
  waitSeconds: number;
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = { region: process.env.AWS_REGION || "us-east-1", outdir: "cdktf.out", untilEmpty: false, waitSeconds: 20 };
  const value = (i: number, flag: string) => {
    if (argv[i + 1] === undefined) throw new Error(`${flag} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--queue-url") args.queueUrl = value(i++, arg);
    else if (arg === "--region") args.region = value(i++, arg);
    else if (arg === "--endpoint-url") args.endpointUrl = value(i++, arg);
    else if (arg === "--outdir") args.outdir = value(i++, arg);
    else if (arg === "--wait-seconds") args.waitSeconds = Number(value(i++, arg));
    else if (arg === "--until-empty") args.untilEmpty = true;
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else if (!args.service) args.service = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (!args.service) throw new Error("usage: npm run worker:local -- <service> [--queue-url URL] [--until-empty]");
  return args as Args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const worker = readDeployedWorkerConfig(args.outdir, args.service);
  const sqs = new SQSClient({ region: args.region, endpoint: args.endpointUrl || process.env.AWS_ENDPOINT_URL || undefined });
  const queueUrl = args.queueUrl ?? (await sqs.send(new GetQueueUrlCommand({ QueueName: worker.queueName }))).QueueUrl!;
  const runner = new LocalRunner({ sqs, queueUrl, region: args.region, worker, waitTimeSeconds: args.waitSeconds });
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

main().catch((error: Error) => {
  process.stderr.write(`worker:local: ${error.message}\n`);
  process.exit(1);
});
