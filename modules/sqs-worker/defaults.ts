import * as path from "path";
import { Fn, Op, Token } from "cdktf";
import { boundProvider, type BoundProvider } from "./bound-provider";
import { RANGES } from "./limits";
import { offers } from "./provider-features";
import { isUnresolved } from "./tokens";
import type { SqsWorkerProps, WorkerArchitecture, WorkerRuntime, WorkerTracingMode } from "./props";

/** Long enough for real jobs; Lambda's own default of 3 s is not. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** Enough for JSON work; raise it for CPU-heavy jobs (CPU scales with memory). */
export const DEFAULT_MEMORY_SIZE_MB = 256;
/** The runtime of a worker whose bound provider predates `nodejs24.x` (hashicorp/aws < 6.19). */
export const DEFAULT_RUNTIME: WorkerRuntime = "nodejs22.x";

/**
 * The newest Node.js runtime the bound provider accepts, maintained the longest: `nodejs24.x` from
 * hashicorp/aws 6.19, {@link DEFAULT_RUNTIME} before.
 */
export function defaultRuntime(awsVersion: string): WorkerRuntime {
  return offers(awsVersion, "nodejs24Runtime") ? "nodejs24.x" : DEFAULT_RUNTIME;
}
/** Graviton is cheaper per GB-second and the bundle is plain JavaScript. */
export const DEFAULT_ARCHITECTURE: WorkerArchitecture = "arm64";
/** A year of logs, as CKV_AWS_338 asks. */
export const DEFAULT_LOG_RETENTION_DAYS = 365;
/** Tracing on: CKV_AWS_50 asks for it, and it shows where a slow job spends its time. */
export const DEFAULT_TRACING: WorkerTracingMode = "Active";
/** SQS's own default retention (4 days). */
export const DEFAULT_MESSAGE_RETENTION_SECONDS = 345_600;
/** SQS's default: new messages are visible at once. */
export const DEFAULT_DELAY_SECONDS = 0;
/** SQS's default short polling for receives that do not ask for a wait. */
export const DEFAULT_RECEIVE_WAIT_TIME_SECONDS = 0;
/** The article's value: three tries, then the dead-letter queue. */
export const DEFAULT_MAX_RECEIVE_COUNT = 3;
/** The SQS maximum (14 days): time for a human to look before a message expires. */
export const DEFAULT_DLQ_RETENTION_SECONDS = RANGES["deadLetterQueue.messageRetentionSeconds"].max;
/** The article's batch size; also the FIFO maximum. */
export const DEFAULT_BATCH_SIZE = 10;
/** Invoke as soon as records arrive. */
export const DEFAULT_MAXIMUM_BATCHING_WINDOW_SECONDS = 0;
/** The article's value: caps the worker's load on downstream systems and avoids throttle-burned receives. */
export const DEFAULT_MAXIMUM_CONCURRENCY = 10;
/** The article's alarm period (5 minutes). */
export const DEFAULT_ALARM_PERIOD_SECONDS = 300;
/** Fire on the first period with a message in the dead-letter queue. */
export const DEFAULT_ALARM_EVALUATION_PERIODS = 1;
/** Period of the health alarms: five minutes, the article's alarm period. */
export const DEFAULT_MONITORING_PERIOD_SECONDS = 300;
/** Any failed invocation (a whole failed batch) is worth a look. */
export const DEFAULT_MAX_FAILED_INVOCATIONS = 0;
/** The backlog-age threshold never goes below five minutes, so that a burst does not page. */
export const MIN_BACKLOG_AGE_SECONDS = 300;

/** The largest visibility timeout SQS accepts (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = RANGES["queue.visibilityTimeoutSeconds"].max;

/**
 * AWS's advice for the visibility timeout of a queue that triggers Lambda: six times the
 * function timeout plus the batching window, capped at the SQS maximum. When either input is a
 * Terraform token (a variable), so is the result: the same formula, computed by Terraform.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function defaultVisibilityTimeout(lambdaTimeoutSeconds: number, batchingWindowSeconds: number): number {
  if (isUnresolved(lambdaTimeoutSeconds) || isUnresolved(batchingWindowSeconds)) {
    const sixTimes = Op.mul(6, lambdaTimeoutSeconds);
    // cdktf 0.21 renders a literal 0 operand as "undefined": leave a zero window out.
    const sum = batchingWindowSeconds === 0 ? sixTimes : Op.add(sixTimes, batchingWindowSeconds);
    return Fn.min([Token.asNumber(sum), MAX_VISIBILITY_TIMEOUT_SECONDS]);
  }
  return Math.min(6 * lambdaTimeoutSeconds + batchingWindowSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS);
}

/**
 * The folder relative `lambda.entry` paths resolve against: that of the app's main script
 * (the `main.ts` that `cdktf synth`, `npx ts-node main.ts` or `npm run synth` runs), so an
 * entry means the same file whatever folder the command was started from. Without a main
 * script (a REPL, some test runners) it is the current folder.
 */
export function appDirectory(): string {
  const main = require.main?.filename;
  return main ? path.dirname(main) : process.cwd();
}

/**
 * The absolute path of a worker entry: absolute paths as given, relative ones against
 * {@link appDirectory}. A value that is not a string is passed through for the rule table to
 * report.
 */
export function resolveEntry(entry: unknown, baseDir: string = appDirectory()): unknown {
  return typeof entry === "string" && entry !== "" ? path.resolve(baseDir, entry) : entry;
}

/**
 * The default backlog-age threshold: two visibility timeouts (a message is received at most once
 * per visibility timeout, so one older than two has waited through more than a full retry
 * cycle), at least {@link MIN_BACKLOG_AGE_SECONDS}. A token visibility gives a token threshold.
 */
export function defaultBacklogAgeSeconds(visibilityTimeoutSeconds: number): number {
  if (isUnresolved(visibilityTimeoutSeconds))
    return Fn.max([Token.asNumber(Op.mul(2, visibilityTimeoutSeconds)), MIN_BACKLOG_AGE_SECONDS]);
  return Math.max(2 * visibilityTimeoutSeconds, MIN_BACKLOG_AGE_SECONDS);
}

/** {@link SqsWorkerProps} with every default filled in: what the construct builds from. */
export interface ResolvedSqsWorkerConfig {
  readonly serviceName: string;
  /** The provider bindings the worker is built with, and the hashicorp/aws version they target. */
  readonly provider: BoundProvider;
  /** The region of the stack's AWS provider when the construct can see it (for region rules). */
  readonly stackRegion?: string;
  /** "" when none was given. */
  readonly namePrefix: string;
  readonly lambda: {
    /** The entry as the user gave it (shown in messages). */
    readonly entryGiven: unknown;
    /** The entry's absolute path (see {@link resolveEntry}); not a string only when the given value was not. */
    readonly entry: string;
    readonly timeoutSeconds: number;
    readonly memorySizeMb: number;
    readonly runtime: WorkerRuntime;
    readonly architecture: WorkerArchitecture;
    readonly environment: Readonly<Record<string, string>>;
    readonly logRetentionDays: number;
    readonly reservedConcurrency: number | undefined;
    readonly tracing: WorkerTracingMode;
  };
  readonly queue: {
    readonly visibilityTimeoutSeconds: number;
    readonly messageRetentionSeconds: number;
    readonly delaySeconds: number;
    readonly receiveWaitTimeSeconds: number;
    readonly fifo: boolean;
    readonly contentBasedDeduplication: boolean;
    readonly kmsKeyArn: string | undefined;
    /** `undefined` when not given: SQS's default applies (nothing is written). */
    readonly maximumMessageBytes: number | undefined;
  };
  readonly deadLetterQueue: {
    readonly maxReceiveCount: number;
    readonly messageRetentionSeconds: number;
    /** Always the source queue's type: SQS requires a FIFO queue's DLQ to be FIFO and a standard one's standard. */
    readonly fifo: boolean;
    readonly operatorPolicy: boolean;
  };
  readonly eventSource: {
    readonly batchSize: number;
    readonly maximumBatchingWindowSeconds: number;
    /** `undefined` when the user removed the cap with `false`, or left it out with provisioned pollers. */
    readonly maximumConcurrency: number | undefined;
    /** True when the user wrote `maximumConcurrency` (a number or `false`), false when the default applied. */
    readonly maximumConcurrencyGiven: boolean;
    /** Provisioned mode's pollers; `undefined` in the standard mode. */
    readonly provisionedPollers: { readonly minimum: number; readonly maximum: number } | undefined;
  };
  readonly alarm: {
    readonly topicArn: string;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
  };
  readonly monitoring: {
    /** `undefined` when removed with `false`. */
    readonly backlogAgeSeconds: number | undefined;
    /** `undefined` when removed with `false`. */
    readonly maxFailedInvocations: number | undefined;
    readonly throttlesAlarm: boolean;
    readonly deadLetterArrivalsAlarm: boolean;
    readonly periodSeconds: number;
    readonly dashboard: boolean;
  };
  /** `undefined` when idempotency is off (the prop left out). */
  readonly idempotency: { readonly expirySeconds: number } | undefined;
}

/** Fills in every default of {@link SqsWorkerProps}; derived defaults use the resolved inputs. */
export function resolveSqsWorkerConfig(
  props: SqsWorkerProps,
  stackRegion?: string,
  provider: BoundProvider = boundProvider(),
): ResolvedSqsWorkerConfig {
  const timeoutSeconds = props.lambda?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const maximumBatchingWindowSeconds =
    props.eventSource?.maximumBatchingWindowSeconds ?? DEFAULT_MAXIMUM_BATCHING_WINDOW_SECONDS;
  const maximumConcurrency = props.eventSource?.maximumConcurrency;
  const provisionedPollers = props.eventSource?.provisionedPollers;
  const fifo = props.queue?.fifo ?? false;
  const visibilityTimeoutSeconds =
    props.queue?.visibilityTimeoutSeconds ?? defaultVisibilityTimeout(timeoutSeconds, maximumBatchingWindowSeconds);
  const messageRetentionSeconds = props.queue?.messageRetentionSeconds ?? DEFAULT_MESSAGE_RETENTION_SECONDS;
  return {
    serviceName: props.serviceName,
    provider,
    stackRegion,
    namePrefix: props.namePrefix ?? "",
    lambda: {
      entryGiven: props.lambda?.entry,
      entry: resolveEntry(props.lambda?.entry) as string,
      timeoutSeconds,
      memorySizeMb: props.lambda?.memorySizeMb ?? DEFAULT_MEMORY_SIZE_MB,
      runtime: props.lambda?.runtime ?? defaultRuntime(provider.awsVersion),
      architecture: props.lambda?.architecture ?? DEFAULT_ARCHITECTURE,
      environment: props.lambda?.environment ?? {},
      logRetentionDays: props.lambda?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      reservedConcurrency: props.lambda?.reservedConcurrency,
      tracing: props.lambda?.tracing ?? DEFAULT_TRACING,
    },
    queue: {
      visibilityTimeoutSeconds,
      messageRetentionSeconds,
      delaySeconds: props.queue?.delaySeconds ?? DEFAULT_DELAY_SECONDS,
      receiveWaitTimeSeconds: props.queue?.receiveWaitTimeSeconds ?? DEFAULT_RECEIVE_WAIT_TIME_SECONDS,
      fifo,
      contentBasedDeduplication: props.queue?.contentBasedDeduplication ?? false,
      kmsKeyArn: props.queue?.kmsKeyArn,
      maximumMessageBytes: props.queue?.maximumMessageBytes,
    },
    deadLetterQueue: {
      maxReceiveCount: props.deadLetterQueue?.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      messageRetentionSeconds: props.deadLetterQueue?.messageRetentionSeconds ?? DEFAULT_DLQ_RETENTION_SECONDS,
      fifo,
      operatorPolicy: props.deadLetterQueue?.operatorPolicy ?? true,
    },
    eventSource: {
      batchSize: props.eventSource?.batchSize ?? DEFAULT_BATCH_SIZE,
      maximumBatchingWindowSeconds,
      // Provisioned mode and maximum concurrency are exclusive (AWS): the default cap only
      // applies in the standard mode; a cap the user wrote is kept for the rule to refuse.
      maximumConcurrency:
        maximumConcurrency === false
          ? undefined
          : (maximumConcurrency ?? (provisionedPollers === undefined ? DEFAULT_MAXIMUM_CONCURRENCY : undefined)),
      maximumConcurrencyGiven: maximumConcurrency !== undefined,
      provisionedPollers:
        provisionedPollers === undefined
          ? undefined
          : { minimum: provisionedPollers.minimum, maximum: provisionedPollers.maximum },
    },
    alarm: {
      topicArn: props.alarm.topicArn,
      periodSeconds: props.alarm.periodSeconds ?? DEFAULT_ALARM_PERIOD_SECONDS,
      evaluationPeriods: props.alarm.evaluationPeriods ?? DEFAULT_ALARM_EVALUATION_PERIODS,
    },
    monitoring: {
      backlogAgeSeconds:
        props.monitoring?.backlogAgeSeconds === false
          ? undefined
          : (props.monitoring?.backlogAgeSeconds ?? defaultBacklogAgeSeconds(visibilityTimeoutSeconds)),
      maxFailedInvocations:
        props.monitoring?.maxFailedInvocations === false
          ? undefined
          : (props.monitoring?.maxFailedInvocations ?? DEFAULT_MAX_FAILED_INVOCATIONS),
      throttlesAlarm: props.monitoring?.throttlesAlarm ?? true,
      deadLetterArrivalsAlarm: props.monitoring?.deadLetterArrivalsAlarm ?? true,
      periodSeconds: props.monitoring?.periodSeconds ?? DEFAULT_MONITORING_PERIOD_SECONDS,
      dashboard: props.monitoring?.dashboard ?? true,
    },
    idempotency:
      props.idempotency === undefined
        ? undefined
        : { expirySeconds: props.idempotency.expirySeconds ?? messageRetentionSeconds },
  };
}
