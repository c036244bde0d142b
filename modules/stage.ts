/**
 * What a stage (such as `dev` or `prod`) means, written once: for ServiceStack, which builds a
 * stage's stack, and for the `sqs-worker` commands, which find it again. No dependencies, so
 * the commands load it without cdktf.
 */

/** Lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen. */
export const STAGE_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** The rule a stage breaks, worded as what it must be; `undefined` for a good stage. */
export function stageProblem(stage: unknown): string | undefined {
  if (typeof stage !== "string") return 'must be a string such as "dev" or "prod", or left out for no stage';
  if (stage === "") return "must not be empty: leave it out for no stage";
  if (!STAGE_PATTERN.test(stage)) {
    return 'must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, such as "dev" or "prod" (it starts the stack id and every AWS name: <stage>-<service>)';
  }
  return undefined;
}

/**
 * The stack id of a service's stack: `<stage>-<service>` with a stage (`cdktf deploy dev-invoices`,
 * folder `cdktf.out/stacks/dev-invoices`), the service name without one.
 */
export function serviceStackId(serviceName: string, stage: string | undefined): string {
  return stage === undefined ? serviceName : `${stage}-${serviceName}`;
}

/** The name prefix a stage gives a worker that sets none: `dev` gives `dev-`. */
export function stageNamePrefix(stage: string | undefined): string {
  return stage === undefined ? "" : `${stage}-`;
}
