import type { SqsWorkerViolation } from "./config-error";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { asWritten } from "./renamed-props";
import {
  CONSTRUCT_ENVIRONMENT_PREFIX,
  ENVIRONMENT_KEY_PATTERN,
  MAX_ENVIRONMENT_BYTES,
  RESERVED_ENVIRONMENT_KEYS,
  environmentBytes,
  environmentEntries,
} from "./environment";
import { guaranteeSwitchRules } from "./guarantee-switches";
import { entryFileProblem } from "./entry-file";
import {
  ALARM_WINDOW_SECONDS,
  DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS,
  FIFO_MAX_BATCH_SIZE,
  LEGACY_MAX_MESSAGE_BYTES,
  RANGES,
  alarmWindowLimit,
  type RangedProp,
} from "./limits";
import { PROVIDER_FEATURES, neededProvider, offers, type ProviderFeatureKey } from "./provider-features";
import { REGION_PATTERN, REGION_SOURCE, partitionOfRegion } from "./aws-identifiers";
import { functionEnvironment } from "./construct-environment";
import { deriveNames } from "./names";
import { WORKER_ARCHITECTURES, WORKER_RUNTIMES, WORKER_TRACING_MODES } from "./props";
import { RUNTIME_LIFECYCLE } from "./runtimes";
import { isUnresolved } from "./tokens";

type Config = ResolvedSqsWorkerConfig;

/**
 * One row of the rule table: a hard AWS rule that synth enforces. Each row's source is the AWS
 * documentation linked beside it or on the prop (props.ts, limits.ts); docs/construct.md lists
 * every row.
 */
export interface WorkerRule {
  /** Prop path reported to the user. */
  readonly path: string;
  /** What the value must be, completing "<path> ...". */
  readonly rule: string;
  /** The values the rule reads: when any is an unresolved token the rule is skipped, never guessed. */
  readonly inputs: (c: Config) => readonly unknown[];
  /** Only check the rule when this holds (e.g. FIFO-only rules). */
  readonly appliesTo?: (c: Config) => boolean;
  /** True when the configuration satisfies the rule. */
  readonly holds: (c: Config) => boolean;
  /** The given value(s) shown in the message. @default - the first input */
  readonly given?: (c: Config) => string;
  /** For range rules, the range (from {@link RANGES}), so that docs can be tested against it. */
  readonly range?: { readonly min: number; readonly max: number };
}

/** Shows a given value as the user wrote it: strings quoted, numbers plain. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** A rule that a numeric prop is an integer within its range in {@link RANGES}. */
function integerBetween(
  path: RangedProp,
  read: (c: Config) => number | undefined,
  appliesTo?: (c: Config) => boolean,
): WorkerRule {
  const { min, max } = RANGES[path];
  return {
    path,
    range: { min, max },
    rule: `must be an integer from ${min} to ${max}`,
    inputs: (c) => [read(c)],
    appliesTo: (c) => read(c) !== undefined && (appliesTo ? appliesTo(c) : true),
    holds: (c) => {
      const value = read(c) as number;
      return Number.isInteger(value) && value >= min && value <= max;
    },
  };
}

/** A rule that a prop, when given, is one of `allowed`; `note` explains the choice. */
function oneOf(path: string, read: (c: Config) => unknown, allowed: readonly string[], note = ""): WorkerRule {
  return {
    path,
    rule: `must be ${allowed.length === 1 ? JSON.stringify(allowed[0]) : `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`}${note}`,
    inputs: (c) => [read(c)],
    holds: (c) => allowed.includes(read(c) as string),
  };
}

/**
 * A rule that a feature of {@link PROVIDER_FEATURES} is only used when the bound provider offers
 * it: older providers reject it at `terraform validate` or plan, after review. The message names
 * the service, the feature, the version it needs and the installed one.
 */
function providerGate(
  key: ProviderFeatureKey,
  path: string,
  read: (c: Config) => unknown,
  used: (c: Config) => boolean,
): WorkerRule {
  const feature = PROVIDER_FEATURES[key];
  // The feature as it reads after the prop path: `"nodejs24.x"`, `above 262144`, or nothing.
  const what = feature.feature.startsWith(`${path} `) ? `${feature.feature.slice(path.length + 1)} ` : "";
  return {
    path,
    rule: `${what}(${feature.service}) needs ${neededProvider(key)}; the installed provider rejects it`,
    inputs: (c) => [read(c)],
    appliesTo: used,
    holds: (c) => offers(c.provider.awsVersion, key),
    given: (c) =>
      `${show(read(c))}; installed: ${c.provider.bindings} ${c.provider.bindingsVersion}, hashicorp/aws ${c.provider.awsVersion}`,
  };
}

/** A rule that a number read from the configuration is an integer within `RANGES[path]`; for props below a group's object. */
function pollerBetween(
  path: "eventSource.provisionedPollers.minimum" | "eventSource.provisionedPollers.maximum",
  key: "minimum" | "maximum",
): WorkerRule {
  return integerBetween(path, (c) => c.eventSource.provisionedPollers?.[key]);
}

/** The AWS names the configuration gives its resources. */
function namesOf(c: Config) {
  return deriveNames(c.serviceName, c.queue.fifo, c.namePrefix);
}

/** A rule that a derived resource name (name prefix included) matches AWS's pattern for it. */
function nameMatches(
  what: string,
  read: (c: Config) => string,
  pattern: (c: Config) => RegExp,
  describe: string,
): WorkerRule {
  return {
    path: "serviceName",
    rule: `must give a valid ${what} name: ${describe}`,
    inputs: (c) => [c.serviceName, c.namePrefix],
    holds: (c) => pattern(c).test(read(c)),
    given: (c) =>
      `${show(c.serviceName)}${c.namePrefix ? ` with namePrefix ${show(c.namePrefix)}` : ""}, ${what} name ${show(read(c))}`,
  };
}

/** The name pattern of a standard or FIFO queue (the SQS API). */
function queueNamePattern(fifo: boolean): RegExp {
  return fifo ? /^[0-9A-Za-z_-]{1,75}\.fifo$/ : /^[0-9A-Za-z_-]{1,80}$/;
}

/** A rule that a derived queue name fits SQS's pattern for its type. */
function queueNameRule(what: string, read: (c: Config) => string): WorkerRule {
  return nameMatches(
    what,
    read,
    (c) => queueNamePattern(c.queue.fifo),
    "1 to 80 characters of A-Z a-z 0-9 _ -, a FIFO name ending in .fifo",
  );
}

const isFifo = (c: Config) => c.queue.fifo;

/** An SNS topic ARN in any partition-shaped prefix; the partition is checked on its own. */
const SNS_TOPIC_ARN = new RegExp(`^arn:aws[a-z-]*:sns:${REGION_SOURCE}:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$`);

/**
 * A KMS key ARN (a key id or a multi-Region `mrk-` id), in a well-formed region; the partition is
 * checked on its own. An alias ARN cannot scope the worker's kms:Decrypt.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
 */
const KMS_KEY_ARN = new RegExp(`^arn:aws[a-z-]*:kms:${REGION_SOURCE}:\\d{12}:key/[A-Za-z0-9-]+$`);

/** True when an ARN's partition (its second field) is one of {@link AWS_PARTITIONS}. */
function inRealPartition(arn: string): boolean {
  return (AWS_PARTITIONS as readonly string[]).includes(arn.split(":")[1]);
}

/**
 * The youngest age at which SQS can move a message that fails every receive to the dead-letter
 * queue: it is first received after `delaySeconds` (once, at send); each failed receive hides it
 * for one visibility timeout, counted from the receive (the batching window runs inside it: Lambda
 * holds received messages while it fills a batch, which is why AWS adds the window to the
 * visibility timeout, not to the time between receives); and SQS moves it only when it is
 * received again after its `maxReceiveCount`-th failure. So the move comes at the earliest at
 * delay + maxReceiveCount × visibility; a message older than the retention is deleted first.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function minimumRetentionSeconds(c: Pick<Config, "queue" | "deadLetterQueue">): number {
  return c.queue.delaySeconds + c.deadLetterQueue.maxReceiveCount * c.queue.visibilityTimeoutSeconds;
}

/**
 * The AWS partitions: standard, China, GovCloud (US), the isolated ones, and the European
 * Sovereign Cloud. An ARN in any other is a typo that only fails at apply.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export const AWS_PARTITIONS = [
  "aws",
  "aws-cn",
  "aws-us-gov",
  "aws-iso",
  "aws-iso-b",
  "aws-iso-e",
  "aws-iso-f",
  "aws-eusc",
] as const;

/** Values CloudWatch Logs accepts for `retention_in_days`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * The longest service name whose derived names all fit AWS's limits without a name prefix:
 * `<service>-worker` (function and role names, at most 64 characters) is the tightest, FIFO
 * or not. A `namePrefix` takes its length off this.
 */
export const MAX_SERVICE_NAME_LENGTH = 64 - "-worker".length;

/**
 * The hard rules, one row each. A configuration that breaks any of them would be rejected
 * by AWS (often half-way through `terraform apply`) or would make the worker process
 * messages twice, so synth fails instead.
 */
export const WORKER_RULES: readonly WorkerRule[] = [
  {
    // The region of the stack's AWS provider (ServiceStack's `region`): checked here so that it
    // comes with the worker's other problems instead of failing the plan on its own.
    path: "region",
    rule: 'must be a well-formed AWS Region name such as us-east-1 or us-gov-west-1 (lowercase <area>-<place>-<number>): the stack\'s AWS provider stops the plan on any other ("invalid AWS Region")',
    inputs: (c) => [c.stackRegion],
    appliesTo: (c) => typeof c.stackRegion === "string",
    holds: (c) => REGION_PATTERN.test(c.stackRegion as string),
  },
  {
    path: "serviceName",
    rule: "must start with a letter or digit and hold only A-Z a-z 0-9 _ -",
    inputs: (c) => [c.serviceName],
    holds: (c) => /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(c.serviceName),
  },
  {
    path: "namePrefix",
    rule: "must hold only A-Z a-z 0-9 _ -",
    inputs: (c) => [c.namePrefix],
    holds: (c) => /^[A-Za-z0-9_-]*$/.test(c.namePrefix),
  },
  queueNameRule("queue", (c) => namesOf(c).queue),
  queueNameRule("dead-letter queue", (c) => namesOf(c).deadLetterQueue),
  nameMatches(
    "function and role",
    (c) => namesOf(c).function,
    () => /^[A-Za-z0-9_-]{1,64}$/,
    "1 to 64 characters of A-Z a-z 0-9 _ -",
  ),
  {
    path: "lambda.entry",
    rule: "is required: the path of the service's worker file, which exports `handler` (e.g. makeHandler from sqs-worker-cdktf/worker)",
    inputs: (c) => [c.lambda.entryGiven],
    holds: (c) => typeof c.lambda.entryGiven === "string" && c.lambda.entryGiven !== "",
  },
  {
    path: "lambda.entry",
    rule: "must name an existing file (a relative path resolves against the folder of the app's main script)",
    inputs: (c) => [c.lambda.entryGiven],
    appliesTo: (c) => typeof c.lambda.entryGiven === "string" && c.lambda.entryGiven !== "",
    // Never throws: a link loop or a NUL byte is reported here with the other problems.
    holds: (c) => entryFileProblem(c.lambda.entry) === undefined,
    given: (c) =>
      `${show(c.lambda.entryGiven)}, resolved to ${show(c.lambda.entry)}: ${entryFileProblem(c.lambda.entry)}`,
  },
  oneOf(
    "lambda.runtime",
    (c) => c.lambda.runtime,
    WORKER_RUNTIMES,
    ` (AWS blocks creating nodejs20.x functions since ${RUNTIME_LIFECYCLE["nodejs20.x"].blockFunctionCreate})`,
  ),
  providerGate(
    "nodejs24Runtime",
    "lambda.runtime",
    (c) => c.lambda.runtime,
    (c) => c.lambda.runtime === "nodejs24.x",
  ),
  oneOf("lambda.architecture", (c) => c.lambda.architecture, WORKER_ARCHITECTURES),
  oneOf("lambda.tracing", (c) => c.lambda.tracing, WORKER_TRACING_MODES),
  integerBetween("lambda.timeoutSeconds", (c) => c.lambda.timeoutSeconds),
  integerBetween("lambda.memorySizeMb", (c) => c.lambda.memorySizeMb),
  {
    path: "lambda.environment",
    rule: "values must be strings (Lambda passes every value as text: write numbers and booleans as strings)",
    // Not skipped for "${" in a value: it is written out literally (see literalForTerraform).
    inputs: () => [],
    // A Terraform expression of any kind is written as given (Terraform converts it, or says why not at plan).
    holds: (c) =>
      environmentEntries(c.lambda.environment).every(([, value]) => typeof value === "string" || isUnresolved(value)),
    given: (c) =>
      environmentEntries(c.lambda.environment)
        .filter(([, value]) => typeof value !== "string" && !isUnresolved(value))
        .map(([key, value]) => `${key}=${show(value)}`)
        .join(", "),
  },
  {
    path: "lambda.environment",
    rule: `keys must match ${ENVIRONMENT_KEY_PATTERN.source} (a letter, then letters, digits or _)`,
    inputs: () => [],
    holds: (c) => environmentEntries(c.lambda.environment).every(([key]) => ENVIRONMENT_KEY_PATTERN.test(key)),
    given: (c) =>
      environmentEntries(c.lambda.environment)
        .map(([key]) => key)
        .filter((key) => !ENVIRONMENT_KEY_PATTERN.test(key))
        .map(show)
        .join(", "),
  },
  {
    path: "lambda.environment",
    rule: "must not set keys Lambda reserves for itself (its defined runtime environment variables)",
    inputs: () => [],
    holds: (c) =>
      environmentEntries(c.lambda.environment).every(
        ([key]) => !(RESERVED_ENVIRONMENT_KEYS as readonly string[]).includes(key),
      ),
    given: (c) =>
      environmentEntries(c.lambda.environment)
        .map(([key]) => key)
        .filter((key) => (RESERVED_ENVIRONMENT_KEYS as readonly string[]).includes(key))
        .join(", "),
  },
  {
    path: "lambda.environment",
    rule: `keys and values together must be at most ${MAX_ENVIRONMENT_BYTES} bytes (Lambda's 4 KB limit)`,
    // A cdktf token counts as its placeholder's length: an estimate, never a reason to skip.
    inputs: () => [],
    // The construct's own variables (idempotency) count too: Lambda sees them all.
    holds: (c) => environmentBytes(functionEnvironment(c, namesOf(c))) <= MAX_ENVIRONMENT_BYTES,
    given: (c) => `${environmentBytes(functionEnvironment(c, namesOf(c)))} bytes`,
  },
  {
    path: "lambda.environment",
    rule: `must not set keys starting with ${CONSTRUCT_ENVIRONMENT_PREFIX}: the construct sets those itself (the idempotency table's name and expiry, a FIFO queue's maxReceiveCount)`,
    inputs: () => [],
    holds: (c) =>
      environmentEntries(c.lambda.environment).every(([key]) => !key.startsWith(CONSTRUCT_ENVIRONMENT_PREFIX)),
    given: (c) =>
      environmentEntries(c.lambda.environment)
        .map(([key]) => key)
        .filter((key) => key.startsWith(CONSTRUCT_ENVIRONMENT_PREFIX))
        .join(", "),
  },
  // Variables that would switch a guarantee off without a word (Powertools' idempotency switch, ...).
  ...guaranteeSwitchRules(),
  {
    path: "lambda.logRetentionDays",
    rule: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
    inputs: (c) => [c.lambda.logRetentionDays],
    holds: (c) => (LOG_RETENTION_DAYS as readonly number[]).includes(c.lambda.logRetentionDays),
  },
  integerBetween("lambda.reservedConcurrency", (c) => c.lambda.reservedConcurrency),
  integerBetween("queue.visibilityTimeoutSeconds", (c) => c.queue.visibilityTimeoutSeconds),
  {
    // The article's "most common mistake": a message still being processed becomes visible
    // again and a second consumer processes it. Lambda only rejects this when the mapping is
    // created or updated, after the queue and function exist, so we check it here.
    path: "queue.visibilityTimeoutSeconds",
    rule: "must be >= lambda.timeoutSeconds, or a message still being processed becomes visible again and is processed twice",
    inputs: (c) => [c.queue.visibilityTimeoutSeconds, c.lambda.timeoutSeconds],
    holds: (c) => c.queue.visibilityTimeoutSeconds >= c.lambda.timeoutSeconds,
    given: (c) =>
      `visibilityTimeoutSeconds ${c.queue.visibilityTimeoutSeconds}, lambda.timeoutSeconds ${c.lambda.timeoutSeconds}`,
  },
  integerBetween("queue.messageRetentionSeconds", (c) => c.queue.messageRetentionSeconds),
  integerBetween("queue.delaySeconds", (c) => c.queue.delaySeconds),
  integerBetween("queue.receiveWaitTimeSeconds", (c) => c.queue.receiveWaitTimeSeconds),
  integerBetween("queue.maximumMessageBytes", (c) => c.queue.maximumMessageBytes),
  providerGate(
    "oneMebibyteMessages",
    "queue.maximumMessageBytes",
    (c) => c.queue.maximumMessageBytes,
    (c) => typeof c.queue.maximumMessageBytes === "number" && c.queue.maximumMessageBytes > LEGACY_MAX_MESSAGE_BYTES,
  ),
  {
    path: "queue.contentBasedDeduplication",
    rule: "can only be set on a FIFO queue (queue.fifo: true)",
    inputs: (c) => [c.queue.contentBasedDeduplication],
    holds: (c) => !c.queue.contentBasedDeduplication || c.queue.fifo,
    given: (c) => `contentBasedDeduplication ${c.queue.contentBasedDeduplication}, fifo ${c.queue.fifo}`,
  },
  {
    path: "queue.kmsKeyArn",
    rule: "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), which IAM can scope the worker's kms:Decrypt to",
    inputs: (c) => [c.queue.kmsKeyArn],
    appliesTo: (c) => c.queue.kmsKeyArn !== undefined,
    holds: (c) => KMS_KEY_ARN.test(c.queue.kmsKeyArn as string),
  },
  {
    // IAM rejects the worker policy naming it (MalformedPolicyDocument), after both queues exist.
    path: "queue.kmsKeyArn",
    rule: `must be in a real AWS partition (${AWS_PARTITIONS.join(", ")})`,
    inputs: (c) => [c.queue.kmsKeyArn],
    appliesTo: (c) => c.queue.kmsKeyArn !== undefined && KMS_KEY_ARN.test(c.queue.kmsKeyArn),
    holds: (c) => inRealPartition(c.queue.kmsKeyArn as string),
  },
  {
    // SQS encrypts with a key of the queue's own region and partition; another one fails at
    // apply (after the worker's other resources exist) or at the first send.
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
    path: "queue.kmsKeyArn",
    rule: "must be in the stack's region and partition: SQS encrypts a queue only with a KMS key of the queue's own region",
    inputs: (c) => [c.queue.kmsKeyArn, c.stackRegion],
    appliesTo: (c) =>
      c.queue.kmsKeyArn !== undefined &&
      KMS_KEY_ARN.test(c.queue.kmsKeyArn) &&
      typeof c.stackRegion === "string" &&
      REGION_PATTERN.test(c.stackRegion),
    holds: (c) => {
      const [, partition, , region] = (c.queue.kmsKeyArn as string).split(":");
      return region === c.stackRegion && partition === partitionOfRegion(c.stackRegion);
    },
    given: (c) => `${show(c.queue.kmsKeyArn)}, stack region ${show(c.stackRegion)}`,
  },
  {
    // Guaranteed by construction (both follow queue.fifo); checked so that a prop letting them
    // differ cannot slip past.
    path: "deadLetterQueue",
    rule: "must be FIFO when the source queue is FIFO and standard when it is standard (SQS redrive)",
    inputs: (c) => [c.queue.fifo, c.deadLetterQueue.fifo],
    holds: (c) => c.queue.fifo === c.deadLetterQueue.fifo,
    given: (c) => `queue fifo ${c.queue.fifo}, dead-letter queue fifo ${c.deadLetterQueue.fifo}`,
  },
  integerBetween("deadLetterQueue.maxReceiveCount", (c) => c.deadLetterQueue.maxReceiveCount),
  {
    // Nothing reports the loss: the message never reaches the DLQ (no DLQ alarm), its age stays
    // under the backlog threshold, and a partly failed batch raises no Errors.
    path: "queue.messageRetentionSeconds",
    rule:
      "must be at least queue.delaySeconds + deadLetterQueue.maxReceiveCount × queue.visibilityTimeoutSeconds: a message is first received after its delay, " +
      "each failed receive hides it for one visibility timeout, and SQS moves it to the dead-letter queue only when it is received again after its last failure, " +
      "so with less a poison message expires before it reaches the dead-letter queue, and no alarm fires",
    inputs: (c) => [
      c.queue.messageRetentionSeconds,
      c.queue.delaySeconds,
      c.deadLetterQueue.maxReceiveCount,
      c.queue.visibilityTimeoutSeconds,
    ],
    appliesTo: (c) =>
      [
        c.queue.messageRetentionSeconds,
        c.queue.delaySeconds,
        c.deadLetterQueue.maxReceiveCount,
        c.queue.visibilityTimeoutSeconds,
      ].every(Number.isFinite),
    holds: (c) => c.queue.messageRetentionSeconds >= minimumRetentionSeconds(c),
    given: (c) =>
      `messageRetentionSeconds ${c.queue.messageRetentionSeconds}, at least ${minimumRetentionSeconds(c)} needed: delaySeconds ${c.queue.delaySeconds} + ` +
      `maxReceiveCount ${c.deadLetterQueue.maxReceiveCount} × visibilityTimeoutSeconds ${c.queue.visibilityTimeoutSeconds}`,
  },
  integerBetween("deadLetterQueue.messageRetentionSeconds", (c) => c.deadLetterQueue.messageRetentionSeconds),
  integerBetween("eventSource.batchSize", (c) => c.eventSource.batchSize),
  {
    path: "eventSource.batchSize",
    rule: `must be at most ${FIFO_MAX_BATCH_SIZE} on a FIFO queue`,
    inputs: (c) => [c.eventSource.batchSize],
    appliesTo: isFifo,
    holds: (c) => c.eventSource.batchSize <= FIFO_MAX_BATCH_SIZE,
  },
  integerBetween("eventSource.maximumBatchingWindowSeconds", (c) => c.eventSource.maximumBatchingWindowSeconds),
  {
    path: "eventSource.maximumBatchingWindowSeconds",
    rule: "is not supported on a FIFO queue and must be 0",
    inputs: (c) => [c.eventSource.maximumBatchingWindowSeconds],
    appliesTo: isFifo,
    holds: (c) => c.eventSource.maximumBatchingWindowSeconds === 0,
  },
  {
    path: "eventSource.batchSize",
    rule: "above 10 needs eventSource.maximumBatchingWindowSeconds of at least 1",
    inputs: (c) => [c.eventSource.batchSize, c.eventSource.maximumBatchingWindowSeconds],
    holds: (c) => c.eventSource.batchSize <= 10 || c.eventSource.maximumBatchingWindowSeconds >= 1,
    given: (c) =>
      `batchSize ${c.eventSource.batchSize}, maximumBatchingWindowSeconds ${c.eventSource.maximumBatchingWindowSeconds}`,
  },
  integerBetween("eventSource.maximumConcurrency", (c) => c.eventSource.maximumConcurrency),
  providerGate(
    "provisionedPollers",
    "eventSource.provisionedPollers",
    (c) => c.eventSource.provisionedPollers?.minimum,
    (c) => c.eventSource.provisionedPollers !== undefined,
  ),
  {
    // AWS: "These are mutually exclusive options"; the provider does not check it, so it would
    // fail at apply, after the queues and the function exist. Only a cap the user wrote counts:
    // the default cap of 10 is left out in provisioned mode (defaults.ts).
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
    path: "eventSource.provisionedPollers",
    rule: "cannot be set together with eventSource.maximumConcurrency: Lambda's provisioned mode and maximum concurrency are mutually exclusive (remove maximumConcurrency; maximum pollers bound the scaling instead)",
    inputs: (c) => [c.eventSource.maximumConcurrency],
    appliesTo: (c) => c.eventSource.provisionedPollers !== undefined && c.eventSource.maximumConcurrencyGiven,
    holds: (c) => c.eventSource.maximumConcurrency === undefined,
    given: (c) => `maximumConcurrency ${c.eventSource.maximumConcurrency}`,
  },
  pollerBetween("eventSource.provisionedPollers.minimum", "minimum"),
  pollerBetween("eventSource.provisionedPollers.maximum", "maximum"),
  {
    path: "eventSource.provisionedPollers",
    rule: "minimum must not be above maximum",
    inputs: (c) => [c.eventSource.provisionedPollers?.minimum, c.eventSource.provisionedPollers?.maximum],
    appliesTo: (c) => c.eventSource.provisionedPollers !== undefined,
    holds: (c) => c.eventSource.provisionedPollers!.minimum <= c.eventSource.provisionedPollers!.maximum,
    given: (c) =>
      `minimum ${c.eventSource.provisionedPollers?.minimum}, maximum ${c.eventSource.provisionedPollers?.maximum}`,
  },
  {
    path: "alarmTopicArn",
    rule: "must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)",
    inputs: (c) => [c.alarmTopicArn],
    holds: (c) => SNS_TOPIC_ARN.test(c.alarmTopicArn),
  },
  {
    path: "alarmTopicArn",
    rule: `must be in a real AWS partition (${AWS_PARTITIONS.join(", ")})`,
    inputs: (c) => [c.alarmTopicArn],
    appliesTo: (c) => SNS_TOPIC_ARN.test(c.alarmTopicArn),
    holds: (c) => inRealPartition(c.alarmTopicArn),
  },
  {
    // CloudWatch alarm actions must be in the alarm's region.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
    path: "alarmTopicArn",
    rule: "must be in the stack's region and partition: a CloudWatch alarm can only notify an SNS topic in its own region",
    inputs: (c) => [c.alarmTopicArn, c.stackRegion],
    // A malformed stack region is reported on its own (the region row), not as a mismatch too.
    appliesTo: (c) =>
      SNS_TOPIC_ARN.test(c.alarmTopicArn) && typeof c.stackRegion === "string" && REGION_PATTERN.test(c.stackRegion),
    holds: (c) =>
      c.alarmTopicArn.split(":")[3] === c.stackRegion &&
      c.alarmTopicArn.split(":")[1] === partitionOfRegion(c.stackRegion),
    given: (c) => `${show(c.alarmTopicArn)}, stack region ${show(c.stackRegion)}`,
  },
  {
    path: "deadLetterQueue.alarmPeriodSeconds",
    rule: "must be 10, 20, 30 or a positive multiple of 60",
    inputs: (c) => [c.deadLetterQueue.alarmPeriodSeconds],
    holds: (c) =>
      [10, 20, 30].includes(c.deadLetterQueue.alarmPeriodSeconds) ||
      (Number.isInteger(c.deadLetterQueue.alarmPeriodSeconds / 60) && c.deadLetterQueue.alarmPeriodSeconds > 0),
  },
  {
    path: "deadLetterQueue.alarmEvaluationPeriods",
    rule: "must be a positive integer",
    inputs: (c) => [c.deadLetterQueue.alarmEvaluationPeriods],
    holds: (c) =>
      Number.isInteger(c.deadLetterQueue.alarmEvaluationPeriods) && c.deadLetterQueue.alarmEvaluationPeriods >= 1,
  },
  {
    path: "deadLetterQueue.alarmEvaluationPeriods",
    rule:
      `times deadLetterQueue.alarmPeriodSeconds must be at most ${ALARM_WINDOW_SECONDS.periodUnderAnHour} (one day) when the period is under an hour, ` +
      `and at most ${ALARM_WINDOW_SECONDS.otherwise} (7 days) otherwise`,
    inputs: (c) => [c.deadLetterQueue.alarmPeriodSeconds, c.deadLetterQueue.alarmEvaluationPeriods],
    holds: (c) =>
      c.deadLetterQueue.alarmPeriodSeconds * c.deadLetterQueue.alarmEvaluationPeriods <=
      alarmWindowLimit(c.deadLetterQueue.alarmPeriodSeconds),
    given: (c) =>
      `evaluationPeriods ${c.deadLetterQueue.alarmEvaluationPeriods}, periodSeconds ${c.deadLetterQueue.alarmPeriodSeconds}`,
  },
  {
    // The derived <service>-dlq-arrivals alarm evaluates two periods of the DLQ alarm's period:
    // CloudWatch's window limit applies to it as to the alarm the user configured.
    path: "deadLetterQueue.alarmPeriodSeconds",
    rule:
      `times ${DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS} (the <service>-dlq-arrivals alarm evaluates ${DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS} periods) must be at most ` +
      `${ALARM_WINDOW_SECONDS.periodUnderAnHour} (one day) when the period is under an hour, and at most ${ALARM_WINDOW_SECONDS.otherwise} (7 days) otherwise; ` +
      "or remove that alarm with monitoring.deadLetterArrivalsAlarm: false",
    inputs: (c) => [c.deadLetterQueue.alarmPeriodSeconds],
    appliesTo: (c) => c.monitoring.deadLetterArrivalsAlarm,
    holds: (c) =>
      c.deadLetterQueue.alarmPeriodSeconds * DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS <=
      alarmWindowLimit(c.deadLetterQueue.alarmPeriodSeconds),
    given: (c) =>
      `${c.deadLetterQueue.alarmPeriodSeconds}, a ${c.deadLetterQueue.alarmPeriodSeconds * DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS} s window`,
  },
  integerBetween("monitoring.backlogAgeSeconds", (c) => c.monitoring.backlogAgeSeconds),
  integerBetween("monitoring.maxFailedInvocations", (c) => c.monitoring.maxFailedInvocations),
  {
    path: "monitoring.periodSeconds",
    rule: `must be a multiple of 60 from 60 to ${ALARM_WINDOW_SECONDS.periodUnderAnHour} (one day)`,
    inputs: (c) => [c.monitoring.periodSeconds],
    holds: (c) =>
      Number.isInteger(c.monitoring.periodSeconds / 60) &&
      c.monitoring.periodSeconds >= 60 &&
      c.monitoring.periodSeconds <= ALARM_WINDOW_SECONDS.periodUnderAnHour,
  },
  integerBetween("idempotency.expirySeconds", (c) => c.idempotency?.expirySeconds),
  {
    path: "idempotency.expirySeconds",
    rule:
      "must be >= queue.visibilityTimeoutSeconds: a message whose delete failed is delivered again one visibility timeout later, " +
      "and its completed record must still be there to stop it running twice",
    inputs: (c) => [c.idempotency?.expirySeconds, c.queue.visibilityTimeoutSeconds],
    appliesTo: (c) => c.idempotency !== undefined,
    holds: (c) => c.idempotency!.expirySeconds >= c.queue.visibilityTimeoutSeconds,
    given: (c) =>
      `expirySeconds ${c.idempotency?.expirySeconds}, queue.visibilityTimeoutSeconds ${c.queue.visibilityTimeoutSeconds}`,
  },
];

/**
 * Every rule the configuration breaks, in table order; rules reading unresolved tokens are
 * skipped. A renamed prop given under its deprecated path is named by that path.
 */
export function findViolations(config: Config, rules: readonly WorkerRule[] = WORKER_RULES): SqsWorkerViolation[] {
  const written = (text: string) => asWritten(text, config.renamedProps);
  return rules
    .filter((r) => !r.inputs(config).some(isUnresolved))
    .filter((r) => (r.appliesTo ? r.appliesTo(config) : true))
    .filter((r) => !r.holds(config))
    .map((r) => ({
      serviceName: config.serviceName,
      path: written(r.path),
      rule: written(r.rule),
      given: r.given ? r.given(config) : show(r.inputs(config)[0]),
    }));
}
