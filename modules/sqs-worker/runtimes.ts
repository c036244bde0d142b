/**
 * AWS's lifecycle dates of the Node.js Lambda runtimes, the one place they are written: the rule
 * table, the advice table and docs/construct.md read them, and tests check the prose of props.ts,
 * the README and docs/ against them. Which provider accepts `nodejs24.x` is a provider fact
 * (PROVIDER_FEATURES.nodejs24Runtime), not a date.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */

/** The dates of one runtime (ISO dates, UTC). */
export interface RuntimeLifecycle {
  /** AWS stops security patches and support. */
  readonly deprecated?: string;
  /** Creating a function on the runtime fails from this date. */
  readonly blockFunctionCreate?: string;
  /** Updating a function on the runtime fails from this date. */
  readonly blockFunctionUpdate?: string;
}

/** The dates of the runtimes this package refuses or warns about. */
export const RUNTIME_LIFECYCLE = {
  "nodejs20.x": { deprecated: "2026-04-30", blockFunctionCreate: "2026-08-31", blockFunctionUpdate: "2026-09-30" },
  "nodejs22.x": { deprecated: "2027-04-30", blockFunctionCreate: "2027-06-01" },
} as const satisfies Record<string, RuntimeLifecycle>;
