import { Token } from "cdktf";
import { IDEMPOTENCY_ENV } from "../../lambda-src/idempotency-settings";
import { WORKER_ENV } from "../../lambda-src/worker-settings";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { environmentEntries } from "./environment";
import type { WorkerNames } from "./names";
import { isUnresolved } from "./tokens";

/** A number prop as an environment value: its digits, or the token of a Terraform expression. */
function environmentValue(value: number): string {
  return isUnresolved(value) ? Token.asString(value) : String(value);
}

/**
 * The environment variables the construct adds to the function, which the worker plumbing
 * reads (lambda-src/idempotency-settings.ts, lambda-src/worker-settings.ts):
 * - on a FIFO queue, the queue's maxReceiveCount: a record failing on its last receive then
 *   lets its message group go on instead of taking the group's later messages to the DLQ with it
 *   (lambda-src/fifo-groups.ts); standard workers do not need it and do not get it;
 * - with idempotency on, the table's name (a literal, so that the local runner reads it from
 *   the synthesized stack) and the expiry window.
 */
export function constructEnvironment(config: ResolvedSqsWorkerConfig, names: WorkerNames): Record<string, string> {
  return {
    ...(config.queue.fifo
      ? { [WORKER_ENV.maxReceiveCount]: environmentValue(config.deadLetterQueue.maxReceiveCount) }
      : {}),
    ...(config.idempotency
      ? {
          [IDEMPOTENCY_ENV.table]: names.idempotencyTable,
          [IDEMPOTENCY_ENV.expirySeconds]: environmentValue(config.idempotency.expirySeconds),
        }
      : {}),
  };
}

/**
 * Every variable the function gets: the user's `lambda.environment` and the construct's own
 * ({@link constructEnvironment}). What the construct writes, and what the 4 KB rule counts.
 */
export function functionEnvironment(config: ResolvedSqsWorkerConfig, names: WorkerNames): Record<string, unknown> {
  // A value that is a number or object token (a number variable, `variable.value`) is written as
  // the expression it stands for: Lambda takes text, and only strings carry a token into a map.
  const given = environmentEntries(config.lambda.environment).map(([key, value]): [string, unknown] => [
    key,
    typeof value !== "string" && isUnresolved(value) ? Token.asString(value) : value,
  ]);
  return { ...Object.fromEntries(given), ...constructEnvironment(config, names) };
}
