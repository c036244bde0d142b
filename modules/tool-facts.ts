/**
 * The construct's facts the `sqs-worker` commands need (the names it gives a worker's resources,
 * the stage rule, the shape of an AWS region, the default region), as an entry of its own for the
 * tools in tools/.
 *
 * Unlike modules/internal (and the package's entries), nothing here loads cdktf or the provider
 * bindings: cdktf is an optional peer, and an app built with CDK Terrain has none, yet every
 * `sqs-worker` command must start there. So every file re-exported here imports nothing that is not
 * dependency-free itself; "sqs-worker starts without cdktf" in __tests__/sqs-worker-cli.test.ts
 * keeps it so.
 */
export { alarmNamesOf, deriveNames, type WorkerNames } from "./sqs-worker/names";
export { serviceStackId, STAGE_PATTERN, stageNamePrefix, stageProblem } from "./stage";
export { DEFAULT_REGION, REGION_PATTERN } from "./sqs-worker/aws-identifiers";
