import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { App, Fn } from "cdktf";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./defaults";
import { DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS } from "./limits";
import { dlqToolCommand, type WorkerNames } from "./names";
import { isUnresolved } from "./tokens";

/** What the health alarms and the dashboard watch: the worker's resources as Terraform knows them. */
export interface MonitoredWorker {
  readonly config: ResolvedSqsWorkerConfig;
  readonly names: WorkerNames;
  /** The queues' names as Terraform attributes (so the alarms depend on the queues). */
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly functionName: string;
  /** The event source mapping's UUID: the dimension of its EventCount metrics. */
  readonly eventSourceMappingUuid: string;
  readonly region: string;
  /** Where every alarm notifies (the same list as the article's DLQ alarm). */
  readonly alarmActions: string[];
}

/** The health alarms and dashboard of one worker; each is absent when turned off. */
export interface WorkerMonitoring {
  readonly backlogAgeAlarm?: CloudwatchMetricAlarm;
  readonly errorsAlarm?: CloudwatchMetricAlarm;
  readonly throttlesAlarm?: CloudwatchMetricAlarm;
  readonly deadLetterArrivalsAlarm?: CloudwatchMetricAlarm;
  readonly dashboard?: CloudwatchDashboard;
}

/**
 * Creates the health alarms and the dashboard (see WorkerMonitoringProps). Every alarm:
 * `<prefix><service>-<what>`, notifies on ALARM only (an OK after every ALARM would double each
 * page; `npx sqs-worker dlq <service> status` shows every alarm's state), and treats missing data
 * as not breaching: SQS stops publishing for a queue idle for 6 hours, and Lambda publishes
 * nothing for a function that was not invoked, which is health, not failure.
 */
export function createMonitoring(scope: Construct, worker: MonitoredWorker): WorkerMonitoring {
  const { config, names } = worker;
  const period = config.monitoring.periodSeconds;
  const common = {
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: worker.alarmActions,
  } as const;
  const sqsMetric = (queueName: string) => ({ namespace: "AWS/SQS", dimensions: { QueueName: queueName } });
  const lambdaMetric = { namespace: "AWS/Lambda", dimensions: { FunctionName: worker.functionName } };

  const backlogAgeAlarm =
    config.monitoring.backlogAgeSeconds === undefined
      ? undefined
      : new CloudwatchMetricAlarm(scope, "BacklogAgeAlarm", {
          ...common,
          ...sqsMetric(worker.queueName),
          alarmName: names.backlogAgeAlarm,
          alarmDescription:
            `The oldest message in ${names.queue} is older than ${config.monitoring.backlogAgeSeconds} s: more than a full retry cycle ` +
            `(2 visibility timeouts): the worker of ${config.serviceName} is failing, throttled or falling behind. Check errors, throttles and the dashboard.`,
          metricName: "ApproximateAgeOfOldestMessage",
          statistic: "Maximum",
          period,
          evaluationPeriods: 1,
          threshold: config.monitoring.backlogAgeSeconds,
        });

  const errorsAlarm =
    config.monitoring.maxFailedInvocations === undefined
      ? undefined
      : new CloudwatchMetricAlarm(scope, "ErrorsAlarm", {
          ...common,
          ...lambdaMetric,
          alarmName: names.errorsAlarm,
          alarmDescription:
            `${names.function} failed more than ${config.monitoring.maxFailedInvocations} invocations in ${period} s. With partial batch ` +
            `responses an invocation fails only when a whole batch does (a thrown error, a timeout, every record failed); all its ` +
            `messages are retried and count toward maxReceiveCount. Check the logs: ${dlqToolCommand(config.serviceName, config.namePrefix, "logs")}.`,
          metricName: "Errors",
          statistic: "Sum",
          period,
          evaluationPeriods: 1,
          threshold: config.monitoring.maxFailedInvocations,
        });

  const throttlesAlarm = !config.monitoring.throttlesAlarm
    ? undefined
    : new CloudwatchMetricAlarm(scope, "ThrottlesAlarm", {
        ...common,
        ...lambdaMetric,
        alarmName: names.throttlesAlarm,
        alarmDescription:
          `Lambda throttled ${names.function}: throttled receives count toward maxReceiveCount, so healthy messages move toward ` +
          `${names.deadLetterQueue}. Raise the function's reserved concurrency or the account's limit, or lower eventSource.maximumConcurrency.`,
        metricName: "Throttles",
        statistic: "Sum",
        period,
        evaluationPeriods: 1,
        threshold: 0,
      });

  // The article's alarm stays in ALARM while the DLQ holds anything, so a second failure pages
  // nobody. This one fires when the DLQ's visible count rises from one period to the next
  // (DIFF over two periods; NumberOfMessagesSent would miss messages SQS moves there itself).
  const deadLetterArrivalsAlarm = !config.monitoring.deadLetterArrivalsAlarm
    ? undefined
    : new CloudwatchMetricAlarm(scope, "DeadLetterQueueArrivalsAlarm", {
        ...common,
        alarmName: names.deadLetterArrivalsAlarm,
        alarmDescription:
          `New messages arrived in ${names.deadLetterQueue} (its visible count rose between two ${config.alarm.periodSeconds} s periods), ` +
          `while it may already be in ALARM for older ones. Inspect them: ${dlqToolCommand(config.serviceName, config.namePrefix, "peek")}.`,
        evaluationPeriods: DEAD_LETTER_ARRIVALS_EVALUATION_PERIODS,
        datapointsToAlarm: 1,
        threshold: 0,
        metricQuery: [
          { id: "arrivals", expression: "DIFF(visible)", label: "Messages arrived in the DLQ", returnData: true },
          {
            id: "visible",
            returnData: false,
            metric: {
              ...sqsMetric(worker.deadLetterQueueName),
              metricName: "ApproximateNumberOfMessagesVisible",
              period: config.alarm.periodSeconds,
              stat: "Maximum",
            },
          },
        ],
      });

  const dashboard = config.monitoring.dashboard
    ? new CloudwatchDashboard(scope, "Dashboard", {
        dashboardName: names.dashboard,
        dashboardBody: dashboardJson(scope, dashboardBody(worker)),
      })
    : undefined;

  return { backlogAgeAlarm, errorsAlarm, throttlesAlarm, deadLetterArrivalsAlarm, dashboard };
}

/**
 * The dashboard body as Terraform needs it. JSON output: the JSON text itself, holding two
 * references (the region and the mapping's UUID) that need no escaping; cdktf resolving a
 * `jsonencode()` of the whole nested object cost about 12 ms per stack (1,000 services:
 * 12 s → 27 s). HCL output (for review, where cdktf would not escape the quotes of such a
 * string): `jsonencode()`, which reads better anyway.
 */
function dashboardJson(scope: Construct, body: Record<string, unknown>): string {
  return App.of(scope).hclOutput ? Fn.jsonencode(body) : JSON.stringify(body);
}

/** One graph of the dashboard. */
function widget(
  title: string,
  x: number,
  y: number,
  metrics: unknown[][],
  properties: Record<string, unknown> = {},
  width = 12,
): Record<string, unknown> {
  return {
    type: "metric",
    x,
    y,
    width,
    height: 6,
    properties: { title, metrics, view: "timeSeries", period: 60, ...properties },
  };
}

/**
 * A horizontal line at a limit the worker must stay under; none for a limit that is unset or a
 * Terraform token (a number only Terraform knows cannot be written into the JSON text).
 */
function limit(label: string, value: number | undefined): Record<string, unknown> {
  return value === undefined || isUnresolved(value) ? {} : { annotations: { horizontal: [{ label, value }] } };
}

/**
 * The dashboard `<prefix><service>-worker`, built from the same names and limits as the
 * construct: queue depth, age of the oldest message (the backlog alarm's threshold drawn in),
 * DLQ depth, invocations / errors / throttles, duration p50 and p99 against the timeout,
 * concurrent executions against the mapping's maximum concurrency, and the mapping's event
 * counts (its EventCount metrics, by EventSourceMappingUUID).
 */
export function dashboardBody(worker: MonitoredWorker): Record<string, unknown> {
  // The names as literals (they are fixed by the construct), not resource attributes: each
  // reference is a token cdktf resolves, and a dashboard of them cost ~15 ms per stack.
  const { config, names } = worker;
  const queue = ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", names.queue];
  const fn = (metric: string, options: Record<string, unknown> = {}) => [
    "AWS/Lambda",
    metric,
    "FunctionName",
    names.function,
    options,
  ];
  const esm = (metric: string) => [
    "AWS/Lambda",
    metric,
    "EventSourceMappingUUID",
    worker.eventSourceMappingUuid,
    { stat: "Sum" },
  ];
  const region = { region: worker.region };
  return {
    widgets: [
      widget(
        "Queue depth",
        0,
        0,
        [
          [...queue, { stat: "Maximum", label: "visible" }],
          [
            "AWS/SQS",
            "ApproximateNumberOfMessagesNotVisible",
            "QueueName",
            names.queue,
            { stat: "Maximum", label: "in flight" },
          ],
        ],
        region,
      ),
      widget(
        "Age of the oldest message (s)",
        12,
        0,
        [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", names.queue, { stat: "Maximum" }]],
        {
          ...region,
          ...limit("backlog-age alarm", config.monitoring.backlogAgeSeconds),
        },
      ),
      widget(
        "Dead-letter queue depth",
        0,
        6,
        [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", names.deadLetterQueue, { stat: "Maximum" }]],
        region,
      ),
      widget(
        "Invocations, errors, throttles",
        12,
        6,
        [fn("Invocations", { stat: "Sum" }), fn("Errors", { stat: "Sum" }), fn("Throttles", { stat: "Sum" })],
        region,
      ),
      widget("Duration (ms)", 0, 12, [fn("Duration", { stat: "p50" }), fn("Duration", { stat: "p99" })], {
        ...region,
        ...(isUnresolved(config.lambda.timeoutSeconds) ? {} : limit("timeout", config.lambda.timeoutSeconds * 1000)),
      }),
      widget("Concurrent executions", 12, 12, [fn("ConcurrentExecutions", { stat: "Maximum" })], {
        ...region,
        ...limit("maximum concurrency", config.eventSource.maximumConcurrency),
      }),
      widget(
        "Event source mapping: events",
        0,
        18,
        [
          esm("PolledEventCount"),
          esm("FilteredOutEventCount"),
          esm("FailedInvokeEventCount"),
          esm("DroppedEventCount"),
        ],
        region,
        24,
      ),
    ],
  };
}
