import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { environmentEntries } from "./environment";
import type { WorkerRule } from "./validate";

/**
 * Environment variables that turn off, or send elsewhere, a guarantee the construct promises,
 * read by code the worker bundle carries or calls. In `lambda.environment` they would act
 * without a word in synth, the plan or the logs, so the rule table refuses them.
 *
 * Surveyed in the Powertools packages the worker bundles (batch, idempotency, commons,
 * jmespath, all 2.35.0: `grep -rn "getBooleanFromEnv\|getStringFromEnv\|getNumberFromEnv\|process.env" lib/cjs`)
 * and in the AWS SDK the idempotency code calls. Read there but not listed here, and why:
 * - `AWS_LAMBDA_FUNCTION_NAME` (idempotency's key prefix, BasePersistenceLayer.js; the worker's
 *   `keyPrefix`): Lambda reserves it, and the reserved-keys rule already refuses it.
 * - `AWS_LAMBDA_LOG_LEVEL` (batch's debug logging), `POWERTOOLS_DEV` and `POWERTOOLS_SERVICE_NAME`
 *   (commons, read by nothing the worker calls), `AWS_LAMBDA_INITIALIZATION_TYPE` (reserved, cold
 *   start flag), `AWS_SDK_UA_APP_ID` (the user agent): no guarantee depends on them.
 * - `AWS_LAMBDA_MAX_CONCURRENCY` (commons' shouldUseInvokeStore, for Lambda Managed Instances):
 *   set by hand on an ordinary function, batch keeps its state in `globalThis.awslambda.InvokeStore`
 *   and, where the runtime provides none, fails every batch with "InvokeStore is not available":
 *   loud (an error, the errors alarm), not silent.
 */

/** One variable that would silently turn off or redirect a guarantee. */
export interface GuaranteeSwitch {
  /** The variable's name, exactly as the code reads it. */
  readonly key: string;
  /** Where it is read: package, version, file (and function). */
  readonly source: string;
  /** Why it is refused when `idempotency` is on: one line, completing "must not set <key> while idempotency is on: ...". */
  readonly withIdempotency: string;
  /** Why it is refused when `idempotency` is off as well, one line; absent when it is accepted then. */
  readonly withoutIdempotency?: string;
}

/**
 * The switches, one row each. The endpoint variables are refused only with idempotency on:
 * the worker plumbing's only AWS calls are then the idempotency table's, and an endpoint that
 * answers keeps the records somewhere the construct did not create, encrypt, back up or grant
 * (silent), while one that does not fails every record until it is dead-lettered. No deployed
 * worker needs them: the function is in no VPC (so no interface endpoint), FIPS has
 * `AWS_USE_FIPS_ENDPOINT` (same table), and the local runner and the e2e tests pass the
 * emulator's endpoint to the worker themselves, outside `lambda.environment`. With idempotency
 * off they only reach the service's own AWS clients, which are its business.
 */
export const GUARANTEE_SWITCHES: readonly GuaranteeSwitch[] = [
  {
    key: "POWERTOOLS_IDEMPOTENCY_DISABLED",
    source:
      "@aws-lambda-powertools/idempotency 2.35.0, lib/cjs/IdempotencyConfig.js (getBooleanFromEnv, extended parsing)",
    withIdempotency:
      "Powertools reads it (true, 1, yes, on, ...) and skips the idempotency table, which is created and never written, so a duplicate runs twice; refused whatever its value, since false is one edit from off",
    withoutIdempotency:
      "it does nothing now and would turn idempotency off without a word the day `idempotency: {}` is added",
  },
  {
    key: "AWS_ENDPOINT_URL_DYNAMODB",
    source:
      "AWS SDK for JavaScript v3 endpoint configuration: @smithy/core 3.41.1, dist-cjs/submodules/endpoints/index.js (getEndpointUrlConfig, service id DynamoDB)",
    withIdempotency:
      "it sends the idempotency table's calls to another endpoint, where the records live (or fail) outside the table the construct created and granted",
  },
  {
    key: "AWS_ENDPOINT_URL",
    source:
      "AWS SDK for JavaScript v3 endpoint configuration: @smithy/core 3.41.1, dist-cjs/submodules/endpoints/index.js (getEndpointUrlConfig)",
    withIdempotency:
      "it sends every AWS SDK call, the idempotency table's included, to another endpoint, where the records live (or fail) outside the table the construct created and granted",
  },
];

type Config = ResolvedSqsWorkerConfig;

/** The value the user's `lambda.environment` gives `key`, as a message shows it; undefined when unset. */
function givenValue(c: Config, key: string): string | undefined {
  const entry = environmentEntries(c.lambda.environment).find(([k]) => k === key);
  if (!entry) return undefined;
  return `${key}=${typeof entry[1] === "string" ? JSON.stringify(entry[1]) : String(entry[1])}`;
}

/** A rule refusing `key` in `lambda.environment` when `appliesTo` holds. */
function refuse(key: string, rule: string, appliesTo: (c: Config) => boolean): WorkerRule {
  return {
    path: "lambda.environment",
    rule,
    // Decided by the key alone: a value that is a token changes nothing.
    inputs: () => [],
    appliesTo,
    holds: (c) => givenValue(c, key) === undefined,
    given: (c) => givenValue(c, key) as string,
  };
}

/** The rule-table rows for {@link GUARANTEE_SWITCHES}: one per switch and case (idempotency on, and off where refused). */
export function guaranteeSwitchRules(switches: readonly GuaranteeSwitch[] = GUARANTEE_SWITCHES): WorkerRule[] {
  return switches.flatMap((s) => [
    refuse(
      s.key,
      `must not set ${s.key} while idempotency is on: ${s.withIdempotency}`,
      (c) => c.idempotency !== undefined,
    ),
    ...(s.withoutIdempotency
      ? [
          refuse(
            s.key,
            `must not set ${s.key}, even with idempotency off: ${s.withoutIdempotency}`,
            (c) => c.idempotency === undefined,
          ),
        ]
      : []),
  ]);
}
