import type { ServiceStackProps } from "./service-stack";

/** Worker settings per service: the key is the service name and the stack id. */
export type ServiceCatalog = Readonly<Record<string, NonNullable<ServiceStackProps["worker"]>>>;

/**
 * The example services of this repository's app. Add one entry per service that needs a
 * queue worker; `cdktf deploy <name>` then deploys it.
 */
export const EXAMPLE_SERVICES: ServiceCatalog = {
  // The article, exactly: visibility 300 s = 6 × the 50 s timeout (the default rule),
  // batch 10, ReportBatchItemFailures, maximum concurrency 10, 3 receives, 14-day DLQ.
  orders: {
    lambda: { timeoutSeconds: 50 },
  },
  // A heavier job with different settings: longer, bigger, fewer records per batch, more
  // parallelism and more patience before dead-lettering.
  thumbnails: {
    lambda: { timeoutSeconds: 120, memorySizeMb: 1024, environment: { THUMBNAIL_WIDTH: "320" } },
    queue: { messageRetentionSeconds: 86_400 },
    deadLetterQueue: { maxReceiveCount: 5 },
    eventSource: { batchSize: 5, maximumConcurrency: 50 },
  },
  // Ordered work: FIFO queues (per message group), deduplicated on the body; the worker stops
  // at the first failure of a batch so that later messages of the group wait for it.
  ledger: {
    lambda: { timeoutSeconds: 20, reservedConcurrency: 5 },
    queue: { fifo: true, contentBasedDeduplication: true },
    eventSource: { maximumConcurrency: 5 },
  },
};
