/**
 * npm run dlq -- <service> <command> [options]      (also the package's `sqs-worker-dlq` bin)
 *
 * Commands:
 *   status                         counts of the queue and its DLQ, age of the oldest DLQ message, alarm state
 *   peek [-n 10] [--json]          show DLQ messages without removing them
 *   redrive [--max-per-second N]   move DLQ messages back with SQS's StartMessageMoveTask, with progress
 *   redrive --client-side          receive, send, delete in batches (keeps attributes and FIFO ids)
 *   purge [--yes]                  empty the DLQ (asks first; refuses without a terminal unless --yes)
 * Options: --region R (default AWS_REGION or us-east-1), --queue-url DLQ_URL, --endpoint-url URL.
 * Exit codes: 0 ok, 1 failure, 2 usage, 3 credentials/unknown queue/region mismatch,
 *             4 empty DLQ, 5 redrive already running, 6 purge refused or declined.
 */
import * as readline from "readline";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DlqError, EXIT, explainAwsError } from "./dlq/errors";
import { peekMessages, purge, redriveClientSide, redriveNative, status } from "./dlq/operations";
import { resolveWorkerQueues } from "./dlq/resolve";

const USAGE = "usage: npm run dlq -- <service> <status|peek|redrive|purge> [-n N] [--json] [--client-side] [--max-per-second N] [--yes] [--region R] [--queue-url URL]";

interface Args {
  service: string;
  command: "status" | "peek" | "redrive" | "purge";
  count: number;
  json: boolean;
  clientSide: boolean;
  maxPerSecond?: number;
  yes: boolean;
  region: string;
  queueUrl?: string;
  endpointUrl?: string;
}

/** Parses the command line; throws a usage {@link DlqError} on anything unknown. */
export function parseDlqArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Args {
  const positional: string[] = [];
  const args: Partial<Args> = { count: 10, json: false, clientSide: false, yes: false, region: env.AWS_REGION || "us-east-1", endpointUrl: env.AWS_ENDPOINT_URL || undefined };
  const value = (i: number) => {
    if (argv[i + 1] === undefined) throw new DlqError(`${argv[i]} needs a value. ${USAGE}`, EXIT.usage);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-n") args.count = Number(value(i++));
    else if (arg === "--json") args.json = true;
    else if (arg === "--client-side") args.clientSide = true;
    else if (arg === "--max-per-second") args.maxPerSecond = Number(value(i++));
    else if (arg === "--yes") args.yes = true;
    else if (arg === "--region") args.region = value(i++);
    else if (arg === "--queue-url") args.queueUrl = value(i++);
    else if (arg === "--endpoint-url") args.endpointUrl = value(i++);
    else if (arg.startsWith("-")) throw new DlqError(`unknown option ${arg}. ${USAGE}`, EXIT.usage);
    else positional.push(arg);
  }
  const [service, command] = positional;
  if (!service || !command || positional.length > 2) throw new DlqError(USAGE, EXIT.usage);
  if (!["status", "peek", "redrive", "purge"].includes(command)) throw new DlqError(`unknown command ${command}. ${USAGE}`, EXIT.usage);
  if (!Number.isInteger(args.count) || (args.count as number) < 1) throw new DlqError("-n must be a positive integer", EXIT.usage);
  return { ...args, service, command } as Args;
}

async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

async function run(args: Args, out: (line: string) => void, err: (line: string) => void): Promise<void> {
  const config = { region: args.region, endpoint: args.endpointUrl };
  const sqs = new SQSClient(config);
  try {
    const queues = await resolveWorkerQueues(sqs, { service: args.service, region: args.region, dlqUrl: args.queueUrl });
    if (args.command === "status") {
      const s = await status(sqs, new CloudWatchClient(config), queues);
      const line = (name: string, c: typeof s.queue) =>
        `${name.padEnd(18)} visible ${c.visible}, in flight ${c.inFlight}, delayed ${c.delayed}${c.oldestAgeSeconds === undefined ? "" : `, oldest ${c.oldestAgeSeconds} s`}`;
      out(line("queue", s.queue));
      out(line("dead-letter queue", s.deadLetterQueue));
      out(`alarm              ${queues.alarmName}: ${s.alarmState}`);
    } else if (args.command === "peek") {
      const messages = await peekMessages(sqs, queues.dlqUrl, args.count);
      if (messages.length === 0) throw new DlqError("the dead-letter queue is empty", EXIT.empty);
      const rows = messages.map((m) => ({
        id: m.MessageId,
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount),
        firstSent: new Date(Number(m.Attributes?.SentTimestamp)).toISOString(),
        body: m.Body,
        attributes: m.MessageAttributes ?? {},
        ...(queues.fifo ? { messageGroupId: m.Attributes?.MessageGroupId } : {}),
      }));
      if (args.json) out(JSON.stringify(rows, null, 2));
      else for (const r of rows) out(`${r.id}  received ${r.receiveCount}x  first sent ${r.firstSent}\n  body: ${r.body}\n  attributes: ${JSON.stringify(r.attributes)}`);
    } else if (args.command === "redrive") {
      const result = args.clientSide
        ? await redriveClientSide(sqs, queues, { progress: err })
        : await redriveNative(sqs, queues, { maxPerSecond: args.maxPerSecond, progress: err });
      out(`redrive finished: ${JSON.stringify(result)}`);
    } else {
      if (!args.yes) {
        if (!process.stdin.isTTY) throw new DlqError("purge deletes every message of the dead-letter queue: pass --yes (no terminal to ask on)", EXIT.refused);
        if (!(await confirm(`Delete every message in ${queues.dlqUrl}? [y/N] `))) throw new DlqError("purge cancelled", EXIT.refused);
      }
      out(`purged about ${await purge(sqs, queues)} messages from ${queues.dlqUrl}`);
    }
  } catch (error) {
    throw explainAwsError(error, `a queue of ${args.service}`);
  }
}

/** Runs the CLI and returns its exit code (the tests call this directly). */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  try {
    await run(parseDlqArgs(argv), out, err);
    return EXIT.ok;
  } catch (error) {
    err(`dlq: ${(error as Error).message}`);
    return error instanceof DlqError ? error.exitCode : EXIT.failure;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
