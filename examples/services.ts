import * as path from "path";
import type { ServiceCatalog } from "../modules/app-entry";

/** The folder of the example services' worker files. */
const WORKERS = path.join(__dirname, "..", "lambda-src");

/**
 * The example services of this repository's app, each with its own worker file. Add one
 * entry per service that needs a queue worker; `cdktf deploy <name>` then deploys it (with
 * SQS_WORKER_STAGE=dev, `cdktf deploy dev-<name>`).
 * Not part of the published package: a consumer writes its own catalog.
 */
export const EXAMPLE_SERVICES: ServiceCatalog = {
  // The article, exactly: visibility 300 s = 6 × the 50 s timeout (the default rule),
  // batch 10, ReportBatchItemFailures, maximum concurrency 10, 3 receives, 14-day DLQ.
  orders: {
    lambda: { entry: path.join(WORKERS, "orders.ts"), timeoutSeconds: 50 },
  },
  // A heavier job with different settings: longer, bigger, fewer records per batch, more
  // parallelism and more patience before dead-lettering.
  thumbnails: {
    lambda: {
      entry: path.join(WORKERS, "thumbnails.ts"),
      timeoutSeconds: 120,
      memorySizeMb: 1024,
      environment: { THUMBNAIL_WIDTH: "320" },
    },
    queue: { messageRetentionSeconds: 86_400 },
    deadLetterQueue: { maxReceiveCount: 5 },
    eventSource: { batchSize: 5, maximumConcurrency: 50 },
  },
  // Ordered work: FIFO queues (per message group), deduplicated on the body; the worker stops
  // at the first failure of a batch so that later messages of the group wait for it. Money, so
  // idempotency on: a posting is booked once per entryId (ledger.ts passes the key function).
  ledger: {
    lambda: { entry: path.join(WORKERS, "ledger.ts"), timeoutSeconds: 20, reservedConcurrency: 5 },
    queue: { fifo: true, contentBasedDeduplication: true },
    eventSource: { maximumConcurrency: 5 },
    idempotency: {},
  },
};
