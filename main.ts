/**
 * The app: one Terraform stack per service (`cdktf deploy <service>`; with SQS_WORKER_STAGE=dev
 * the stacks are dev-<service>: `cdktf deploy dev-orders`, see docs/stages.md).
 *
 * Only wiring lives here: the services come from examples/services.ts, the settings from the
 * environment (AWS_REGION; SQS_WORKER_STAGE for a stage; TF_STATE_BUCKET and friends for S3
 * state, see README).
 */
import { App } from "cdktf";
import { EXAMPLE_SERVICES } from "./examples/services";
import {
  addServiceStacks,
  reportConfigErrors,
  runByCdktfCli,
  settingsFromEnv,
  synthAndReport,
} from "./modules/app-entry";

// A config error prints its lines and exits 1, no stack trace (SQS_WORKER_DEBUG=1 shows it).
reportConfigErrors(() => {
  const app = new App();
  addServiceStacks(app, EXAMPLE_SERVICES, settingsFromEnv(process.env));
  // The cdktf CLI prints the warnings itself; `npm run synth` needs them printed here.
  synthAndReport(app, { printWarnings: !runByCdktfCli(process.env) });
});
