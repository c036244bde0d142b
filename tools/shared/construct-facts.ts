/**
 * What the tools know about the construct, from the one place the construct writes it: the
 * names it gives a worker's resources, the stage rule and the shape of an AWS region.
 *
 * The only tools file that imports modules/ files other than its entries. The entries
 * (modules/internal and the package's two) load the whole construct, cdktf with it, and
 * cdktf is an optional peer: an app built with cdktn has none, and every `sqs-worker`
 * command would fail to start there. The three files below import nothing; the test
 * "sqs-worker starts without cdktf" in __tests__/sqs-worker-cli.test.ts keeps it so.
 */
/* eslint-disable no-restricted-imports -- dependency-free construct files, read without cdktf (above) */
export { deriveNames, type WorkerNames } from "../../modules/sqs-worker/names";
export { serviceStackId, STAGE_PATTERN, stageNamePrefix, stageProblem } from "../../modules/stage";
export { REGION_PATTERN } from "../../modules/sqs-worker/aws-identifiers";
/* eslint-enable no-restricted-imports */
