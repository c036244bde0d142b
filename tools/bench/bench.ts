/**
 * npm run bench: synth speed, memory and scale, and the worker's size and per-batch overhead.
 * Prints a table and writes bench/results.json. Not part of npm test (numbers, not pass/fail).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Context, SQSEvent } from "aws-lambda";
import { bundleLambda } from "../../modules/internal";
import { makeHandler } from "../../lambda-src/worker";
import { IDEMPOTENCY_ENV } from "../../lambda-src/idempotency-settings";
import { runWithoutArguments } from "../shared/cli";
import { withInMemoryDynamoDb } from "./in-memory-dynamodb";
import { BENCH_CLI } from "./bench-cli";
import { QUICK_START_APP, setUpConsumerApp } from "./consumer-app";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCALES = (process.env.BENCH_SCALES ?? "1,10,100,1000").split(",").map(Number);

interface Measurement {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly medianPeakRssMb: number;
  readonly runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One command the benchmark times: what to run, where, with which extra environment. */
interface Lane {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `lane` once as a separate process: wall time, and the peak RSS of the largest Node process it started. */
function runOnce(lane: Lane): { ms: number; peakRssMb: number } {
  const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rss-"));
  const started = process.hrtime.bigint();
  const result = spawnSync(lane.command, lane.args, {
    cwd: lane.cwd ?? ROOT,
    env: {
      ...process.env,
      ...lane.env,
      BENCH_RSS_DIR: rssDir,
      NODE_OPTIONS: `--require ${path.join(__dirname, "report-rss.js")}`,
    },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${lane.command} ${lane.args.join(" ")} failed:\n${result.stderr.toString()}`);
  const peaks = fs.readdirSync(rssDir).map((pid) => Number(fs.readFileSync(path.join(rssDir, pid), "utf8")) / 1024);
  fs.rmSync(rssDir, { recursive: true, force: true });
  return { ms, peakRssMb: Math.max(...peaks) };
}

/**
 * Times each lane `RUNS` times after one warm-up run of each (file system cache, the bundle and
 * transpile caches), taking turns (run 1 of every lane, then run 2...), so that load from other
 * work on the machine falls on all of them alike: the figures can be compared with each other.
 */
function measureSideBySide<K extends string>(lanes: Record<K, Lane>): Record<K, Measurement> {
  const names = Object.keys(lanes) as K[];
  const samples = Object.fromEntries(
    names.map((name) => [name, { times: [] as number[], rss: [] as number[] }]),
  ) as Record<K, { times: number[]; rss: number[] }>;
  for (let run = 0; run <= RUNS; run++) {
    for (const name of names) {
      const { ms, peakRssMb } = runOnce(lanes[name]);
      if (run === 0) continue; // warm-up
      samples[name].times.push(ms);
      samples[name].rss.push(peakRssMb);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const { times, rss } = samples[name];
      return [
        name,
        {
          medianMs: median(times),
          minMs: Math.min(...times),
          maxMs: Math.max(...times),
          medianPeakRssMb: median(rss),
          runs: RUNS,
        },
      ];
    }),
  ) as Record<K, Measurement>;
}

/** `measureSideBySide` of one lane. */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Measurement {
  return measureSideBySide({ only: { command, args, env } }).only;
}

/**
 * Per-batch overhead of the handler plumbing with business logic that does nothing; `fifo`: a
 * FIFO batch of 10 records in 4 message groups, run one at a time through the group gate.
 */
async function handlerOverhead(
  batches: number,
  fifo = false,
): Promise<{ medianUs: number; p99Us: number; batches: number }> {
  const handler = makeHandler(() => Promise.resolve());
  const event = benchEvent("same", fifo);
  const context = { functionName: "bench" } as Context;
  for (let i = 0; i < 2000; i++) await handler(event, context); // warm-up: JIT
  const samples: number[] = [];
  for (let i = 0; i < batches; i++) {
    const started = process.hrtime.bigint();
    await handler(event, context);
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return { medianUs: median(samples), p99Us: percentile(samples, 99), batches };
}

/** One batch of 10 records; `batch` makes the message ids unique to it; `fifo` puts them on a FIFO queue in 4 groups. */
function benchEvent(batch: number | "same", fifo = false): SQSEvent {
  return {
    Records: Array.from({ length: 10 }, (_, i) => ({
      messageId: `m${batch}-${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify({ orderId: i, items: [1, 2, 3], note: "benchmark" }),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "0",
        SenderId: "x",
        ApproximateFirstReceiveTimestamp: "0",
        ...(fifo
          ? { MessageGroupId: `g${i % 4}`, MessageDeduplicationId: `d${batch}-${i}`, SequenceNumber: String(i) }
          : {}),
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:bench-queue${fifo ? ".fifo" : ""}`,
      awsRegion: "us-east-1",
    })),
  };
}

/**
 * Per-record cost of the plumbing with idempotency on, against an in-process table (see
 * in-memory-dynamodb.ts): for new messages (take the key, run, mark COMPLETED) and for duplicates
 * (find COMPLETED, skip), next to the same handler without idempotency.
 */
async function idempotencyOverhead(
  batches: number,
): Promise<{ offUs: number; firstDeliveryUs: number; duplicateUs: number; batches: number }> {
  const context = { functionName: "bench", getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
  const perRecord = async (handler: ReturnType<typeof makeHandler>, event: (i: number) => SQSEvent) => {
    for (let i = 0; i < 500; i++) await handler(event(-1 - i), context); // warm-up: JIT
    const samples: number[] = [];
    for (let i = 0; i < batches; i++) {
      const started = process.hrtime.bigint();
      const response = await handler(event(i), context);
      samples.push(Number(process.hrtime.bigint() - started) / 1000 / 10);
      if (response.batchItemFailures.length > 0) throw new Error(`bench batch failed: ${JSON.stringify(response)}`);
    }
    return median(samples);
  };
  const offUs = await perRecord(
    makeHandler(() => Promise.resolve()),
    benchEvent,
  );
  const saved = { ...process.env };
  Object.assign(process.env, {
    [IDEMPOTENCY_ENV.table]: "bench-idempotency",
    [IDEMPOTENCY_ENV.expirySeconds]: "3600",
    AWS_REGION: "us-east-1",
    AWS_LAMBDA_FUNCTION_NAME: "bench-worker",
  });
  try {
    return await withInMemoryDynamoDb(async () => {
      const firstDeliveryUs = await perRecord(
        makeHandler(() => Promise.resolve()),
        benchEvent,
      );
      // Each skipped duplicate logs one line ("duplicate-skipped"): counted, not printed, here.
      const log = console.log;
      let skipped = 0;
      console.log = () => void skipped++;
      let duplicateUs: number;
      try {
        duplicateUs = await perRecord(
          makeHandler(() => Promise.resolve()),
          () => benchEvent("same"),
        );
      } finally {
        console.log = log;
      }
      if (skipped < batches * 10)
        throw new Error(`expected every record of the duplicate run to be skipped, ${skipped} were`);
      return { offUs, firstDeliveryUs, duplicateUs, batches };
    });
  } finally {
    process.env = saved;
  }
}

async function main(): Promise<void> {
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
  console.log(
    `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}`,
  );
  console.log(`each figure: median of ${RUNS} runs in a separate process after a warm-up run\n`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  try {
    // The consumer app: this package from its tarball, the same services, the quick start's cdktf.json.
    const setup = setUpConsumerApp(work, { ...process.env, CHECKPOINT_DISABLE: "1" });
    console.log(
      `consumer app set up in ${((setup.packMs + setup.installMs) / 1000).toFixed(1)} s (npm pack with its build ${(setup.packMs / 1000).toFixed(1)} s, npm install --prefer-offline ${(setup.installMs / 1000).toFixed(1)} s)`,
    );
    const appCommand = (cwd: string, main: string, outdir: string): Lane => ({
      command: process.execPath,
      args: ["-r", "sqs-worker-cdktf/register", main],
      cwd,
      env: { CDKTF_OUTDIR: path.join(work, outdir) },
    });
    const synth = measureSideBySide({
      // The main command itself, through npm, as a user runs it.
      npmRunSynth: {
        command: "npm",
        args: ["run", "--silent", "synth"],
        env: { CDKTF_OUTDIR: path.join(work, "example") },
      },
      // The app command of each cdktf.json, as `cdktf synth` starts it (without the CLI's own start-up).
      inRepoApp: appCommand(ROOT, "main.ts", "in-repo"),
      consumerApp: appCommand(setup.dir, "main.ts", "consumer"),
      // The cdktf template's app (type-checks every synth), and the naive app: that plus the provider root import.
      consumerTsNode: {
        command: "npx",
        args: ["ts-node", "main.ts"],
        cwd: setup.dir,
        env: { CDKTF_OUTDIR: path.join(work, "ts-node") },
      },
      naiveApp: {
        command: "npx",
        args: ["ts-node", "naive.ts"],
        cwd: setup.dir,
        env: { CDKTF_OUTDIR: path.join(work, "naive") },
      },
    });
    const exampleApp = synth.npmRunSynth;
    const stacks = (outdir: string) => fs.readdirSync(path.join(work, outdir, "stacks")).length;
    const row = (label: string, m: Measurement) =>
      console.log(
        `  ${label.padEnd(58)} ${m.medianMs.toFixed(0).padStart(6)} ms ${m.medianPeakRssMb.toFixed(0).padStart(5)} MB`,
      );
    console.log(
      `\nsynth of the example services (${stacks("example")} stacks here, ${stacks("consumer")} in the consumer), lanes taking turns; app = \`${QUICK_START_APP}\`:`,
    );
    row("npm run synth (this repository)", synth.npmRunSynth);
    row("this repository's cdktf.json app", synth.inRepoApp);
    row("consumer app from the tarball, its cdktf.json app", synth.consumerApp);
    row("consumer app, the cdktf template's npx ts-node main.ts", synth.consumerTsNode);
    row("naive: npx ts-node, provider bindings from the root", synth.naiveApp);
    const consumerGap = synth.consumerApp.medianMs - synth.inRepoApp.medianMs;
    const speedup = synth.naiveApp.medianMs / synth.npmRunSynth.medianMs;
    console.log(
      `goal: consumer within 200 ms of this repository: ${consumerGap >= 0 ? "+" : ""}${consumerGap.toFixed(0)} ms (${Math.abs(consumerGap) <= 200 ? "met" : "NOT met"})`,
    );
    console.log(
      `goal: npm run synth at least 15x faster than the naive app: ${speedup.toFixed(1)}x (${speedup >= 15 ? "met" : "NOT met"})\n`,
    );

    const scale: Record<string, Measurement> = {};
    for (const services of SCALES) {
      // The same command line as `npm run synth`, with a generated catalog instead of main.ts.
      scale[services] = measure(process.execPath, [
        "-r",
        "sqs-worker-cdktf/register",
        "tools/bench/synth-generated.ts",
        String(services),
        path.join(work, `scale-${services}`),
      ]);
      console.log(
        `${String(services).padStart(5)} services: ${scale[services].medianMs.toFixed(0).padStart(6)} ms, ${scale[services].medianPeakRssMb.toFixed(0).padStart(5)} MB`,
      );
    }
    const [smallest, largest] = [Math.min(...SCALES), Math.max(...SCALES)];
    const marginal = {
      msPerService: (scale[largest].medianMs - scale[smallest].medianMs) / (largest - smallest),
      mbPerService: (scale[largest].medianPeakRssMb - scale[smallest].medianPeakRssMb) / (largest - smallest),
    };
    console.log(
      `marginal cost per service (${smallest} → ${largest}): ${marginal.msPerService.toFixed(2)} ms, ${marginal.mbPerService.toFixed(3)} MB`,
    );

    const bundle = bundleLambda(path.join(__dirname, "..", "..", "lambda-src", "orders.ts"), path.join(work, "bundle"));
    const overhead = await handlerOverhead(Number(process.env.BENCH_BATCHES ?? 20_000));
    console.log(
      `worker bundle: ${bundle.sizeBytes} bytes zipped (stored), ${bundle.codeSizeBytes} bytes of JavaScript`,
    );
    console.log(
      `handler overhead per batch of 10: median ${overhead.medianUs.toFixed(1)} µs, p99 ${overhead.p99Us.toFixed(1)} µs (${overhead.batches} batches)`,
    );
    const fifoOverhead = await handlerOverhead(Number(process.env.BENCH_BATCHES ?? 20_000), true);
    console.log(
      `handler overhead per FIFO batch of 10 (4 groups, one record at a time): median ${fifoOverhead.medianUs.toFixed(1)} µs, p99 ${fifoOverhead.p99Us.toFixed(1)} µs`,
    );
    const idempotentBundle = bundleLambda(
      path.join(__dirname, "..", "..", "lambda-src", "orders.ts"),
      path.join(work, "bundle"),
      { idempotency: true },
    );
    const idempotency = await idempotencyOverhead(Number(process.env.BENCH_IDEMPOTENT_BATCHES ?? 2_000));
    console.log(
      `worker bundle with idempotency: ${idempotentBundle.sizeBytes} bytes zipped (@aws-sdk/client-dynamodb and util-dynamodb left to the runtime)`,
    );
    console.log(
      `per record, median (in-process table, no network): idempotency off ${idempotency.offUs.toFixed(1)} µs, ` +
        `on, first delivery ${idempotency.firstDeliveryUs.toFixed(1)} µs, on, duplicate skipped ${idempotency.duplicateUs.toFixed(1)} µs ` +
        `(${idempotency.batches} batches of 10; DynamoDB's round trips, a few ms each in-region, come on top)`,
    );

    const results = {
      machine,
      runsPerFigure: RUNS,
      exampleApp,
      synthSideBySide: {
        ...synth,
        consumerGapMs: consumerGap,
        naiveOverNpmRunSynth: speedup,
        consumerSetupMs: { pack: setup.packMs, install: setup.installMs },
      },
      scale,
      marginal,
      bundle: { zipBytes: bundle.sizeBytes, javascriptBytes: bundle.codeSizeBytes },
      handlerOverheadPerBatchOf10: overhead,
      handlerOverheadPerFifoBatchOf10: fifoOverhead,
      idempotency: { zipBytes: idempotentBundle.sizeBytes, perRecordMedianUs: idempotency },
    };
    fs.mkdirSync(path.join(ROOT, "bench"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    console.log("\nwritten: bench/results.json");
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

runWithoutArguments(BENCH_CLI, process.argv.slice(2), "bench", main);
