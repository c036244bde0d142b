import { PROP_DEFAULTS, type PropDefault } from "./defaults";
import {
  ALARM_WINDOW_SECONDS,
  DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS,
  FIFO_MAX_BATCH_SIZE,
  LEGACY_MAX_MESSAGE_BYTES,
  RANGES,
  type RangedProp,
} from "./limits";
import { POLLER_KEYS, PROP_PATHS, type PropPath } from "./prop-shape";
import { PROVIDER_FEATURES } from "./provider-features";
import { RUNTIME_LIFECYCLE } from "./runtimes";
import { MAX_SERVICE_NAME_LENGTH } from "./validate";
import { MAX_ENVIRONMENT_BYTES } from "./environment";

/**
 * The rows of docs/construct.md's "Props and defaults" table: the default from
 * {@link PROP_DEFAULTS}, the range from {@link RANGES} and the other limits from their tables;
 * only the prose around them is written here. `npm run docs` writes them; a test compares.
 */

/** A row of the table that is not a prop path: the keys of a pollers object, idempotency on. */
type ExtraRow = `eventSource.provisionedPollers.${(typeof POLLER_KEYS)[number]}` | "idempotency: {}";

/** `min..max` of a ranged prop. */
function range(path: RangedProp): string {
  return `${RANGES[path].min}..${RANGES[path].max}`;
}

/** The largest DLQ alarm period whose derived dlq-arrivals window CloudWatch accepts. */
const MAX_DLQ_ALARM_PERIOD = ALARM_WINDOW_SECONDS.otherwise / DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS;
const RUNTIME_20 = RUNTIME_LIFECYCLE["nodejs20.x"];
const RUNTIME_22 = RUNTIME_LIFECYCLE["nodejs22.x"];
const MIB_MESSAGES = PROVIDER_FEATURES.oneMebibyteMessages;
/** "6.8.0" as "6.8". */
const minor = (version: string) => version.split(".").slice(0, 2).join(".");

/** The notes column of every row, by path: a prop without one fails tsc. */
const NOTES: Readonly<Record<PropPath | ExtraRow, string>> = {
  serviceName: `letters, digits, \`_\`, \`-\`; the longest that fits every derived name, \`.fifo\` included, is **${MAX_SERVICE_NAME_LENGTH} characters** minus the length of \`namePrefix\` (\`<prefix><service>-worker\` ≤ 64 for the function and role; the queues allow 74, FIFO 69)`,
  namePrefix:
    'letters, digits, `_`, `-`; prepended to every AWS name (queues, function, role, log group, alarm, policy): `"dev-"` gives `dev-orders-queue`',
  alarmTopicArn:
    "the SNS topic every alarm notifies, in the stack's region and partition; `ServiceStack` sets it to its Terraform variable `alert_sns_arn` (not a worker prop there)",
  "lambda.entry":
    "the service's worker file exporting `handler`; a relative path resolves against the folder of the app's main script (`main.ts`), not the current folder; bundled by esbuild at synth into a reproducible zip; a zip over Lambda's 50 MB (zipped, direct upload) or code over 250 MB (unzipped) is refused at synth",
  "lambda.timeoutSeconds": range("lambda.timeoutSeconds"),
  "lambda.memorySizeMb": range("lambda.memorySizeMb"),
  "lambda.runtime": `\`nodejs22.x\` or \`nodejs24.x\`. \`nodejs24.x\` with an older provider (such as @cdktf/provider-aws 20.1.0, aws 5.100.0) is refused, naming the version it needs; \`nodejs22.x\` warns when the provider offers \`nodejs24.x\` (AWS deprecates it on ${RUNTIME_22.deprecated}, creating functions blocked from ${RUNTIME_22.blockFunctionCreate}); \`nodejs20.x\` is refused (AWS blocks creating functions on it since ${RUNTIME_20.blockFunctionCreate}, updating since ${RUNTIME_20.blockFunctionUpdate})`,
  "lambda.architecture": "`arm64` or `x86_64`; arm64 is cheaper per GB-second and the bundle is plain JavaScript",
  "lambda.environment": `an object literal (its values may be Terraform expressions; the whole map may not); string values; keys \`[a-zA-Z][a-zA-Z0-9_]+\`, not one Lambda reserves (\`AWS_REGION\`, \`TZ\`, \`_HANDLER\`, ...); keys and values ≤ ${MAX_ENVIRONMENT_BYTES} bytes in all; no variable that switches a guarantee off (\`POWERTOOLS_IDEMPOTENCY_DISABLED\`, [the list](#rules-enforced-at-synth)); \`\${\` and \`%{\` in a value reach Lambda literally`,
  "lambda.logRetentionDays": "a value CloudWatch Logs accepts",
  "lambda.reservedConcurrency": `${range("lambda.reservedConcurrency")} (an account's concurrency can be raised to "tens of thousands", and Lambda keeps 100 unreserved); warns when below \`eventSource.maximumConcurrency\``,
  "lambda.tracing": "`Active` or `PassThrough`",
  "queue.visibilityTimeoutSeconds": `${range("queue.visibilityTimeoutSeconds")} and ≥ \`lambda.timeoutSeconds\``,
  "queue.messageRetentionSeconds": `${range("queue.messageRetentionSeconds")}, and ≥ \`delaySeconds\` + \`maxReceiveCount\` × \`visibilityTimeoutSeconds\` ([why](#retention-and-retries))`,
  "queue.delaySeconds": range("queue.delaySeconds"),
  "queue.receiveWaitTimeSeconds": range("queue.receiveWaitTimeSeconds"),
  "queue.fifo": "makes both queues FIFO (`.fifo` names)",
  "queue.contentBasedDeduplication": "FIFO only",
  "queue.kmsKeyArn": "a KMS key ARN; encrypts both queues, the worker gets `kms:Decrypt` on it",
  "queue.maximumMessageBytes": `${range("queue.maximumMessageBytes")}, on both queues; above ${LEGACY_MAX_MESSAGE_BYTES} needs hashicorp/aws ≥ ${minor(MIB_MESSAGES.needsAws)} (@cdktf/provider-aws ≥ ${MIB_MESSAGES.cdktfBindings}), refused with older bindings`,
  "deadLetterQueue.maxReceiveCount": range("deadLetterQueue.maxReceiveCount"),
  "deadLetterQueue.messageRetentionSeconds": range("deadLetterQueue.messageRetentionSeconds"),
  "deadLetterQueue.operatorPolicy": "creates the `<service>-dlq-operator` IAM policy for `sqs-worker dlq`",
  "deadLetterQueue.alarmPeriodSeconds": `period of the \`<service>-dlq-not-empty\` alarm: 10, 20, 30 or a multiple of 60; the \`<service>-dlq-arrivals\` alarm evaluates ${DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS} periods, so at most ${MAX_DLQ_ALARM_PERIOD} while it is on`,
  "deadLetterQueue.alarmEvaluationPeriods": `how many \`deadLetterQueue.alarmPeriodSeconds\` periods the \`<service>-dlq-not-empty\` alarm evaluates: a positive integer, period × periods ≤ ${ALARM_WINDOW_SECONDS.periodUnderAnHour} when the period is under an hour, ≤ ${ALARM_WINDOW_SECONDS.otherwise} otherwise`,
  "eventSource.batchSize": `${range("eventSource.batchSize")} (FIFO 1..${FIFO_MAX_BATCH_SIZE}); above 10 needs a batching window ≥ 1 s`,
  "eventSource.maximumBatchingWindowSeconds": `${range("eventSource.maximumBatchingWindowSeconds")}; not on FIFO`,
  "eventSource.maximumConcurrency": `${range("eventSource.maximumConcurrency")}, or \`false\` to remove the cap; refused together with \`provisionedPollers\``,
  "eventSource.provisionedPollers":
    "`{ minimum, maximum }`: provisioned mode ([when to choose it](#provisioned-mode-when-to-choose-it)); exclusive with `maximumConcurrency`; warns that the minimum pollers are billed while idle",
  "eventSource.provisionedPollers.minimum": `${range("eventSource.provisionedPollers.minimum")} (AWS's range for SQS; Kafka's 1 is refused for SQS)`,
  "eventSource.provisionedPollers.maximum": `${range("eventSource.provisionedPollers.maximum")} and ≥ \`minimum\` (AWS allows 10000 for SQS, but the providers' validation stops at ${RANGES["eventSource.provisionedPollers.maximum"].max}: measured on 5.100.0)`,
  "alarm.topicArn": "",
  "alarm.periodSeconds": "",
  "alarm.evaluationPeriods": "",
  "monitoring.backlogAgeSeconds": `${range("monitoring.backlogAgeSeconds")}, or \`false\` to remove the \`<service>-backlog-age\` alarm`,
  "monitoring.maxFailedInvocations": `${range("monitoring.maxFailedInvocations")} (exact in CloudWatch's double threshold), or \`false\` to remove the \`<service>-errors\` alarm`,
  "monitoring.throttlesAlarm": "`false` removes the `<service>-throttles` alarm",
  "monitoring.deadLetterArrivalsAlarm": "`false` removes the `<service>-dlq-arrivals` alarm",
  "monitoring.periodSeconds": `a multiple of 60, at most ${ALARM_WINDOW_SECONDS.periodUnderAnHour}; period of the backlog-age, errors and throttles alarms`,
  "monitoring.dashboard": "`false` removes the `<service>-worker` dashboard",
  "idempotency: {}":
    "turns it on: the `<service>-idempotency` DynamoDB table, and `makeHandler` runs each message at most once per key (see [idempotency.md](idempotency.md))",
  "idempotency.expirySeconds": `${range("idempotency.expirySeconds")} and ≥ \`queue.visibilityTimeoutSeconds\`; warns when below the queue's retention`,
};

/** The default column of a prop with this default. */
export function defaultText(d: PropDefault): string {
  if ("required" in d) return "required";
  if ("none" in d) return d.none;
  if ("derived" in d) return d.derived;
  if ("renamedTo" in d) return "deprecated";
  const shown = typeof d.value === "number" ? String(d.value) : `\`${JSON.stringify(d.value)}\``;
  const literal = typeof d.value === "string" && d.value !== "" ? `\`${d.value}\`` : shown;
  const withNote = d.note ? `${literal} (${d.note})` : literal;
  return d.otherwise ? `${withNote}; ${d.otherwise}` : withNote;
}

/** The notes column: a renamed prop's names its replacement. */
function notesOf(path: PropPath): string {
  const d = PROP_DEFAULTS[path];
  return "renamedTo" in d ? `use \`${d.renamedTo}\` (synth warns; giving both is refused)` : NOTES[path];
}

/** One row of the table: prop, default, notes. */
type Row = readonly [string, string, string];

/** The table's rows in prop order, a pollers prop followed by its keys. */
export function propDocRows(): Row[] {
  return (PROP_PATHS as readonly PropPath[]).flatMap((path): Row[] => {
    const row: Row = [`\`${path}\``, defaultText(PROP_DEFAULTS[path]), notesOf(path)];
    if (path === "eventSource.provisionedPollers")
      return [
        row,
        ...POLLER_KEYS.map((key): Row => [
          `\`${path}.${key}\``,
          "required with `provisionedPollers`",
          NOTES[`${path}.${key}`],
        ]),
      ];
    if (path === "idempotency.expirySeconds") return [["`idempotency: {}`", "off", NOTES["idempotency: {}"]], row];
    return [row];
  });
}
