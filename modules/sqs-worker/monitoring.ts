import type { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Construct } from "constructs";
import { createDashboard } from "./dashboard";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { createHealthAlarms } from "./health-alarms";
import type { MetricSubject } from "./metrics";
import type { WorkerNames } from "./names";

/** What the health alarms and the dashboard watch: the worker's resources as Terraform knows them. */
export interface MonitoredWorker {
  readonly config: ResolvedSqsWorkerConfig;
  readonly names: WorkerNames;
  /**
   * The name of each resource a metric is about, as a Terraform attribute (so an alarm depends on
   * its resource); the event source mapping's is its UUID, the dimension of its metrics.
   */
  readonly resourceNames: Readonly<Record<MetricSubject, string>>;
  readonly region: string;
  /** Where every alarm notifies (the same list as the DLQ alarm's). */
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
 * Creates the health alarms (the table in health-alarms.ts) and the dashboard (dashboard.ts), as
 * WorkerMonitoringProps turns them on.
 */
export function createMonitoring(scope: Construct, worker: MonitoredWorker): WorkerMonitoring {
  const alarms = createHealthAlarms(scope, worker);
  const dashboard = worker.config.monitoring.dashboard ? createDashboard(scope, worker) : undefined;
  return { ...alarms, dashboard };
}
