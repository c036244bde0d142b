/**
 * Synthesizes an app of N generated services (one stack each) into an output folder, exactly
 * as main.ts does for the example services. Used by the benchmark:
 *   node -r sqs-worker-cdktf/register tools/bench/synth-generated.ts <N> <outdir>
 */
import * as path from "path";
import { App } from "cdktf";
import { addServiceStacks, synthAndReport, type ServiceCatalog } from "../../modules/app-entry";

/** The example workers, shared round-robin: three bundles per app, as in a platform whose services share code. */
const ENTRIES = ["orders.ts", "thumbnails.ts", "ledger.ts"].map((file) =>
  path.join(__dirname, "..", "..", "lambda-src", file),
);

/** N services with settings that vary the way a real catalog does (timeouts, batches, FIFO, idempotency). */
export function generatedCatalog(count: number): ServiceCatalog {
  const catalog: Record<string, ServiceCatalog[string]> = {};
  for (let i = 0; i < count; i++) {
    const timeoutSeconds = 10 + (i % 10) * 10;
    catalog[`svc${String(i).padStart(4, "0")}`] = {
      lambda: { entry: ENTRIES[i % ENTRIES.length], timeoutSeconds, memorySizeMb: 256 + (i % 4) * 256 },
      queue: i % 7 === 0 ? { fifo: true } : {},
      eventSource: { batchSize: 1 + (i % 10), maximumConcurrency: 2 + (i % 20) },
      // ledger.ts keys on entryId, so its services need their idempotency table, as in the example app.
      ...(i % ENTRIES.length === 2 ? { idempotency: {} } : {}),
    };
  }
  return catalog;
}

const [count, outdir] = process.argv.slice(2);
if (require.main === module) {
  if (!count || !outdir) throw new Error("usage: synth-generated.ts <services> <outdir>");
  const app = new App({ outdir });
  addServiceStacks(app, generatedCatalog(Number(count)), { region: "us-east-1", backend: { kind: "local" } });
  synthAndReport(app);
}
