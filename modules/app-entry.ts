/**
 * The entry point `sqs-worker-cdktf/app`: the wiring of an app of one stack per service.
 * ServiceStack (provider, state backend, alarm variable, outputs around one SqsWorker), a
 * catalog of services turned into stacks, settings read from the environment and a synth that
 * prints the warnings. The construct itself is the package's main entry, `sqs-worker-cdktf`.
 * The surface is recorded in api/ and checked by `npm test`.
 */
export {
  ServiceStack,
  type ServiceStackProps,
  type ServiceWorkerProps,
  type StateBackendConfig,
} from "./service-stack";
export {
  addServiceStacks,
  settingsFromEnv,
  runByCdktfCli,
  collectWarnings,
  synthAndReport,
  type SynthReportOptions,
  reportConfigErrors,
  type ConfigErrorReporting,
  type AppSettings,
  type ServiceCatalog,
  type SynthWarning,
} from "./app";
