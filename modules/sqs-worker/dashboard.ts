import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { App, Fn } from "cdktf";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { WORKER_METRICS, graphLine, type MetricSubject, type WorkerMetric } from "./metrics";
import type { MonitoredWorker } from "./monitoring";
import { isUnresolved } from "./tokens";

/** One line of a graph: a metric on one of the worker's resources, with its statistic. */
interface GraphLine {
  readonly metric: WorkerMetric;
  readonly of: MetricSubject;
  readonly stat: "Maximum" | "Sum" | "p50" | "p99";
  readonly label?: string;
}

/** One graph of the dashboard, at (x, y) on CloudWatch's 24-column grid, 6 high. */
interface Graph {
  readonly title: string;
  readonly x: number;
  readonly y: number;
  /** @default 12 (half the width) */
  readonly width?: number;
  readonly lines: readonly GraphLine[];
  /** A limit the worker must stay under, drawn as a horizontal line: its label and value. */
  readonly limit?: (config: ResolvedSqsWorkerConfig) => { label: string; value: number | undefined };
}

const { visibleMessages, inFlightMessages, oldestMessageAge, duration } = WORKER_METRICS;
const sum = (metric: WorkerMetric, of: MetricSubject): GraphLine => ({ metric, of, stat: "Sum" });

/**
 * The dashboard's graphs: queue depth, age of the oldest message (the backlog alarm's threshold
 * drawn in), DLQ depth, invocations / errors / throttles, duration p50 and p99 against the
 * timeout, concurrent executions against the mapping's maximum concurrency, and the mapping's
 * event counts.
 */
const GRAPHS: readonly Graph[] = [
  {
    title: "Queue depth",
    x: 0,
    y: 0,
    lines: [
      { metric: visibleMessages, of: "queue", stat: "Maximum", label: "visible" },
      { metric: inFlightMessages, of: "queue", stat: "Maximum", label: "in flight" },
    ],
  },
  {
    title: "Age of the oldest message (s)",
    x: 12,
    y: 0,
    lines: [{ metric: oldestMessageAge, of: "queue", stat: "Maximum" }],
    limit: (config) => ({ label: "backlog-age alarm", value: config.monitoring.backlogAgeSeconds }),
  },
  {
    title: "Dead-letter queue depth",
    x: 0,
    y: 6,
    lines: [{ metric: visibleMessages, of: "deadLetterQueue", stat: "Maximum" }],
  },
  {
    title: "Invocations, errors, throttles",
    x: 12,
    y: 6,
    lines: [WORKER_METRICS.invocations, WORKER_METRICS.errors, WORKER_METRICS.throttles].map((m) => sum(m, "function")),
  },
  {
    title: "Duration (ms)",
    x: 0,
    y: 12,
    lines: [
      { metric: duration, of: "function", stat: "p50" },
      { metric: duration, of: "function", stat: "p99" },
    ],
    // A token times 1000 is no longer a token: leave the line out rather than draw a wrong one.
    limit: ({ lambda: { timeoutSeconds } }) => ({
      label: "timeout",
      value: isUnresolved(timeoutSeconds) ? undefined : timeoutSeconds * 1000,
    }),
  },
  {
    title: "Concurrent executions",
    x: 12,
    y: 12,
    lines: [{ metric: WORKER_METRICS.concurrentExecutions, of: "function", stat: "Maximum" }],
    limit: (config) => ({ label: "maximum concurrency", value: config.eventSource.maximumConcurrency }),
  },
  {
    title: "Event source mapping: events",
    x: 0,
    y: 18,
    width: 24,
    lines: [
      WORKER_METRICS.polledEvents,
      WORKER_METRICS.filteredOutEvents,
      WORKER_METRICS.failedInvokeEvents,
      WORKER_METRICS.droppedEvents,
    ].map((m) => sum(m, "eventSourceMapping")),
  },
];

/** The dashboard `<prefix><service>-worker`, built from the same names and limits as the construct. */
export function createDashboard(scope: Construct, worker: MonitoredWorker): CloudwatchDashboard {
  return new CloudwatchDashboard(scope, "Dashboard", {
    dashboardName: worker.names.dashboard,
    dashboardBody: dashboardJson(scope, dashboardBody(worker)),
  });
}

/**
 * The dashboard body as Terraform needs it. JSON output: the JSON text itself, holding two
 * references (the region and the mapping's UUID) that need no escaping, and which cdktf resolves
 * much faster than a `jsonencode()` of the whole nested object. HCL output (for review, where
 * cdktf would not escape the quotes of such a string): `jsonencode()`, which reads better anyway.
 */
function dashboardJson(scope: Construct, body: Record<string, unknown>): string {
  return App.of(scope).hclOutput ? Fn.jsonencode(body) : JSON.stringify(body);
}

/** The dashboard's body: one `metric` widget per graph of {@link GRAPHS}. */
export function dashboardBody(worker: MonitoredWorker): Record<string, unknown> {
  // The names as literals (the construct fixes them), not resource attributes: each reference is
  // a token for cdktf to resolve, and a dashboard of them slows every synth.
  const resourceNames: Record<MetricSubject, string> = {
    queue: worker.names.queue,
    deadLetterQueue: worker.names.deadLetterQueue,
    function: worker.names.function,
    eventSourceMapping: worker.resourceNames.eventSourceMapping,
  };
  return {
    widgets: GRAPHS.map((graph) => ({
      type: "metric",
      x: graph.x,
      y: graph.y,
      width: graph.width ?? 12,
      height: 6,
      properties: {
        title: graph.title,
        metrics: graph.lines.map(({ metric, of, stat, label }) =>
          graphLine(metric, resourceNames[of], label === undefined ? { stat } : { stat, label }),
        ),
        view: "timeSeries",
        period: 60,
        region: worker.region,
        ...horizontalLine(graph.limit?.(worker.config)),
      },
    })),
  };
}

/**
 * A horizontal line at a limit; none for a limit that is unset or a Terraform token (a number only
 * Terraform knows cannot be written into the JSON text).
 */
function horizontalLine(limit: { label: string; value: number | undefined } | undefined): Record<string, unknown> {
  if (limit?.value === undefined || isUnresolved(limit.value)) return {};
  return { annotations: { horizontal: [limit] } };
}
