import { App, Testing, TerraformStack } from "cdktf";
import { collectWarnings, SqsWorker, synthAndReport, WORKER_ADVICE, addServiceStacks } from "../modules/internal";
import { withEntry, type TestWorkerProps } from "./helpers/props";
import { makeTempDir, removeDir } from "./helpers/synth";
import { fixedBoundProvider, useBoundProviderSource } from "../modules/sqs-worker/bound-provider";

/** {@link warningsFor} as if the installed bindings targeted hashicorp/aws `awsVersion`. */
function warningsWith(awsVersion: string, props: TestWorkerProps): string[] {
  const restore = useBoundProviderSource(fixedBoundProvider(awsVersion));
  try {
    return warningsFor(props);
  } finally {
    restore();
  }
}

const POLLERS = { minimum: 2, maximum: 20 };

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";

/** The warning annotations a worker with `props` gets at synth. */
function warningsFor(props: TestWorkerProps): string[] {
  const app = Testing.app();
  new SqsWorker(new TerraformStack(app, "test"), "Worker", {
    serviceName: "orders",
    ...withEntry(props),
    alarmTopicArn: TOPIC,
  });
  return collectWarnings(app).map((w) => w.message);
}

describe("synth warnings for AWS's recommendations", () => {
  test("none for the defaults or the article's configuration", () => {
    expect(warningsFor({})).toEqual([]);
    expect(warningsFor({ lambda: { timeoutSeconds: 50 } })).toEqual([]);
  });

  test("a visibility timeout below 6 × timeout + batching window, naming the value to use", () => {
    expect(warningsFor({ lambda: { timeoutSeconds: 50 }, queue: { visibilityTimeoutSeconds: 299 } })).toEqual([
      "orders: queue.visibilityTimeoutSeconds 299 is below AWS's advice of 6 × lambda.timeoutSeconds + eventSource.maximumBatchingWindowSeconds = 300: a batch retried after a throttle or an error can reappear while it is still running. Set it to 300 or remove the prop to get that default. [visibility-below-six-times-timeout]",
    ]);
    expect(warningsFor({ lambda: { timeoutSeconds: 50 }, queue: { visibilityTimeoutSeconds: 300 } })).toEqual([]);
    expect(
      warningsFor({
        lambda: { timeoutSeconds: 50 },
        eventSource: { maximumBatchingWindowSeconds: 5 },
        queue: { visibilityTimeoutSeconds: 304 },
      })[0],
    ).toContain("= 305");
  });

  test("the 6× advice is capped at the SQS maximum of 43200 s", () => {
    expect(warningsFor({ lambda: { timeoutSeconds: 900 }, queue: { visibilityTimeoutSeconds: 43_200 } })).toEqual([]);
  });

  test("maxReceiveCount below 5 only when maximum concurrency is removed", () => {
    expect(warningsFor({ eventSource: { maximumConcurrency: false } })).toEqual([
      expect.stringContaining("[max-receive-count-below-five-without-concurrency-cap]"),
    ]);
    expect(
      warningsFor({ eventSource: { maximumConcurrency: false }, deadLetterQueue: { maxReceiveCount: 5 } }),
    ).toEqual([]);
    expect(warningsFor({ deadLetterQueue: { maxReceiveCount: 3 } })).toEqual([]);
  });

  test("reserved concurrency below maximum concurrency", () => {
    expect(warningsFor({ lambda: { reservedConcurrency: 9 } })).toEqual([
      "orders: lambda.reservedConcurrency 9 is below eventSource.maximumConcurrency 10: the mapping starts more invocations than the function may run, they are throttled and each throttled receive counts toward maxReceiveCount. Set reservedConcurrency to at least maximumConcurrency, or lower maximumConcurrency to 9. [reserved-concurrency-below-maximum-concurrency]",
    ]);
    expect(warningsFor({ lambda: { reservedConcurrency: 10 } })).toEqual([]);
  });

  test("a dead-letter queue retention not above the source's on a standard queue, not on FIFO", () => {
    const equal = {
      queue: { messageRetentionSeconds: 1_209_600 },
      deadLetterQueue: { messageRetentionSeconds: 1_209_600 },
    };
    expect(warningsFor(equal)).toEqual([expect.stringContaining("[dlq-retention-not-above-source-retention]")]);
    expect(warningsFor({ ...equal, queue: { ...equal.queue, fifo: true } })).toEqual([]);
    expect(
      warningsFor({
        queue: { messageRetentionSeconds: 1_209_599 },
        deadLetterQueue: { messageRetentionSeconds: 1_209_600 },
      }),
    ).toEqual([]);
  });

  test("idempotency records expiring before the queue stops delivering the message", () => {
    expect(warningsFor({ idempotency: { expirySeconds: 3600 } })).toEqual([
      "orders: idempotency.expirySeconds 3600 is below queue.messageRetentionSeconds 345600: a message delivered again after its record expired (a failed delete behind a long backlog, a redrive) runs the job again. Remove the prop to keep records as long as the queue keeps messages, or accept the window knowingly. [idempotency-expiry-below-message-retention]",
    ]);
    // The default follows the retention, so it never warns; neither does an expiry at the retention.
    expect(warningsFor({ idempotency: {} })).toEqual([]);
    expect(warningsFor({ queue: { messageRetentionSeconds: 3600 }, idempotency: { expirySeconds: 3600 } })).toEqual([]);
  });

  test("every advice row has a test above that triggers it", () => {
    const triggered = [
      ...warningsFor({ queue: { visibilityTimeoutSeconds: 30 } }),
      ...warningsFor({ eventSource: { maximumConcurrency: false } }),
      ...warningsFor({ lambda: { reservedConcurrency: 1 } }),
      ...warningsFor({ deadLetterQueue: { messageRetentionSeconds: 60 } }),
      ...warningsFor({ deadLetterQueue: { alarmPeriodSeconds: 30 } }),
      ...warningsFor({ alarm: { periodSeconds: 60 } }),
      ...warningsFor({ idempotency: { expirySeconds: 3600 } }),
      ...warningsWith("6.19.0", { lambda: { runtime: "nodejs22.x" } }),
      ...warningsFor({ eventSource: { provisionedPollers: POLLERS } }),
    ].join("\n");
    for (const advice of WORKER_ADVICE) expect(triggered).toContain(`[${advice.id}]`);
  });
});

describe("warnings that depend on the bound provider and on provisioned mode", () => {
  test("nodejs22.x warns with AWS's dates once the provider offers nodejs24.x (6.19), not before", () => {
    expect(warningsWith("6.19.0", { lambda: { runtime: "nodejs22.x" } })).toEqual([
      'orders: lambda.runtime nodejs22.x is deprecated by AWS on 2027-04-30, and from 2027-06-01 no new function can be created on it (a new stage or a replaced function fails at apply). The installed provider accepts nodejs24.x: set lambda.runtime to "nodejs24.x" or remove the prop to get it by default, after testing the worker on Node.js 24. [runtime-nodejs22-deprecated]',
    ]);
    expect(warningsWith("6.18.0", { lambda: { runtime: "nodejs22.x" } })).toEqual([]);
    // The installed 20.1.0 binds 5.100.0: its default (nodejs22.x) does not warn.
    expect(warningsFor({})).toEqual([]);
    // From 6.19 the default is nodejs24.x, which does not warn either.
    expect(warningsWith("6.25.0", {})).toEqual([]);
  });

  test("provisioned pollers warn that the minimum is billed while idle, naming it", () => {
    expect(warningsFor({ eventSource: { provisionedPollers: POLLERS } })).toEqual([
      "orders: eventSource.provisionedPollers keeps 2 event pollers ready, and Lambda bills them (event poller units) all the time, also while the queue is empty. Keep it for sustained high throughput or spikes that must be absorbed in seconds; otherwise remove it: the default mode with eventSource.maximumConcurrency 10 costs nothing while idle. [provisioned-pollers-billed-while-idle]",
    ]);
  });

  test("maxReceiveCount 3 without a concurrency cap does not warn in provisioned mode: the maximum pollers bound the scaling", () => {
    expect(
      warningsFor({ eventSource: { provisionedPollers: POLLERS, maximumConcurrency: false } }).filter((w) =>
        w.includes("max-receive-count"),
      ),
    ).toEqual([]);
  });
});

describe("the alarm period", () => {
  test("warns below 60 s, since SQS publishes its metrics once a minute; 60 is fine", () => {
    expect(warningsFor({ deadLetterQueue: { alarmPeriodSeconds: 30 } })).toEqual([
      "orders: deadLetterQueue.alarmPeriodSeconds 30 is below 60: SQS publishes its metrics once a minute, so the alarm sits in INSUFFICIENT_DATA between datapoints and is billed as a high-resolution alarm. Use 60 or a multiple of it. [alarm-period-below-sqs-metric-period]",
    ]);
    expect(warningsFor({ deadLetterQueue: { alarmPeriodSeconds: 60 } })).toEqual([]);
  });

  test("given under its deprecated name alarm.periodSeconds, the warning names that path, and a second one its replacement", () => {
    expect(warningsFor({ alarm: { periodSeconds: 30 } })).toEqual([
      "orders: alarm.periodSeconds 30 is below 60: SQS publishes its metrics once a minute, so the alarm sits in INSUFFICIENT_DATA between datapoints and is billed as a high-resolution alarm. Use 60 or a multiple of it. [alarm-period-below-sqs-metric-period]",
      "orders: alarm.periodSeconds is deprecated: write deadLetterQueue.alarmPeriodSeconds instead (same settings, same resources). [deprecated-prop]",
    ]);
  });
});

describe("npm run synth", () => {
  test("prints each warning with the construct path", () => {
    const outdir = makeTempDir("warn");
    try {
      const app = new App({ outdir });
      addServiceStacks(
        app,
        { slow: withEntry({ lambda: { timeoutSeconds: 60 }, queue: { visibilityTimeoutSeconds: 60 } }) },
        { region: "us-east-1", backend: { kind: "local" } },
      );
      const lines: string[] = [];
      synthAndReport(app, (line) => lines.push(line));
      expect(lines).toEqual([
        expect.stringMatching(/^WARNING \[slow\/Worker\] slow: queue\.visibilityTimeoutSeconds 60 is below/),
      ]);
    } finally {
      removeDir(outdir);
    }
  });
});
