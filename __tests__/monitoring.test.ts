import { HEALTH_ALARMS } from "../modules/sqs-worker/health-alarms";
import { HEALTH_ALARM_NAME_KEYS, alarmNamesOf, deriveNames } from "../modules/sqs-worker/names";
import { resourceWhere, resources, synthService, type TerraformJson } from "./helpers/synth";
import type { TestWorkerProps } from "./helpers/props";

// The health alarms and the dashboard: on by default, each removable, each from the same names
// and limits the construct uses. The article's DLQ alarm stays exactly as it was.

const orders = synthService("orders", { lambda: { timeoutSeconds: 50 } });
const alarm = (json: TerraformJson, name: string) =>
  resourceWhere(json, "aws_cloudwatch_metric_alarm", "alarm_name", name).body;
const alarmNames = (json: TerraformJson) =>
  resources(json, "aws_cloudwatch_metric_alarm")
    .map((a) => a.alarm_name)
    .sort();
const queue = (json: TerraformJson, suffix: string) =>
  `\${${resourceWhere(json, "aws_sqs_queue", "name", `orders-${suffix}`).address}.name}`;
const fn = `\${${resourceWhere(orders, "aws_lambda_function", "function_name", "orders-worker").address}.function_name}`;
const notify = {
  alarm_actions: "${compact([var.alert_sns_arn])}",
  treat_missing_data: "notBreaching",
  comparison_operator: "GreaterThanThreshold",
};

describe("the health alarms", () => {
  test("backlog age: the queue's oldest message above two visibility timeouts (2 × 300 s)", () => {
    expect(alarm(orders, "orders-backlog-age")).toMatchObject({
      ...notify,
      namespace: "AWS/SQS",
      metric_name: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: queue(orders, "queue") },
      statistic: "Maximum",
      period: 300,
      evaluation_periods: 1,
      threshold: 600,
    });
  });

  test("backlog age: never below 300 s, and settable", () => {
    expect(alarm(synthService("orders", { lambda: { timeoutSeconds: 30 } }), "orders-backlog-age").threshold).toBe(360);
    expect(
      alarm(
        synthService("orders", { lambda: { timeoutSeconds: 5 }, queue: { visibilityTimeoutSeconds: 30 } }),
        "orders-backlog-age",
      ).threshold,
    ).toBe(300);
    expect(
      alarm(synthService("orders", { monitoring: { backlogAgeSeconds: 3600 } }), "orders-backlog-age").threshold,
    ).toBe(3600);
  });

  test("errors: any failed invocation in 5 minutes, explaining that a failed invocation is a whole failed batch", () => {
    const errors = alarm(orders, "orders-errors");
    expect(errors).toMatchObject({
      ...notify,
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: fn },
      statistic: "Sum",
      period: 300,
      threshold: 0,
    });
    expect(errors.alarm_description).toContain(
      "an invocation fails only when a whole batch does (a thrown error, a timeout, every record failed)",
    );
  });

  test("throttles: any throttle, since throttled receives count toward maxReceiveCount", () => {
    const throttles = alarm(orders, "orders-throttles");
    expect(throttles).toMatchObject({
      ...notify,
      namespace: "AWS/Lambda",
      metric_name: "Throttles",
      dimensions: { FunctionName: fn },
      statistic: "Sum",
      threshold: 0,
    });
    expect(throttles.alarm_description).toContain("throttled receives count toward maxReceiveCount");
  });

  test("new DLQ arrivals: the rise of the DLQ's visible count between two periods, by metric math", () => {
    expect(alarm(orders, "orders-dlq-arrivals")).toMatchObject({
      ...notify,
      evaluation_periods: 2,
      datapoints_to_alarm: 1,
      threshold: 0,
      metric_query: [
        { id: "arrivals", expression: "DIFF(visible)", return_data: true },
        {
          id: "visible",
          return_data: false,
          metric: {
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: queue(orders, "dlq") },
            period: 300,
            stat: "Maximum",
          },
        },
      ],
    });
  });

  test("the article's DLQ alarm is unchanged", () => {
    expect(alarm(orders, "orders-dlq-not-empty")).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      period: 300,
      evaluation_periods: 1,
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "notBreaching",
    });
    expect(alarm(orders, "orders-dlq-not-empty").ok_actions).toBeUndefined();
  });

  test.each<[string, TestWorkerProps["monitoring"], string]>([
    ["backlog age", { backlogAgeSeconds: false }, "orders-backlog-age"],
    ["errors", { maxFailedInvocations: false }, "orders-errors"],
    ["throttles", { throttlesAlarm: false }, "orders-throttles"],
    ["DLQ arrivals", { deadLetterArrivalsAlarm: false }, "orders-dlq-arrivals"],
  ])("turning the %s alarm off removes exactly that alarm", (_, monitoring, removed) => {
    const json = synthService("orders", { monitoring });
    expect(alarmNames(json)).toEqual(alarmNames(orders).filter((name) => name !== removed));
  });

  test("the alarms' period is settable", () => {
    const json = synthService("orders", { monitoring: { periodSeconds: 60 } });
    for (const name of ["orders-backlog-age", "orders-errors", "orders-throttles"])
      expect(alarm(json, name).period).toBe(60);
  });
});

describe("the event source mapping", () => {
  test("publishes its event counts (metrics_config EventCount)", () => {
    expect(resources(orders, "aws_lambda_event_source_mapping")[0].metrics_config).toEqual({ metrics: ["EventCount"] });
  });
});

describe("the dashboard", () => {
  type Widget = {
    width: number;
    properties: {
      title: string;
      metrics: unknown[][];
      region: string;
      annotations?: { horizontal: { label: string; value: number }[] };
    };
  };
  const bodyOf = (json: TerraformJson) =>
    JSON.parse(resources(json, "aws_cloudwatch_dashboard")[0].dashboard_body as string) as { widgets: Widget[] };
  const body = bodyOf(orders);
  const byTitle = (title: string) => body.widgets.find((w) => w.properties.title === title)!;
  const esm = `\${${resourceWhere(orders, "aws_lambda_event_source_mapping", "function_name", `\${${resourceWhere(orders, "aws_lambda_function", "function_name", "orders-worker").address}.arn}`).address}.uuid}`;

  test("is named <service>-worker, its body JSON text with Terraform references only where values are known at apply", () => {
    expect(resources(orders, "aws_cloudwatch_dashboard")[0].dashboard_name).toBe("orders-worker");
    expect(body.widgets.map((w) => w.properties.title)).toEqual([
      "Queue depth",
      "Age of the oldest message (s)",
      "Dead-letter queue depth",
      "Invocations, errors, throttles",
      "Duration (ms)",
      "Concurrent executions",
      "Event source mapping: events",
    ]);
    for (const w of body.widgets)
      expect(w.properties.region).toMatch(/^\$\{data\.aws_region\.Worker_Region_[0-9A-F]{8}\.name\}$/);
  });

  test("draws the construct's own names and limits", () => {
    expect(byTitle("Queue depth").properties.metrics.map((m) => [m[1], m[3]])).toEqual([
      ["ApproximateNumberOfMessagesVisible", "orders-queue"],
      ["ApproximateNumberOfMessagesNotVisible", "orders-queue"],
    ]);
    expect(byTitle("Age of the oldest message (s)").properties.annotations).toEqual({
      horizontal: [{ label: "backlog-age alarm", value: 600 }],
    });
    expect(byTitle("Dead-letter queue depth").properties.metrics[0][3]).toBe("orders-dlq");
    expect(byTitle("Invocations, errors, throttles").properties.metrics.map((m) => [m[1], m[3]])).toEqual([
      ["Invocations", "orders-worker"],
      ["Errors", "orders-worker"],
      ["Throttles", "orders-worker"],
    ]);
    expect(byTitle("Duration (ms)").properties.metrics.map((m) => m[4])).toEqual([{ stat: "p50" }, { stat: "p99" }]);
    expect(byTitle("Duration (ms)").properties.annotations).toEqual({
      horizontal: [{ label: "timeout", value: 50_000 }],
    });
    expect(byTitle("Concurrent executions").properties.annotations).toEqual({
      horizontal: [{ label: "maximum concurrency", value: 10 }],
    });
    const events = byTitle("Event source mapping: events");
    expect(events.width).toBe(24);
    expect(events.properties.metrics.map((m) => [m[1], m[2], m[3]])).toEqual(
      ["PolledEventCount", "FilteredOutEventCount", "FailedInvokeEventCount", "DroppedEventCount"].map((metric) => [
        metric,
        "EventSourceMappingUUID",
        esm,
      ]),
    );
  });

  test("can be turned off, and leaves out limits that are not set", () => {
    expect(resources(synthService("orders", { monitoring: { dashboard: false } }), "aws_cloudwatch_dashboard")).toEqual(
      [],
    );
    const uncapped = bodyOf(
      synthService("orders", {
        eventSource: { maximumConcurrency: false },
        deadLetterQueue: { maxReceiveCount: 5 },
        monitoring: { backlogAgeSeconds: false },
      }),
    );
    expect(uncapped.widgets.filter((w) => w.properties.annotations).map((w) => w.properties.title)).toEqual([
      "Duration (ms)",
    ]);
  });
});

describe("one list of health alarms", () => {
  test("the alarm table has one row per health alarm name the registry and the DLQ tool read", () => {
    expect(HEALTH_ALARMS.map((row) => row.key).sort()).toEqual([...HEALTH_ALARM_NAME_KEYS].sort());
  });

  test("every alarm a worker creates is in alarmNamesOf, so the name registry and `dlq status` see it", () => {
    const json = synthService("orders");
    const created = resources(json, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.alarm_name);
    expect([...created].sort()).toEqual(alarmNamesOf(deriveNames("orders")).sort());
  });
});
