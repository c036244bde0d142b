import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS } from "./limits";
import { WORKER_METRICS, alarmMetric, type MetricSubject, type WorkerMetric } from "./metrics";
import type { MonitoredWorker, WorkerMonitoring } from "./monitoring";
import { dlqToolCommand, type HealthAlarmKey } from "./names";

/** A health alarm's field in WorkerMonitoring (monitoring.ts), which is also its name's field in WorkerNames. */
export type { HealthAlarmKey };

/** One health alarm: everything that differs from one alarm to the next. */
export interface HealthAlarmSpec {
  /** Its field in WorkerMonitoring and, the same, its AWS name's field in WorkerNames. */
  readonly key: HealthAlarmKey;
  /** The construct id: a contract, renaming it replaces the live alarm. */
  readonly id: string;
  /** The threshold the metric must exceed, from the resolved config; `undefined` when the alarm is turned off. */
  readonly threshold: (config: ResolvedSqsWorkerConfig) => number | undefined;
  readonly metric: WorkerMetric;
  /** Which of the worker's resources the metric is read on. */
  readonly of: MetricSubject;
  readonly statistic: "Maximum" | "Sum";
  /**
   * Set when the alarm watches the metric's rise from one `deadLetterQueue.alarmPeriodSeconds` period to the next
   * (metric math `DIFF`, over DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS periods) rather than its value
   * over each `monitoring.periodSeconds` period.
   */
  readonly rise?: { readonly id: string; readonly metricId: string; readonly label: string };
  /** What the alarm means and what to do, as the on-call engineer reads it in AWS. */
  readonly describe: (worker: MonitoredWorker, threshold: number) => string;
}

/**
 * The health alarms, in creation order. Adding one: a row here, its key in HEALTH_ALARM_NAME_KEYS
 * and its name in deriveNames (names.ts), its field in WorkerMonitoring (monitoring.ts): tsc asks
 * for each. Then its test (docs/contributing.md).
 */
export const HEALTH_ALARMS: readonly HealthAlarmSpec[] = [
  {
    key: "backlogAgeAlarm",
    id: "BacklogAgeAlarm",
    threshold: ({ monitoring }) => monitoring.backlogAgeSeconds,
    metric: WORKER_METRICS.oldestMessageAge,
    of: "queue",
    statistic: "Maximum",
    describe: ({ names, config }, threshold) =>
      `The oldest message in ${names.queue} is older than ${threshold} s: more than a full retry cycle ` +
      `(2 visibility timeouts): the worker of ${config.serviceName} is failing, throttled or falling behind. Check errors, throttles and the dashboard.`,
  },
  {
    key: "errorsAlarm",
    id: "ErrorsAlarm",
    threshold: ({ monitoring }) => monitoring.maxFailedInvocations,
    metric: WORKER_METRICS.errors,
    of: "function",
    statistic: "Sum",
    describe: ({ names, config }, threshold) =>
      `${names.function} failed more than ${threshold} invocations in ${config.monitoring.periodSeconds} s. With partial batch ` +
      `responses an invocation fails only when a whole batch does (a thrown error, a timeout, every record failed); all its ` +
      `messages are retried and count toward maxReceiveCount. Check the logs: ${dlqToolCommand(config.serviceName, config.namePrefix, "logs")}.`,
  },
  {
    key: "throttlesAlarm",
    id: "ThrottlesAlarm",
    threshold: ({ monitoring }) => (monitoring.throttlesAlarm ? 0 : undefined),
    metric: WORKER_METRICS.throttles,
    of: "function",
    statistic: "Sum",
    describe: ({ names }) =>
      `Lambda throttled ${names.function}: throttled receives count toward maxReceiveCount, so healthy messages move toward ` +
      `${names.deadLetterQueue}. Raise the function's reserved concurrency or the account's limit, or lower eventSource.maximumConcurrency.`,
  },
  // The DLQ alarm stays in ALARM while the DLQ holds anything, so a second failure pages nobody:
  // this one fires on new arrivals. Their count is the rise of the visible count, since
  // NumberOfMessagesSent misses the messages SQS itself moves to a DLQ.
  {
    key: "deadLetterArrivalsAlarm",
    id: "DeadLetterQueueArrivalsAlarm",
    threshold: ({ monitoring }) => (monitoring.deadLetterArrivalsAlarm ? 0 : undefined),
    metric: WORKER_METRICS.visibleMessages,
    of: "deadLetterQueue",
    statistic: "Maximum",
    rise: { id: "arrivals", metricId: "visible", label: "Messages arrived in the DLQ" },
    describe: ({ names, config }) =>
      `New messages arrived in ${names.deadLetterQueue} (its visible count rose between two ${config.deadLetterQueue.alarmPeriodSeconds} s periods), ` +
      `while it may already be in ALARM for older ones. Inspect them: ${dlqToolCommand(config.serviceName, config.namePrefix, "peek")}.`,
  },
];

/**
 * Creates every health alarm of {@link HEALTH_ALARMS} that is turned on. Each one notifies on ALARM
 * only (an OK after every ALARM would double each page; `npx sqs-worker dlq <service> status`
 * shows every alarm's state), and treats missing data as not breaching: SQS stops publishing for a
 * queue idle for 6 hours, and Lambda publishes nothing for a function that was not invoked, which
 * is health, not failure.
 */
export function createHealthAlarms(scope: Construct, worker: MonitoredWorker): Pick<WorkerMonitoring, HealthAlarmKey> {
  // Typed as the public fields: a key without its field in WorkerMonitoring fails tsc here.
  const alarms: Partial<Record<HealthAlarmKey, CloudwatchMetricAlarm>> = {};
  for (const spec of HEALTH_ALARMS) {
    const threshold = spec.threshold(worker.config);
    alarms[spec.key] =
      threshold === undefined
        ? undefined
        : new CloudwatchMetricAlarm(scope, spec.id, {
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: worker.alarmActions,
            alarmName: worker.names[spec.key],
            alarmDescription: spec.describe(worker, threshold),
            threshold,
            ...measurement(worker, spec),
          });
  }
  return alarms;
}

/** The alarm's metric, statistic and periods: the metric's value, or its rise (see HealthAlarmSpec.rise). */
function measurement(worker: MonitoredWorker, spec: HealthAlarmSpec) {
  const metric = alarmMetric(spec.metric, worker.resourceNames[spec.of]);
  if (!spec.rise) {
    return {
      ...metric,
      statistic: spec.statistic,
      period: worker.config.monitoring.periodSeconds,
      evaluationPeriods: 1,
    };
  }
  return {
    evaluationPeriods: DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS,
    datapointsToAlarm: 1,
    metricQuery: [
      { id: spec.rise.id, expression: `DIFF(${spec.rise.metricId})`, label: spec.rise.label, returnData: true },
      {
        id: spec.rise.metricId,
        returnData: false,
        metric: { ...metric, period: worker.config.deadLetterQueue.alarmPeriodSeconds, stat: spec.statistic },
      },
    ],
  };
}
