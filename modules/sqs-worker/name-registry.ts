import type { IConstruct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { alarmNamesOf, type WorkerNames } from "./names";

/** What decides which optional resources (and so names) a worker creates. */
type OptionalResources = Pick<ResolvedSqsWorkerConfig, "deadLetterQueue" | "idempotency">;

/**
 * How AWS compares the names of each kind the worker creates, so that two names AWS treats as one
 * are one claim here too.
 * - IAM role and policy names are not distinguished by case: `orders-worker` and `Orders-worker`
 *   cannot both exist in an account.
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html,
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
 * - SQS queue names are case-sensitive.
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
 * - DynamoDB table names are case-sensitive.
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 * - Lambda function names, CloudWatch Logs log group names, alarm names and dashboard names: AWS
 *   documents no case folding and its APIs match them exactly, so they are compared exactly.
 *   Every worker's function name is also its role name, so two services differing only in case
 *   are refused through the role whatever these do.
 *   https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
 */
export const NAME_CASE_RULES = {
  "SQS queue": "sensitive",
  "Lambda function": "sensitive",
  "IAM role": "insensitive",
  "IAM policy": "insensitive",
  "log group": "sensitive",
  alarm: "sensitive",
  dashboard: "sensitive",
  "DynamoDB table": "sensitive",
} as const;

/** A kind of AWS name the worker creates. */
export type NameKind = keyof typeof NAME_CASE_RULES;

/** One name a worker creates. */
interface Claim {
  readonly kind: NameKind;
  readonly name: string;
}

/** Who claimed a name, and the name as that worker spelled it. */
interface Owner {
  readonly path: string;
  readonly name: string;
}

/**
 * The AWS names every worker of one app claims, so that two workers that would create the same
 * queue, function, role, log group, alarm, policy or table are refused at synth instead of failing
 * half-way through the second apply. One registry per app (the construct tree's root), so the
 * check spans every stack of the app. Keyed by {@link claimKey}: names AWS does not tell apart
 * share a key.
 */
const registries = new WeakMap<IConstruct, Map<string, Owner>>();

/** The key under which AWS would find this name: the kind, and the name folded when AWS ignores case. */
function claimKey(claim: Claim): string {
  return `${claim.kind} ${NAME_CASE_RULES[claim.kind] === "insensitive" ? claim.name.toLowerCase() : claim.name}`;
}

/** The names a worker creates, each with its kind (the same string may name a role and a function). */
function claims(names: WorkerNames, config: OptionalResources): Claim[] {
  const all: Claim[] = [
    { kind: "SQS queue", name: names.queue },
    { kind: "SQS queue", name: names.deadLetterQueue },
    { kind: "Lambda function", name: names.function },
    { kind: "IAM role", name: names.role },
    { kind: "log group", name: names.logGroup },
    ...alarmNamesOf(names).map((name): Claim => ({ kind: "alarm", name })),
    { kind: "dashboard", name: names.dashboard },
  ];
  if (config.deadLetterQueue.operatorPolicy) all.push({ kind: "IAM policy", name: names.operatorPolicy });
  if (config.idempotency) all.push({ kind: "DynamoDB table", name: names.idempotencyTable });
  return all;
}

/** One clash as the error shows it: the kind and name, and the other worker's spelling when only case differs. */
function describeClash(claim: Claim, owner: Owner): string {
  const what = `${claim.kind} ${claim.name}`;
  return owner.name === claim.name ? what : `${what} (the same as ${owner.name}: ${claim.kind} names ignore case)`;
}

/** The claims of another worker in the same app that `names` would repeat, and that worker's path. */
export function findNameClash(
  scope: IConstruct,
  names: WorkerNames,
  config: OptionalResources,
): { owner: string; clashes: string[] } | undefined {
  const registry = registries.get(scope.node.root);
  if (!registry) return undefined;
  const clashing = claims(names, config).filter((claim) => registry.has(claimKey(claim)));
  if (clashing.length === 0) return undefined;
  return {
    owner: registry.get(claimKey(clashing[0]))!.path,
    clashes: clashing.map((claim) => describeClash(claim, registry.get(claimKey(claim))!)),
  };
}

/** Records the names of a worker that was built (`path` is its construct path). */
export function claimNames(scope: IConstruct, names: WorkerNames, config: OptionalResources, path: string): void {
  let registry = registries.get(scope.node.root);
  if (!registry) registries.set(scope.node.root, (registry = new Map<string, Owner>()));
  for (const claim of claims(names, config)) registry.set(claimKey(claim), { path, name: claim.name });
}
