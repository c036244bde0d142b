/**
 * sqs-worker run <service> [options]      (here: npm run worker:local -- <service>; every option: --help)
 *
 * Runs a service's worker on this machine against its real queue (AWS or an emulator), the
 * way Lambda's event source mapping would, with the exact zip the app's synth produced (read
 * from cdktf.out, or cdktf.json's output, in the current folder; JSON or HCL synth; the stack
 * `<stage>-<service>` with --stage or SQS_WORKER_STAGE). Its lines start with `run`.
 * Exit codes (WORKER_LOCAL_EXIT): 0 a clean stop (Ctrl-C, SIGTERM, --until-empty) with no
 * failed record; 4 when any record failed or was dead-lettered; 2 for usage mistakes; 1 for
 * anything that keeps it from running, with one line.
 */
import * as fs from "fs";
import * as path from "path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { announceSlowCalls, patientClientConfig } from "./shared/aws-patience";
import { queueCounters } from "./shared/queue-depth";
import { REGION_OPTION, regionOf } from "./shared/region";
import {
  findQueueUrl,
  missingQueueUrlMessage,
  missingStackMessage,
  type StackTarget,
} from "./local-runner/queue-lookup";
import { isMissingQueue } from "./shared/aws-errors";
import { RUN_LOG_PREFIX, WORKER_LOCAL_EXIT, exitCodeFor, summaryLine } from "./local-runner/run-report";
import { announceNodeSupport } from "./shared/node-support";
import { LocalRunner } from "./local-runner/runner";
import { loadDeployedWorkerConfig } from "./local-runner/stack-config";
import { stackConfigFiles } from "./local-runner/stack-file";
import { defaultOutdir, resolveStage, STAGE_OPTION, stackIdOf, type StageChoice } from "./shared/stage";
import {
  CliUsageError,
  helpText,
  integerOption,
  parseCli,
  programName,
  usageError,
  USAGE_EXIT,
  type CliCommand,
  type CliSpec,
} from "./shared/cli";

/** The command line of `sqs-worker run` (`npm run worker:local` here), for parsing and for `--help`. */
export const WORKER_LOCAL_CLI: CliSpec = {
  usage: `${programName("run")} <service> [options]`,
  summary:
    "Runs a service's worker on this machine against its real queue (AWS or an emulator), the way Lambda's event source " +
    "mapping would, with the exact zip the app's synth (`cdktf synth`, JSON or --hcl) wrote to cdktf.out in the current folder " +
    "(the stack <service>, or <stage>-<service> with a stage), " +
    "after checking it against the stack's source_code_hash. Prints each failed record with its message id and error, and a " +
    "summary line at the end. Stop with Ctrl-C.",
  options: {
    stage: STAGE_OPTION,
    "queue-url": {
      type: "string",
      value: "URL",
      description: "consume this queue instead of the one the service's stack names (<stage>-<service>-queue)",
    },
    region: REGION_OPTION,
    "endpoint-url": {
      type: "string",
      value: "URL",
      description:
        "an AWS endpoint such as the emulator's, for every AWS call of the run: the queue's and the worker's own (default AWS_ENDPOINT_URL)",
    },
    outdir: {
      type: "string",
      value: "DIR",
      description:
        "the synth output to read the service from (default: cdktf.json's output in the current folder, else cdktf.out)",
    },
    "until-empty": {
      type: "boolean",
      description: "stop once the queue holds no visible, in-flight or delayed message",
    },
    "wait-seconds": {
      type: "string",
      value: "N",
      description: "long-polling wait of each receive, 0 to 20 (default 20)",
    },
    "release-failed": {
      type: "boolean",
      description:
        "playground: make failed messages visible again at once instead of after the visibility timeout (Lambda waits), so retries and dead-lettering take seconds",
    },
  },
  more: [
    "exit codes:",
    `  ${WORKER_LOCAL_EXIT.ok}  clean: stopped by Ctrl-C, SIGTERM or --until-empty, and no record failed`,
    `  ${WORKER_LOCAL_EXIT.error}  could not run: no synthesized stack, a zip that does not match the stack or is unsafe, no queue`,
    `  ${USAGE_EXIT}  usage: an unknown option, a missing service`,
    `  ${WORKER_LOCAL_EXIT.recordsFailed}  records failed: at least one record failed (or was dead-lettered) during the run, whatever stopped it`,
    "",
    "Credentials come from the usual AWS environment. Disable the deployed event source mapping first if Lambda should not share the queue.",
  ].join("\n"),
};

interface Args {
  service: string;
  stage: StageChoice;
  queueUrl?: string;
  region: string;
  endpointUrl?: string;
  outdir: string;
  untilEmpty: boolean;
  waitSeconds: number;
  releaseFailed: boolean;
}

/** Parses the command line; `"help"` when --help was asked; throws a one-line {@link CliUsageError} otherwise. */
export function parseWorkerLocalArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Args | "help" {
  const { help, values, positionals } = parseCli(WORKER_LOCAL_CLI, argv);
  if (help) return "help";
  if (positionals.length !== 1)
    throw usageError(
      WORKER_LOCAL_CLI,
      positionals.length === 0 ? "give the service to run" : `unexpected argument ${positionals[1]}`,
    );
  return {
    service: positionals[0],
    stage: resolveStage(WORKER_LOCAL_CLI, values, env),
    queueUrl: values["queue-url"] as string | undefined,
    region: regionOf(values.region as string | undefined, env),
    endpointUrl: (values["endpoint-url"] as string | undefined) || env.AWS_ENDPOINT_URL || undefined,
    outdir: (values.outdir as string | undefined) ?? defaultOutdir(),
    untilEmpty: values["until-empty"] === true,
    waitSeconds: integerOption(WORKER_LOCAL_CLI, values, "wait-seconds", { min: 0, max: 20 }, 20),
    releaseFailed: values["release-failed"] === true,
  };
}

/**
 * Runs the command; resolves with its exit code ({@link WORKER_LOCAL_EXIT}, or {@link USAGE_EXIT}
 * for a usage mistake) once the run has stopped. Other errors: one line on stderr, exit 1.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await runWorker(argv);
  } catch (error) {
    process.stderr.write(`${RUN_LOG_PREFIX}: ${(error as Error).message}\n`);
    return error instanceof CliUsageError ? USAGE_EXIT : WORKER_LOCAL_EXIT.error;
  }
}

async function runWorker(argv: readonly string[]): Promise<number> {
  const args = parseWorkerLocalArgs(argv);
  if (args === "help") {
    process.stdout.write(`${helpText(WORKER_LOCAL_CLI)}\n`);
    return WORKER_LOCAL_EXIT.ok;
  }
  announceNodeSupport(); // before the first client and the worker threads
  // The stage picks the stack, as ServiceStack named it: cdktf.out/stacks/<stage>-<service>.
  const target: StackTarget = {
    service: args.service,
    stage: args.stage,
    stackId: stackIdOf(args.service, args.stage),
    outdir: args.outdir,
  };
  const { json, hcl } = stackConfigFiles(path.join(args.outdir, "stacks", target.stackId));
  if (!fs.existsSync(json) && !fs.existsSync(hcl)) throw new Error(missingStackMessage(target));
  const worker = await loadDeployedWorkerConfig(args.outdir, args.service, target.stackId);
  // Timeouts, bounded retries, and a line while SQS does not answer (tools/shared/aws-patience.ts).
  const sqs = announceSlowCalls(
    new SQSClient({ region: args.region, endpoint: args.endpointUrl, ...patientClientConfig() }),
    "SQS",
    (line) => process.stderr.write(`${line}\n`),
  );
  const place = { region: args.region, endpointUrl: args.endpointUrl };
  const queueUrl = args.queueUrl ?? (await findQueueUrl(sqs, worker.queueName, target, place));
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
  try {
    await runner.start();
  } catch (error) {
    if (args.queueUrl && isMissingQueue(error))
      throw new Error(missingQueueUrlMessage(args.queueUrl, place), { cause: error });
    throw error;
  }
  const stoppedBy = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("stopped by Ctrl-C"));
    process.once("SIGTERM", () => resolve("stopped by SIGTERM"));
    if (args.untilEmpty)
      void waitUntilEmpty(sqs, queueUrl, runner, args.releaseFailed).then(() => resolve("queue empty (--until-empty)"));
  });
  const stats = await runner.stop();
  process.stderr.write(`${summaryLine(args.service, stoppedBy, stats)}\n`);
  return exitCodeFor(stats);
}

/** How long the runner may sit without a batch before it says what it is waiting for, and how often it says so again. */
const QUIET_NOTICE_MS = 15_000;

/**
 * Resolves once the queue holds nothing: two empty readings in a row, since the counters are
 * approximate. A failed reading is logged and counts as not empty, as a failed receive is
 * logged and retried: the run goes on and its failures still decide the exit code. While no
 * batch comes for a while and messages are in flight (failed ones wait out the queue's
 * visibility timeout, minutes on a real service), it says so instead of sitting silent.
 */
async function waitUntilEmpty(
  sqs: SQSClient,
  queueUrl: string,
  runner: LocalRunner,
  releaseFailed: boolean,
): Promise<void> {
  let emptyReadings = 0;
  let lastBatches = runner.stats.batches;
  let quietSince = Date.now();
  while (emptyReadings < 2) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    try {
      const counters = await queueCounters(sqs, queueUrl);
      emptyReadings = counters.visible + counters.inFlight + counters.delayed === 0 ? emptyReadings + 1 : 0;
      if (runner.stats.batches !== lastBatches) {
        lastBatches = runner.stats.batches;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= QUIET_NOTICE_MS && counters.inFlight + counters.delayed > 0) {
        quietSince = Date.now();
        const hint = releaseFailed ? "" : " (--release-failed makes failed messages visible again at once)";
        process.stderr.write(
          `${RUN_LOG_PREFIX}: waiting: ${counters.inFlight} messages in flight and ${counters.delayed} delayed; failed ones come back when the queue's visibility timeout ends${hint}\n`,
        );
      }
    } catch (error) {
      emptyReadings = 0;
      process.stderr.write(`${RUN_LOG_PREFIX}: reading the queue depth failed: ${(error as Error).message}\n`);
    }
  }
}

/** `sqs-worker run`: its line in the command table (tools/sqs-worker.ts). */
export const RUN_COMMAND: CliCommand = {
  name: "run",
  summary: "run a service's worker on this machine against its queue (AWS or the emulator), from the app's cdktf.out",
  spec: WORKER_LOCAL_CLI,
  run: (argv) => main(argv),
};

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
