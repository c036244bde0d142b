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

/**
 * Runs `command` as a separate process `RUNS` times after one warm-up run: wall time, and the
 * peak RSS of the largest Node process it started.
 */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Measurement {
  const times: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rss-"));
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_RSS_DIR: rssDir, NODE_OPTIONS: `--require ${path.join(__dirname, "report-rss.js")}` },
      stdio: ["ignore", "ignore", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
    const peaks = fs.readdirSync(rssDir).map((pid) => Number(fs.readFileSync(path.join(rssDir, pid), "utf8")) / 1024);
    fs.rmSync(rssDir, { recursive: true, force: true });
    if (run === 0) continue; // warm-up: file system cache, bundle cache folder
    times.push(elapsedMs);
    rss.push(Math.max(...peaks));
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), medianPeakRssMb: median(rss), runs: RUNS };
}

/**
 * Per-batch overhead of the handler plumbing with business logic that does nothing; `fifo`: a
 * FIFO batch of 10 records in 4 message groups, run one at a time through the group gate.
 */
async function handlerOverhead(batches: number, fifo = false): Promise<{ medianUs: number; p99Us: number; batches: number }> {
  const handler = makeHandler(async () => undefined);
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
        ...(fifo ? { MessageGroupId: `g${i % 4}`, MessageDeduplicationId: `d${batch}-${i}`, SequenceNumber: String(i) } : {}),
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
async function idempotencyOverhead(batches: number): Promise<{ offUs: number; firstDeliveryUs: number; duplicateUs: number; batches: number }> {
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
  const offUs = await perRecord(makeHandler(async () => undefined), benchEvent);
  const saved = { ...process.env };
  Object.assign(process.env, { [IDEMPOTENCY_ENV.table]: "bench-idempotency", [IDEMPOTENCY_ENV.expirySeconds]: "3600", AWS_REGION: "us-east-1", AWS_LAMBDA_FUNCTION_NAME: "bench-worker" });
  try {
    return await withInMemoryDynamoDb(async () => {
      const firstDeliveryUs = await perRecord(makeHandler(async () => undefined), benchEvent);
      // Each skipped duplicate logs one line ("duplicate-skipped"): counted, not printed, here.
      const log = console.log;
      let skipped = 0;
      console.log = () => void skipped++;
      let duplicateUs: number;
      try {
        duplicateUs = await perRecord(makeHandler(async () => undefined), () => benchEvent("same"));
      } finally {
        console.log = log;
      }
      if (skipped < batches * 10) throw new Error(`expected every record of the duplicate run to be skipped, ${skipped} were`);
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
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}`);
  console.log(`each figure: median of ${RUNS} runs in a separate process after a warm-up run\n`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  try {
    // The main command itself, through npm, as a user runs it.
    const exampleApp = measure("npm", ["run", "--silent", "synth"], { CDKTF_OUTDIR: path.join(work, "example") });
    console.log(`npm run synth (example app, ${fs.readdirSync(path.join(work, "example", "stacks")).length} stacks): ${exampleApp.medianMs.toFixed(0)} ms, ${exampleApp.medianPeakRssMb.toFixed(0)} MB`);

    const scale: Record<string, Measurement> = {};
    for (const services of SCALES) {
      // The same command line as `npm run synth`, with a generated catalog instead of main.ts.
      scale[services] = measure(process.execPath, ["-r", "./scripts/register-ts.js", "tools/bench/synth-generated.ts", String(services), path.join(work, `scale-${services}`)]);
      console.log(`${String(services).padStart(5)} services: ${scale[services].medianMs.toFixed(0).padStart(6)} ms, ${scale[services].medianPeakRssMb.toFixed(0).padStart(5)} MB`);
    }
    const [smallest, largest] = [Math.min(...SCALES), Math.max(...SCALES)];
    const marginal = {
      msPerService: (scale[largest].medianMs - scale[smallest].medianMs) / (largest - smallest),
      mbPerService: (scale[largest].medianPeakRssMb - scale[smallest].medianPeakRssMb) / (largest - smallest),
    };
    console.log(`marginal cost per service (${smallest} → ${largest}): ${marginal.msPerService.toFixed(2)} ms, ${marginal.mbPerService.toFixed(3)} MB`);

    const bundle = bundleLambda(path.join(__dirname, "..", "..", "lambda-src", "orders.ts"), path.join(work, "bundle"));
    const overhead = await handlerOverhead(Number(process.env.BENCH_BATCHES ?? 20_000));
    console.log(`worker bundle: ${bundle.sizeBytes} bytes zipped (stored), ${bundle.codeSizeBytes} bytes of JavaScript`);
    console.log(`handler overhead per batch of 10: median ${overhead.medianUs.toFixed(1)} µs, p99 ${overhead.p99Us.toFixed(1)} µs (${overhead.batches} batches)`);
    const fifoOverhead = await handlerOverhead(Number(process.env.BENCH_BATCHES ?? 20_000), true);
    console.log(`handler overhead per FIFO batch of 10 (4 groups, one record at a time): median ${fifoOverhead.medianUs.toFixed(1)} µs, p99 ${fifoOverhead.p99Us.toFixed(1)} µs`);
    const idempotentBundle = bundleLambda(path.join(__dirname, "..", "..", "lambda-src", "orders.ts"), path.join(work, "bundle"), { idempotency: true });
    const idempotency = await idempotencyOverhead(Number(process.env.BENCH_IDEMPOTENT_BATCHES ?? 2_000));
    console.log(`worker bundle with idempotency: ${idempotentBundle.sizeBytes} bytes zipped (@aws-sdk/client-dynamodb and util-dynamodb left to the runtime)`);
    console.log(
      `per record, median (in-process table, no network): idempotency off ${idempotency.offUs.toFixed(1)} µs, ` +
        `on, first delivery ${idempotency.firstDeliveryUs.toFixed(1)} µs, on, duplicate skipped ${idempotency.duplicateUs.toFixed(1)} µs ` +
        `(${idempotency.batches} batches of 10; DynamoDB's round trips, a few ms each in-region, come on top)`,
    );

    const results = {
      machine,
      runsPerFigure: RUNS,
      exampleApp,
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
