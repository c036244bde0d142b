import * as fs from "fs";
import * as path from "path";
import { createReproducibleZip } from "../../modules/sqs-worker/reproducible-zip";
import type { LocalRunner } from "../../tools/local-runner/runner";
import type { DeployedWorkerConfig } from "../../tools/local-runner/stack-config";
import { filebase64sha256 } from "../../tools/local-runner/zip-hash";

/** The local runner's fixture worker (speaks makeHandler's `record-failed` contract; see the file). */
export const RECORD_FAILURE_WORKER = path.join(__dirname, "..", "fixtures", "local-runner", "record-failure-worker.js");

/**
 * A deployed-worker config for the zip of `source` (an `index.js` with `exports.handler`),
 * written to `dir` with a matching `sourceCodeHash`, as synth would give it: service `fx`,
 * one batch in flight, maxReceiveCount 2.
 */
export function fixtureWorker(
  dir: string,
  source: string,
  overrides: Partial<DeployedWorkerConfig> = {},
): DeployedWorkerConfig {
  const zip = createReproducibleZip([{ name: "index.js", data: Buffer.from(source) }]);
  const zipPath = path.join(dir, "lambda.zip");
  fs.writeFileSync(zipPath, zip);
  return {
    serviceName: "fx",
    queueName: "fx-queue",
    maxReceiveCount: 2,
    zipPath,
    sourceCodeHash: filebase64sha256(zip),
    handler: "index.handler",
    functionName: "fx-worker",
    timeoutSeconds: 10,
    memorySizeMb: 128,
    environment: {},
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    maximumConcurrency: 1,
    reportBatchItemFailures: true,
    ...overrides,
  };
}

/** Waits until `done()` holds, failing after `timeoutMs` with the runner's counters. */
export async function waitFor(runner: LocalRunner, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms: ${JSON.stringify(runner.stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
