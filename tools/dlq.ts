/**
 * sqs-worker dlq <service> <command> [options]      (here: npm run dlq -- <service> <command>;
 * the old `sqs-worker-dlq` bin is an alias)
 *
 * Operates a service's dead-letter queue. The commands (status, peek, redrive, cancel, purge,
 * send, logs) are the rows of DLQ_COMMANDS below: each row's summary, its own options and its
 * handler; --help, the options each command accepts and the dispatch are generated from it.
 */
import * as fs from "fs";
import * as readline from "readline";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import {
  checkSubcommandOptions,
  CliUsageError,
  type CliOption,
  helpText,
  integerOption,
  parseCli,
  programName,
  usageError,
  type CliCommand,
  type CliSpec,
} from "./shared/cli";
import { DlqError, EXIT, explainAwsError } from "./dlq/errors";
import { cancelRedrive, purge, redriveComplete, redriveNative, sendMessage, status } from "./dlq/operations";
import { RedriveJournal, stateFolder } from "./dlq/journal";
import { clientSideRedriveCommand } from "./dlq/redrive-command";
import { acquireRedriveLock } from "./dlq/redrive-lock";
import { announceSlowCalls, patientClientConfig } from "./shared/aws-patience";
import { MAX_PEEK, peekCommand } from "./dlq/peek";
import { idempotencyState, nativeRedriveIdempotencyWarning } from "./dlq/idempotency-check";
import { resolveWorkerQueues, type WorkerQueues } from "./dlq/resolve";
import { queueDepth } from "./shared/queue-depth";
import { isRegionName, REGION_OPTION, regionOf } from "./shared/region";
import { parseDuration, showLogs } from "./dlq/logs";
import { defaultOutdir, namePrefixOf, resolveStage, STAGE_OPTION, type StageChoice } from "./shared/stage";
import { announceNodeSupport } from "./shared/node-support";
import { docPath } from "./shared/package-docs";

/** What every command's handler is given: its parsed arguments, the resolved queues, a client per service. */
interface DlqContext {
  readonly args: Args;
  readonly queues: WorkerQueues;
  readonly sqs: SQSClient;
  /** The region, endpoint and patience every client of this run is built with. */
  readonly config: SQSClientConfig;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** One command of `sqs-worker dlq <service>`: its line in --help, the options that are its own, what runs it. */
interface DlqCommandRow {
  readonly name: string;
  /** Its line in the command list, and the summary of its own --help. */
  readonly summary: string;
  /** The options only some commands take; the ones every command takes are {@link COMMON_OPTIONS}. */
  readonly options: Readonly<Record<string, Omit<CliOption, "for">>>;
  readonly handler: (context: DlqContext) => Promise<void>;
}

/** --yes: purge's, and a native redrive's on a service with idempotency on. */
const YES_OPTION: Omit<CliOption, "for"> = {
  type: "boolean",
  description: "purge, and a native redrive of a service with idempotency on: do not ask (needed without a terminal)",
};

/** The command table of `sqs-worker dlq`: --help, the options each command accepts and the dispatch all come from it. */
const DLQ_COMMANDS = [
  {
    name: "status",
    summary: "counts of the queue and its DLQ, age of the oldest DLQ message, alarm state",
    options: {},
    handler: printStatus,
  },
  {
    name: "peek",
    summary:
      "show DLQ messages without removing them (each one shown is received once more: its ApproximateReceiveCount goes up by 1)",
    options: {
      count: {
        type: "string",
        short: "n",
        value: "N",
        description:
          "peek: how many messages to show, 1 to 1000 (default 10); fewer when the DLQ holds fewer, with a line saying why",
      },
      json: { type: "boolean", description: "peek: print the messages as JSON" },
    },
    handler: ({ args, sqs, queues, out, err }) =>
      peekCommand(sqs, queues, { count: args.count, json: args.json }, out, err),
  },
  {
    name: "redrive",
    summary: "move what the DLQ holds now back to the queue, with progress and a summary",
    options: {
      "client-side": {
        type: "boolean",
        description:
          "redrive: receive, send and delete in batches (keeps attributes and FIFO ids) instead of SQS's move task",
      },
      "max-per-second": {
        type: "string",
        value: "N",
        description:
          "redrive: move at most N messages per second, 1 to 500 (default: SQS's own pace); with --client-side, copies per second",
      },
      "in-doubt": {
        type: "string",
        value: "delivered|resend",
        description:
          "redrive --client-side: what to do with messages in doubt (a run stopped while SQS was taking their copies): delivered deletes them, resend copies them again",
      },
      yes: YES_OPTION,
    },
    handler: (context) => (context.args.clientSide ? redriveClientSide(context) : redriveWithMoveTask(context)),
  },
  {
    name: "cancel",
    summary: "cancel a running redrive (SQS's message move task)",
    options: {},
    handler: async ({ sqs, queues, out }) => {
      const cancelled = await cancelRedrive(sqs, queues);
      out(`cancelled redrive task ${cancelled.taskHandle} after about ${cancelled.moved} messages moved`);
    },
  },
  {
    name: "purge",
    summary: "empty the DLQ (asks first; refuses without a terminal unless --yes)",
    options: { yes: YES_OPTION },
    handler: purgeDlq,
  },
  {
    name: "send",
    summary: "send one JSON message to the service's queue, e.g. to test a fix before a redrive",
    options: {
      body: {
        type: "string",
        value: "JSON",
        description: "send: the message body (or --file, or standard input when neither is given)",
      },
      file: { type: "string", value: "PATH", description: "send: read the message body from this file" },
      attribute: {
        type: "string",
        value: "NAME=VALUE",
        multiple: true,
        description: "send: a string message attribute; repeat for more",
      },
      "group-id": { type: "string", value: "ID", description: "send: the message group id (FIFO queues)" },
      "dedup-id": {
        type: "string",
        value: "ID",
        description: "send: the deduplication id (FIFO queues without content-based deduplication)",
      },
    },
    handler: async ({ args, sqs, queues, out }) => {
      const id = await sendMessage(sqs, queues, {
        body: (await readBody(args)).trim(),
        attributes: args.attributes,
        groupId: args.groupId,
        deduplicationId: args.deduplicationId,
      });
      out(`sent message ${id} to ${queues.queueUrl}`);
    },
  },
  {
    name: "logs",
    summary: "the worker's recent log events from its CloudWatch log group (--since, --follow)",
    options: {
      since: {
        type: "string",
        value: "DURATION",
        description: "logs: how far back, such as 30s, 15m, 2h, 1d (default 15m)",
      },
      follow: { type: "boolean", short: "f", description: "logs: keep printing new events until Ctrl-C" },
    },
    handler: printLogs,
  },
] as const satisfies readonly DlqCommandRow[];

type DlqCommandName = (typeof DLQ_COMMANDS)[number]["name"];

/** The options every command takes: where the service is and how to reach AWS. */
const COMMON_OPTIONS: Readonly<Record<string, CliOption>> = {
  region: REGION_OPTION,
  stage: STAGE_OPTION,
  "name-prefix": {
    type: "string",
    value: "PREFIX",
    description:
      "the worker's namePrefix, when it sets one other than its stage's (default: <stage>- with a stage, else none)",
  },
  "queue-url": {
    type: "string",
    value: "URL",
    description: "the dead-letter queue's URL, instead of finding it by the service's name",
  },
  "endpoint-url": {
    type: "string",
    value: "URL",
    description:
      "an AWS endpoint such as the emulator's, for every AWS call the command makes: SQS, CloudWatch, CloudWatch Logs, DynamoDB (default AWS_ENDPOINT_URL)",
  },
};

/**
 * Every option of the table, in the order the commands list them and then the common ones; an
 * option of some commands names them (alphabetically) in its `for`.
 */
function commandOptions(): Record<string, CliOption> {
  const options: Record<string, CliOption> = {};
  for (const row of DLQ_COMMANDS as readonly DlqCommandRow[]) {
    for (const [name, option] of Object.entries(row.options)) {
      const commands = [...(options[name]?.for ?? []), row.name].sort();
      options[name] = { ...option, for: commands };
    }
  }
  return { ...options, ...COMMON_OPTIONS };
}

/** The command line of `sqs-worker dlq` (`npm run dlq` here), for parsing and for `--help`. */
export const DLQ_CLI: CliSpec = {
  usage: `${programName("dlq")} <service> <${DLQ_COMMANDS.map((row) => row.name).join("|")}> [options]`,
  summary: `Operates the dead-letter queue of a service deployed with the SqsWorker construct (${docPath("runbook.md")}).`,
  options: commandOptions(),
  more: [
    "commands (one command's options: <service> <command> --help):",
    ...DLQ_COMMANDS.map((row) => `  ${row.name.padEnd(8)}  ${row.summary}`),
    "",
    ...dlqNotes(),
  ].join("\n"),
};

/** The journal, the timeouts and the exit codes: the end of every dlq help. */
function dlqNotes(): string[] {
  return [
    "redrive --client-side keeps a journal and a lock per DLQ in $SQS_WORKER_STATE_DIR (default",
    `~/.local/state/sqs-worker): a rerun after any stop finishes without a second copy; see ${docPath("runbook.md")}.`,
    "Every AWS call: 5 s to connect, 60 s per attempt, 2 attempts; a line says what it waits for after 5 s.",
    "",
    "exit codes: 0 ok, 1 failure, 2 usage, 3 credentials/unknown queue/region mismatch/call not supported,",
    "            4 empty DLQ, 5 a redrive or purge already running, 6 purge or native redrive refused or declined,",
    "            7 redrive incomplete (not everything it set out to move moved, or messages in doubt),",
    "            8 no redrive to cancel, 9 AWS did not answer (gave up; the summary says what was done),",
    "            130 stopped by Ctrl-C (what it held is released; the summary says what was done)",
  ];
}

/**
 * The help of one command (`sqs-worker dlq <service> peek --help`): its usage and summary, and
 * only the options that apply to it.
 */
export function dlqCommandHelp(command: DlqCommandName): string {
  const spec: CliSpec = {
    ...DLQ_CLI,
    usage: `${programName("dlq")} <service> ${command} [options]`,
    summary: `${command}: ${commandRow(command).summary}.`,
    more: dlqNotes().join("\n"),
  };
  return helpText(spec, command);
}

/** `--help` was asked: of the whole tool, or of the one command named. */
export interface DlqHelp {
  readonly help: true;
  readonly command?: DlqCommandName;
}

interface Args {
  service: string;
  body?: string;
  file?: string;
  attributes: Record<string, string>;
  groupId?: string;
  deduplicationId?: string;
  sinceMs: number;
  follow: boolean;
  command: DlqCommandName;
  count: number;
  json: boolean;
  clientSide: boolean;
  maxPerSecond?: number;
  inDoubt?: "delivered" | "resend";
  yes: boolean;
  region: string;
  stage: StageChoice;
  namePrefix: string;
  queueUrl?: string;
  endpointUrl?: string;
}

const isCommand = (word: string | undefined): word is DlqCommandName => DLQ_COMMANDS.some((row) => row.name === word);

/** The table's row of `command`. */
function commandRow(command: DlqCommandName): DlqCommandRow {
  return DLQ_COMMANDS.find((row) => row.name === command)!;
}

/**
 * Parses the command line; a {@link DlqHelp} when --help was asked; throws a usage
 * {@link DlqError} on anything else wrong, including an option of another command
 * (`status --count 3`).
 */
export function parseDlqArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Args | DlqHelp {
  try {
    const { help, values, positionals } = parseCli(DLQ_CLI, argv);
    if (help) return { help: true, command: positionals.find(isCommand) };
    const [service, command] = positionals;
    if (!service || !command || positionals.length > 2) throw usageError(DLQ_CLI, "give a service and one command");
    if (!isCommand(command)) throw usageError(DLQ_CLI, `unknown command ${command}`);
    checkSubcommandOptions(DLQ_CLI, values, command);
    const stage = resolveStage(DLQ_CLI, values, env);
    return {
      service,
      command,
      count: integerOption(DLQ_CLI, values, "count", { min: 1, max: MAX_PEEK }, 10),
      json: values.json === true,
      clientSide: values["client-side"] === true,
      maxPerSecond: integerOption(DLQ_CLI, values, "max-per-second", { min: 1, max: 500 }, undefined),
      inDoubt: inDoubtOption(values["in-doubt"] as string | undefined, values["client-side"] === true),
      yes: values.yes === true,
      region: regionOption(regionOf(values.region as string | undefined, env)),
      stage,
      namePrefix: (values["name-prefix"] as string | undefined) ?? namePrefixOf(stage),
      queueUrl: values["queue-url"] as string | undefined,
      endpointUrl: endpointOption((values["endpoint-url"] as string | undefined) || env.AWS_ENDPOINT_URL || undefined),
      body: values.body as string | undefined,
      file: values.file as string | undefined,
      attributes: parseAttributes((values.attribute as string[] | undefined) ?? []),
      groupId: values["group-id"] as string | undefined,
      deduplicationId: values["dedup-id"] as string | undefined,
      sinceMs: sinceOption(values.since as string | undefined),
      follow: values.follow === true,
    };
  } catch (error) {
    if (error instanceof CliUsageError) throw new DlqError(error.message, EXIT.usage);
    throw error;
  }
}

/** --in-doubt: `delivered` or `resend`, and only with --client-side. */
function inDoubtOption(given: string | undefined, clientSide: boolean): Args["inDoubt"] {
  if (given === undefined) return undefined;
  if (given !== "delivered" && given !== "resend")
    throw usageError(DLQ_CLI, `--in-doubt must be delivered or resend (given ${JSON.stringify(given)})`);
  if (!clientSide)
    throw usageError(
      DLQ_CLI,
      "--in-doubt is for redrive --client-side (the journal of copies in doubt is the client-side redrive's)",
    );
  return given;
}

/** --region (or AWS_REGION) must look like an AWS region, such as us-east-1: a typo otherwise reaches SQS as a host name. */
function regionOption(region: string): string {
  if (!isRegionName(region))
    throw usageError(
      DLQ_CLI,
      `--region (or AWS_REGION) must be an AWS region such as us-east-1 (given ${JSON.stringify(region)})`,
    );
  return region;
}

/** --endpoint-url (or AWS_ENDPOINT_URL) must be an http(s) URL. */
function endpointOption(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let protocol = "";
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw usageError(
      DLQ_CLI,
      `--endpoint-url (or AWS_ENDPOINT_URL) must be an http:// or https:// URL, such as http://127.0.0.1:4566 (given ${JSON.stringify(url)})`,
    );
  }
  return url;
}

/** The --since duration in milliseconds (default 15 minutes); anything else is a usage error. */
function sinceOption(given: string | undefined): number {
  if (given === undefined) return 15 * 60_000;
  const ms = parseDuration(given);
  if (ms === undefined || ms === 0)
    throw usageError(DLQ_CLI, `--since must be a duration such as 30s, 15m, 2h or 1d (given ${JSON.stringify(given)})`);
  return ms;
}

/** `name=value` pairs as a map; a pair without `=` is a usage error. */
function parseAttributes(pairs: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) throw usageError(DLQ_CLI, `--attribute must be NAME=VALUE (given ${JSON.stringify(pair)})`);
    attributes[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return attributes;
}

/** The body for `send`: --body, else --file, else standard input. */
async function readBody(args: Args): Promise<string> {
  if (args.body !== undefined) return args.body;
  if (args.file !== undefined) {
    try {
      return fs.readFileSync(args.file, "utf8");
    } catch (error) {
      throw new DlqError(
        `--file ${args.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        EXIT.usage,
      );
    }
  }
  if (process.stdin.isTTY)
    throw new DlqError(
      `send needs a body: --body JSON, --file PATH, or JSON on standard input. usage: ${DLQ_CLI.usage}`,
      EXIT.usage,
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Milliseconds as the largest whole unit: 900000 → "15m". */
function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}

async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/**
 * Before a native redrive: on a service with idempotency on (or when the tool cannot tell), warns
 * that the moved messages get new ids, then asks on a terminal, or needs --yes without one.
 */
async function confirmNativeRedrive(
  args: Args,
  sqs: SQSClient,
  queues: WorkerQueues,
  err: (line: string) => void,
): Promise<void> {
  if ((await queueDepth(sqs, queues.dlqUrl)) === 0) return; // redriveNative says the DLQ is empty (exit 4)
  const dynamodb = announceSlowCalls(
    new DynamoDBClient({ region: args.region, endpoint: args.endpointUrl, ...patientClientConfig() }),
    "DynamoDB",
    err,
  );
  const state = await idempotencyState(dynamodb, {
    service: args.service,
    namePrefix: args.namePrefix,
    fifo: queues.fifo,
    projectDir: process.cwd(),
  });
  if (state.on === false || args.yes) {
    if (state.on !== false) err(nativeRedriveIdempotencyWarning(args.service, state));
    return;
  }
  err(nativeRedriveIdempotencyWarning(args.service, state));
  if (!process.stdin.isTTY) {
    throw new DlqError(
      "native redrive refused: use --client-side, or pass --yes if the worker keys on a body field (no terminal to ask on)",
      EXIT.refused,
    );
  }
  if (!(await confirm("Redrive with SQS's move task anyway? [y/N] ")))
    throw new DlqError("redrive cancelled: `redrive --client-side` keeps the original ids", EXIT.refused);
}

/** `status`: the counters of both queues, the oldest message's age and the alarms' states. */
async function printStatus({ sqs, queues, config, out, err }: DlqContext): Promise<void> {
  const s = await status(sqs, announceSlowCalls(new CloudWatchClient(config), "CloudWatch", err), queues);
  const line = (name: string, c: typeof s.queue) =>
    `${name.padEnd(18)} visible ${c.visible}, in flight ${c.inFlight}, delayed ${c.delayed}, oldest ${c.oldestAgeSeconds === undefined ? "not available (no CloudWatch datapoint)" : `${c.oldestAgeSeconds} s`}`;
  out(line("queue", s.queue));
  out(line("dead-letter queue", s.deadLetterQueue));
  for (const alarm of s.alarms) out(`alarm              ${alarm.name}: ${alarm.state}`);
}

/** `redrive --client-side`: receive, send and delete in batches, journaled. */
async function redriveClientSide({ args, sqs, queues, config, out, err }: DlqContext): Promise<void> {
  // A standard queue's copy is sent once: a retried SendMessageBatch whose first answer was lost would be a second copy.
  const sendClient = queues.fifo
    ? sqs
    : announceSlowCalls(new SQSClient({ ...config, ...patientClientConfig({ maxAttempts: 1 }) }), "SQS", err);
  await clientSideRedriveCommand(
    { sqs, sendClient },
    queues,
    { service: args.service, inDoubt: args.inDoubt, maxPerSecond: args.maxPerSecond },
    out,
    err,
  );
}

/** `redrive`: SQS's own message move task, under the DLQ's lock, with a summary. */
async function redriveWithMoveTask({ args, sqs, queues, out, err }: DlqContext): Promise<void> {
  await confirmNativeRedrive(args, sqs, queues, err);
  const lock = acquireRedriveLock(stateFolder(), queues.dlqArn, queueName(queues.dlqUrl), "redrive", err);
  let summary;
  try {
    summary = await redriveNative(sqs, queues, {
      maxPerSecond: args.maxPerSecond,
      progress: err,
      service: args.service,
    });
  } finally {
    lock.release();
  }
  const complete = redriveComplete(summary);
  out(
    `redrive ${complete ? "complete" : "INCOMPLETE"}: ${summary.moved} of ${summary.target} moved, ${summary.failed} failed, ` +
      `${summary.skipped} skipped, ${summary.stillInDlq} still in the dead-letter queue`,
  );
  if (!complete)
    throw new DlqError(
      "not everything the redrive set out to move moved: check the dead-letter queue, then redrive again",
      EXIT.incomplete,
    );
}

/** `logs`: the worker's log events since --since, and on with --follow until Ctrl-C. */
async function printLogs({ args, queues, config, out, err }: DlqContext): Promise<void> {
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  const printed = await showLogs(
    announceSlowCalls(new CloudWatchLogsClient(config), "CloudWatch Logs", err),
    queues.logGroupName,
    { sinceMs: args.sinceMs, follow: args.follow, out, signal: stop.signal },
  );
  if (printed === 0) err(`no log events in ${queues.logGroupName} in the last ${formatDuration(args.sinceMs)}`);
}

/** `purge`: asks (or needs --yes), then empties the DLQ under its lock and forgets a stopped redrive's journal. */
async function purgeDlq({ args, sqs, queues, out, err }: DlqContext): Promise<void> {
  if (!args.yes) {
    if (!process.stdin.isTTY)
      throw new DlqError(
        "purge deletes every message of the dead-letter queue: pass --yes (no terminal to ask on)",
        EXIT.refused,
      );
    if (!(await confirm(`Delete every message in ${queues.dlqUrl}? [y/N] `)))
      throw new DlqError("purge cancelled", EXIT.refused);
  }
  // Purging during a redrive would delete messages it is copying: the redrive's lock refuses it (exit 5).
  const lock = acquireRedriveLock(stateFolder(), queues.dlqArn, queueName(queues.dlqUrl), "purge", err);
  try {
    out(`purged about ${await purge(sqs, queues)} messages from ${queues.dlqUrl}`);
    // The messages a stopped redrive left held or in doubt are gone: its journal no longer applies.
    if (RedriveJournal.forget(stateFolder(), queues.dlqArn))
      err("journal: cleared (the messages a stopped redrive had left are purged)");
  } finally {
    lock.release();
  }
}

/** The queue's name: the last part of its URL. */
function queueName(queueUrl: string): string {
  return queueUrl.split("/").pop()!;
}

/** Finds the service's queues, then runs the command's handler from the table. */
async function run(args: Args, out: (line: string) => void, err: (line: string) => void): Promise<void> {
  announceNodeSupport(); // before the first client: the SDK's own warning is eight lines
  // Every client has timeouts and bounded retries, and says what it waits for (tools/shared/aws-patience.ts).
  const config: SQSClientConfig = { region: args.region, endpoint: args.endpointUrl, ...patientClientConfig() };
  const sqs = announceSlowCalls(new SQSClient(config), "SQS", err);
  try {
    const queues = await resolveWorkerQueues(sqs, {
      service: args.service,
      region: args.region,
      endpointUrl: args.endpointUrl,
      dlqUrl: args.queueUrl,
      stage: args.stage,
      namePrefix: args.namePrefix,
      // The app's folder the command runs in: where the local backend keeps each stack's state,
      // and whose synth output is listed when no queue is found.
      projectDir: process.cwd(),
      outdir: defaultOutdir(),
    });
    await commandRow(args.command).handler({ args, queues, sqs, config, out, err });
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
    const args = parseDlqArgs(argv);
    if ("help" in args) out(args.command ? dlqCommandHelp(args.command) : helpText(DLQ_CLI));
    else await run(args, out, err);
    return EXIT.ok;
  } catch (error) {
    err(`dlq: ${(error as Error).message}`);
    return error instanceof DlqError ? error.exitCode : EXIT.failure;
  }
}

/** `sqs-worker dlq`: its line in the command table (tools/sqs-worker.ts). */
export const DLQ_COMMAND: CliCommand = {
  name: "dlq",
  summary: `operate a service's dead-letter queue: ${DLQ_COMMANDS.map((row) => row.name).join(", ")}`,
  spec: DLQ_CLI,
  run: (argv) => main(argv),
};

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
