import type { IConstruct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./defaults";
import type { WorkerNames } from "./names";

/** What decides which optional resources (and so names) a worker creates. */
type OptionalResources = Pick<ResolvedSqsWorkerConfig, "deadLetterQueue" | "idempotency">;

/**
 * The AWS names every worker of one app claims, so that two workers that would create the same
 * queue, function, role, log group, alarm, policy or table are refused at synth instead of failing
 * half-way through the second apply. One registry per app (the construct tree's root), so the
 * check spans every stack of the app.
 */
const registries = new WeakMap<IConstruct, Map<string, string>>();

/** The names a worker creates, each with its kind (the same string may name a role and a function). */
function claims(names: WorkerNames, config: OptionalResources): string[] {
  return [
    `SQS queue ${names.queue}`,
    `SQS queue ${names.deadLetterQueue}`,
    `Lambda function ${names.function}`,
    `IAM role ${names.role}`,
    `log group ${names.logGroup}`,
    `alarm ${names.alarm}`,
    `alarm ${names.backlogAgeAlarm}`,
    `alarm ${names.errorsAlarm}`,
    `alarm ${names.throttlesAlarm}`,
    `alarm ${names.deadLetterArrivalsAlarm}`,
    `dashboard ${names.dashboard}`,
    ...(config.deadLetterQueue.operatorPolicy ? [`IAM policy ${names.operatorPolicy}`] : []),
    ...(config.idempotency ? [`DynamoDB table ${names.idempotencyTable}`] : []),
  ];
}

/** The claims of another worker in the same app that `names` would repeat, and that worker's path. */
export function findNameClash(scope: IConstruct, names: WorkerNames, config: OptionalResources): { owner: string; clashes: string[] } | undefined {
  const registry = registries.get(scope.node.root);
  if (!registry) return undefined;
  const clashes = claims(names, config).filter((claim) => registry.has(claim));
  return clashes.length > 0 ? { owner: registry.get(clashes[0])!, clashes } : undefined;
}

/** Records the names of a worker that was built (`path` is its construct path). */
export function claimNames(scope: IConstruct, names: WorkerNames, config: OptionalResources, path: string): void {
  let registry = registries.get(scope.node.root);
  if (!registry) registries.set(scope.node.root, (registry = new Map()));
  for (const claim of claims(names, config)) registry.set(claim, path);
}
