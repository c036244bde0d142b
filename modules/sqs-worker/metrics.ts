/**
 * The CloudWatch metrics the worker's alarms and dashboard read, each named once here. A metric
 * is measured on one kind of the worker's resources ({@link MetricSubject}); which resource, and
 * how its name is written (a Terraform attribute or a literal), the reader decides.
 */

/** The worker's resources a metric can be about. */
export type MetricSubject = "queue" | "deadLetterQueue" | "function" | "eventSourceMapping";

/** One CloudWatch metric and the dimension that names its resource. */
export interface WorkerMetric {
  readonly namespace: "AWS/SQS" | "AWS/Lambda";
  readonly metricName: string;
  readonly dimension: "QueueName" | "FunctionName" | "EventSourceMappingUUID";
}

const sqs = (metricName: string): WorkerMetric => ({ namespace: "AWS/SQS", metricName, dimension: "QueueName" });
const lambda = (metricName: string): WorkerMetric => ({
  namespace: "AWS/Lambda",
  metricName,
  dimension: "FunctionName",
});
/** The event source mapping's metrics (published with its `metricsConfig`), by its UUID. */
const mapping = (metricName: string): WorkerMetric => ({
  namespace: "AWS/Lambda",
  metricName,
  dimension: "EventSourceMappingUUID",
});

/**
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
export const WORKER_METRICS = {
  visibleMessages: sqs("ApproximateNumberOfMessagesVisible"),
  inFlightMessages: sqs("ApproximateNumberOfMessagesNotVisible"),
  oldestMessageAge: sqs("ApproximateAgeOfOldestMessage"),
  invocations: lambda("Invocations"),
  errors: lambda("Errors"),
  throttles: lambda("Throttles"),
  duration: lambda("Duration"),
  concurrentExecutions: lambda("ConcurrentExecutions"),
  polledEvents: mapping("PolledEventCount"),
  filteredOutEvents: mapping("FilteredOutEventCount"),
  failedInvokeEvents: mapping("FailedInvokeEventCount"),
  droppedEvents: mapping("DroppedEventCount"),
} as const satisfies Record<string, WorkerMetric>;

/** The metric as an alarm (or a metric query) names it: namespace, name and dimensions. */
export function alarmMetric(
  metric: WorkerMetric,
  resourceName: string,
): { namespace: string; metricName: string; dimensions: Record<string, string> } {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: { [metric.dimension]: resourceName },
  };
}

/** The metric as a line of a dashboard graph: `[namespace, name, dimension, value, options]`. */
export function graphLine(metric: WorkerMetric, resourceName: string, options: Record<string, unknown>): unknown[] {
  return [metric.namespace, metric.metricName, metric.dimension, resourceName, options];
}
