import { DEFAULT_DLQ_RETENTION_SECONDS, MAX_VISIBILITY_TIMEOUT_SECONDS, defaultVisibilityTimeout } from "./defaults";
import { SQS_METRIC_PERIOD_SECONDS } from "./limits";
import { PROVIDER_FEATURES, offers } from "./provider-features";
import { RUNTIME_LIFECYCLE } from "./runtimes";
import { writtenPath } from "./renamed-props";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { isUnresolved } from "./tokens";

type Config = ResolvedSqsWorkerConfig;

const NODEJS22 = RUNTIME_LIFECYCLE["nodejs22.x"];

/** The hashicorp/aws version that first accepts nodejs24.x, as "6.19". */
const NODEJS24_MINOR = PROVIDER_FEATURES.nodejs24Runtime.needsAws.split(".").slice(0, 2).join(".");

/**
 * One row of the advice table: an AWS recommendation that synth prints as a warning
 * (a cdktf annotation) when the configuration departs from it. AWS accepts these
 * configurations, so they never fail synth, but a reviewer should see them.
 */
export interface WorkerAdvice {
  /** Stable id, listed in docs/construct.md. */
  readonly id: string;
  /** One sentence for the docs: when it warns and why. */
  readonly summary: string;
  /** The values the advice reads: skipped when any is an unresolved token. */
  readonly inputs: (c: Config) => readonly unknown[];
  /** True when the configuration departs from the recommendation. */
  readonly departs: (c: Config) => boolean;
  /** The warning: what is wrong, why it matters, what to change. */
  readonly message: (c: Config) => string;
}

/** The recommended visibility timeout for this configuration. */
function recommendedVisibility(c: Config): number {
  return defaultVisibilityTimeout(c.lambda.timeoutSeconds, c.eventSource.maximumBatchingWindowSeconds);
}

/** Every recommendation of AWS's documentation (linked on each row or prop) that synth warns about. */
export const WORKER_ADVICE: readonly WorkerAdvice[] = [
  {
    id: "visibility-below-six-times-timeout",
    summary: `the visibility timeout is below 6 × the Lambda timeout + the batching window (capped at ${MAX_VISIBILITY_TIMEOUT_SECONDS}); names the value to use.`,
    inputs: (c) => [
      c.queue.visibilityTimeoutSeconds,
      c.lambda.timeoutSeconds,
      c.eventSource.maximumBatchingWindowSeconds,
    ],
    departs: (c) => c.queue.visibilityTimeoutSeconds < recommendedVisibility(c),
    message: (c) =>
      `queue.visibilityTimeoutSeconds ${c.queue.visibilityTimeoutSeconds} is below AWS's advice of 6 × lambda.timeoutSeconds + ` +
      `eventSource.maximumBatchingWindowSeconds = ${recommendedVisibility(c)}: a batch retried after a throttle or an error ` +
      `can reappear while it is still running. Set it to ${recommendedVisibility(c)} or remove the prop to get that default.`,
  },
  {
    id: "max-receive-count-below-five-without-concurrency-cap",
    summary:
      "`maxReceiveCount` below 5 while `eventSource.maximumConcurrency` is removed (and no provisioned pollers bound the scaling), so throttled receives can dead-letter healthy messages. (The article's 3 with a maximum concurrency of 10 does not warn.)",
    inputs: (c) => [c.deadLetterQueue.maxReceiveCount],
    // Provisioned mode caps the scaling with its maximum pollers instead.
    departs: (c) =>
      c.deadLetterQueue.maxReceiveCount < 5 &&
      c.eventSource.maximumConcurrency === undefined &&
      c.eventSource.provisionedPollers === undefined,
    message: (c) =>
      `deadLetterQueue.maxReceiveCount ${c.deadLetterQueue.maxReceiveCount} is below 5 while eventSource.maximumConcurrency is ` +
      `removed: receives of throttled invocations count too, so healthy messages can reach the dead-letter queue. ` +
      `Raise maxReceiveCount to 5 or more, or set eventSource.maximumConcurrency.`,
  },
  {
    id: "reserved-concurrency-below-maximum-concurrency",
    summary:
      "`lambda.reservedConcurrency` below the mapping's maximum concurrency: invocations are throttled and burn receives.",
    inputs: (c) => [c.lambda.reservedConcurrency, c.eventSource.maximumConcurrency],
    departs: (c) =>
      c.lambda.reservedConcurrency !== undefined &&
      c.lambda.reservedConcurrency < (c.eventSource.maximumConcurrency ?? Number.POSITIVE_INFINITY),
    message: (c) =>
      `lambda.reservedConcurrency ${c.lambda.reservedConcurrency} is below eventSource.maximumConcurrency ` +
      `${c.eventSource.maximumConcurrency ?? "(uncapped)"}: the mapping starts more invocations than the function may run, ` +
      `they are throttled and each throttled receive counts toward maxReceiveCount. Set reservedConcurrency to at least ` +
      `maximumConcurrency, or lower maximumConcurrency to ${c.lambda.reservedConcurrency}.`,
  },
  {
    id: "dlq-retention-not-above-source-retention",
    summary:
      "on a standard queue the DLQ retention is not longer than the source's; a moved message keeps its original enqueue time and can expire in the DLQ.",
    inputs: (c) => [c.deadLetterQueue.messageRetentionSeconds, c.queue.messageRetentionSeconds],
    // FIFO queues reset the enqueue timestamp on the move; standard queues keep it.
    departs: (c) => !c.queue.fifo && c.deadLetterQueue.messageRetentionSeconds <= c.queue.messageRetentionSeconds,
    message: (c) =>
      `deadLetterQueue.messageRetentionSeconds ${c.deadLetterQueue.messageRetentionSeconds} is not above ` +
      `queue.messageRetentionSeconds ${c.queue.messageRetentionSeconds}: a standard queue keeps a message's original ` +
      `enqueue time when it moves to the dead-letter queue, so it can expire there before anyone looks. Make the ` +
      `dead-letter queue's retention longer (the default is ${DEFAULT_DLQ_RETENTION_SECONDS}, 14 days).`,
  },
  {
    id: "alarm-period-below-sqs-metric-period",
    summary: `\`deadLetterQueue.alarmPeriodSeconds\` below ${SQS_METRIC_PERIOD_SECONDS} (10, 20 or 30): SQS publishes its metrics once a minute, so the alarm sits in INSUFFICIENT_DATA between datapoints and is billed as a high-resolution alarm.`,
    inputs: (c) => [c.deadLetterQueue.alarmPeriodSeconds],
    departs: (c) => c.deadLetterQueue.alarmPeriodSeconds < SQS_METRIC_PERIOD_SECONDS,
    message: (c) =>
      `${writtenPath("deadLetterQueue.alarmPeriodSeconds", c.renamedProps)} ${c.deadLetterQueue.alarmPeriodSeconds} is below ${SQS_METRIC_PERIOD_SECONDS}: SQS publishes its metrics once a minute, so ` +
      `the alarm sits in INSUFFICIENT_DATA between datapoints and is billed as a high-resolution alarm. Use ${SQS_METRIC_PERIOD_SECONDS} ` +
      `or a multiple of it.`,
  },
  {
    id: "idempotency-expiry-below-message-retention",
    summary:
      "`idempotency.expirySeconds` below `queue.messageRetentionSeconds`: SQS can still deliver a message (again) after its record has expired, and that delivery runs the job again.",
    inputs: (c) => [c.idempotency?.expirySeconds, c.queue.messageRetentionSeconds],
    departs: (c) => c.idempotency !== undefined && c.idempotency.expirySeconds < c.queue.messageRetentionSeconds,
    message: (c) =>
      `idempotency.expirySeconds ${c.idempotency?.expirySeconds} is below queue.messageRetentionSeconds ${c.queue.messageRetentionSeconds}: ` +
      `a message delivered again after its record expired (a failed delete behind a long backlog, a redrive) runs the job again. ` +
      `Remove the prop to keep records as long as the queue keeps messages, or accept the window knowingly.`,
  },
  {
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
    id: "runtime-nodejs22-deprecated",
    summary: `\`lambda.runtime\` is \`nodejs22.x\` while the bound provider offers \`nodejs24.x\` (hashicorp/aws >= ${NODEJS24_MINOR}): AWS deprecates nodejs22.x on ${NODEJS22.deprecated} and blocks creating functions on it from ${NODEJS22.blockFunctionCreate}.`,
    inputs: (c) => [c.lambda.runtime],
    departs: (c) => c.lambda.runtime === "nodejs22.x" && offers(c.provider.awsVersion, "nodejs24Runtime"),
    message: () =>
      `lambda.runtime nodejs22.x is deprecated by AWS on ${NODEJS22.deprecated}, and from ${NODEJS22.blockFunctionCreate} no new function can be created on it ` +
      "(a new stage or a replaced function fails at apply). The installed provider accepts nodejs24.x: set lambda.runtime to " +
      '"nodejs24.x" or remove the prop to get it by default, after testing the worker on Node.js 24.',
  },
  {
    id: "provisioned-pollers-billed-while-idle",
    summary:
      "`eventSource.provisionedPollers` is set: its minimum pollers are billed all the time, also while the queue is empty. Choose provisioned mode for sustained high throughput or spikes that must be absorbed in seconds; the default mode with maximum concurrency 10 costs nothing while idle.",
    inputs: (c) => [c.eventSource.provisionedPollers?.minimum],
    departs: (c) => c.eventSource.provisionedPollers !== undefined,
    message: (c) =>
      `eventSource.provisionedPollers keeps ${c.eventSource.provisionedPollers?.minimum} event pollers ready, and Lambda bills them ` +
      "(event poller units) all the time, also while the queue is empty. Keep it for sustained high throughput or spikes that must be " +
      "absorbed in seconds; otherwise remove it: the default mode with eventSource.maximumConcurrency 10 costs nothing while idle.",
  },
  {
    id: "deprecated-prop",
    summary:
      "a prop is given under its deprecated name (`alarm.topicArn`, `alarm.periodSeconds`, `alarm.evaluationPeriods`): it works as before; the warning names its replacement.",
    inputs: () => [],
    departs: (c) => userRenamedProps(c).length > 0,
    message: (c) => {
      const renamed = userRenamedProps(c);
      const topicMoved = renamed.some((r) => r.replacement === "alarmTopicArn");
      return (
        renamed.map((r) => `${r.path} is deprecated: write ${r.replacement} instead`).join("; ") +
        ` (same settings, same resources${topicMoved ? "; alarmTopicArn is the topic of every alarm, not only the dead-letter queue's" : ""}).`
      );
    },
  },
];

/** The renamed props the user gave under their deprecated name. */
function userRenamedProps(c: Config) {
  return c.renamedProps;
}

/** The warnings for a configuration, each prefixed with the service name. */
export function adviseSqsWorkerConfig(config: Config, table: readonly WorkerAdvice[] = WORKER_ADVICE): string[] {
  return table
    .filter((a) => !a.inputs(config).some(isUnresolved))
    .filter((a) => a.departs(config))
    .map((a) => `${config.serviceName}: ${a.message(config)} [${a.id}]`);
}
