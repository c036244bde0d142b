import { boundProvider, type BoundProvider } from "./bound-provider";
import {
  DEFAULT_ALARM_EVALUATION_PERIODS,
  DEFAULT_ALARM_PERIOD_SECONDS,
  DEFAULT_ARCHITECTURE,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONTENT_BASED_DEDUPLICATION,
  DEFAULT_DASHBOARD,
  DEFAULT_DEAD_LETTER_ARRIVALS_ALARM,
  DEFAULT_ENVIRONMENT,
  DEFAULT_FIFO,
  DEFAULT_NAME_PREFIX,
  DEFAULT_OPERATOR_POLICY,
  DEFAULT_THROTTLES_ALARM,
  DEFAULT_DELAY_SECONDS,
  DEFAULT_DLQ_RETENTION_SECONDS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_MAX_FAILED_INVOCATIONS,
  DEFAULT_MAX_RECEIVE_COUNT,
  DEFAULT_MAXIMUM_BATCHING_WINDOW_SECONDS,
  DEFAULT_MAXIMUM_CONCURRENCY,
  DEFAULT_MEMORY_SIZE_MB,
  DEFAULT_MESSAGE_RETENTION_SECONDS,
  DEFAULT_MONITORING_PERIOD_SECONDS,
  DEFAULT_RECEIVE_WAIT_TIME_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  DEFAULT_TRACING,
  defaultBacklogAgeSeconds,
  defaultRuntime,
  defaultVisibilityTimeout,
  resolveEntry,
} from "./defaults";
import type { SqsWorkerProps, WorkerArchitecture, WorkerRuntime, WorkerTracingMode } from "./props";
import { renamedPropsUsed, type RenamedPropUse } from "./renamed-props";

/** {@link SqsWorkerProps} with every default filled in: what the construct builds from. */
export interface ResolvedSqsWorkerConfig {
  readonly serviceName: string;
  /** The provider bindings the worker is built with, and the hashicorp/aws version they target. */
  readonly provider: BoundProvider;
  /** The region of the stack's AWS provider when the construct can see it (for region rules). */
  readonly stackRegion?: string;
  /** "" when none was given. */
  readonly namePrefix: string;
  /** The topic every alarm notifies, from `alarmTopicArn` (or the deprecated `alarm.topicArn`). */
  readonly alarmTopicArn: string;
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
    /** The dead-letter queue alarm's period, from `deadLetterQueue.alarmPeriodSeconds` (or the deprecated `alarm.periodSeconds`). */
    readonly alarmPeriodSeconds: number;
    /** Its evaluation periods, from `deadLetterQueue.alarmEvaluationPeriods` (or the deprecated `alarm.evaluationPeriods`). */
    readonly alarmEvaluationPeriods: number;
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
  /** The renamed props given under their deprecated path: messages name those paths, and synth warns. */
  readonly renamedProps: readonly RenamedPropUse[];
}

type Config = ResolvedSqsWorkerConfig;

/**
 * Fills in every default of {@link SqsWorkerProps}; derived defaults use the resolved inputs.
 * Each group is resolved by its own function, in the order the derived defaults need.
 */
export function resolveSqsWorkerConfig(
  props: SqsWorkerProps,
  stackRegion?: string,
  provider: BoundProvider = boundProvider(),
): ResolvedSqsWorkerConfig {
  const lambda = resolveLambda(props, provider);
  const eventSource = resolveEventSource(props);
  const queue = resolveQueue(props, lambda.timeoutSeconds, eventSource.maximumBatchingWindowSeconds);
  return {
    serviceName: props.serviceName,
    provider,
    stackRegion,
    namePrefix: props.namePrefix ?? DEFAULT_NAME_PREFIX,
    lambda,
    queue,
    // The shape check refuses a configuration without a topic before this runs.
    alarmTopicArn: (props.alarmTopicArn ?? props.alarm?.topicArn) as string,
    deadLetterQueue: resolveDeadLetterQueue(props, queue.fifo),
    eventSource,
    monitoring: resolveMonitoring(props, queue.visibilityTimeoutSeconds),
    idempotency:
      props.idempotency === undefined
        ? undefined
        : { expirySeconds: props.idempotency.expirySeconds ?? queue.messageRetentionSeconds },
    renamedProps: renamedPropsUsed(props),
  };
}

/** The function's settings; the runtime defaults to the newest the bound provider accepts. */
function resolveLambda(props: SqsWorkerProps, provider: BoundProvider): Config["lambda"] {
  const lambda = props.lambda;
  return {
    entryGiven: lambda?.entry,
    entry: resolveEntry(lambda?.entry) as string,
    timeoutSeconds: lambda?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    memorySizeMb: lambda?.memorySizeMb ?? DEFAULT_MEMORY_SIZE_MB,
    runtime: lambda?.runtime ?? defaultRuntime(provider.awsVersion),
    architecture: lambda?.architecture ?? DEFAULT_ARCHITECTURE,
    environment: lambda?.environment ?? DEFAULT_ENVIRONMENT,
    logRetentionDays: lambda?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
    reservedConcurrency: lambda?.reservedConcurrency,
    tracing: lambda?.tracing ?? DEFAULT_TRACING,
  };
}

/** The source queue's settings; the visibility timeout derives from the function timeout and the batching window. */
function resolveQueue(
  props: SqsWorkerProps,
  timeoutSeconds: number,
  maximumBatchingWindowSeconds: number,
): Config["queue"] {
  const queue = props.queue;
  return {
    visibilityTimeoutSeconds:
      queue?.visibilityTimeoutSeconds ?? defaultVisibilityTimeout(timeoutSeconds, maximumBatchingWindowSeconds),
    messageRetentionSeconds: queue?.messageRetentionSeconds ?? DEFAULT_MESSAGE_RETENTION_SECONDS,
    delaySeconds: queue?.delaySeconds ?? DEFAULT_DELAY_SECONDS,
    receiveWaitTimeSeconds: queue?.receiveWaitTimeSeconds ?? DEFAULT_RECEIVE_WAIT_TIME_SECONDS,
    fifo: queue?.fifo ?? DEFAULT_FIFO,
    contentBasedDeduplication: queue?.contentBasedDeduplication ?? DEFAULT_CONTENT_BASED_DEDUPLICATION,
    kmsKeyArn: queue?.kmsKeyArn,
    maximumMessageBytes: queue?.maximumMessageBytes,
  };
}

/** The dead-letter queue's settings; its type always follows the source queue's. */
function resolveDeadLetterQueue(props: SqsWorkerProps, fifo: boolean): Config["deadLetterQueue"] {
  const dlq = props.deadLetterQueue;
  return {
    maxReceiveCount: dlq?.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
    messageRetentionSeconds: dlq?.messageRetentionSeconds ?? DEFAULT_DLQ_RETENTION_SECONDS,
    fifo,
    operatorPolicy: dlq?.operatorPolicy ?? DEFAULT_OPERATOR_POLICY,
    // The deprecated `alarm.*` names still count (the shape check refuses both names at once).
    alarmPeriodSeconds: dlq?.alarmPeriodSeconds ?? props.alarm?.periodSeconds ?? DEFAULT_ALARM_PERIOD_SECONDS,
    alarmEvaluationPeriods:
      dlq?.alarmEvaluationPeriods ?? props.alarm?.evaluationPeriods ?? DEFAULT_ALARM_EVALUATION_PERIODS,
  };
}

/** The mapping's settings: the default concurrency cap only in the standard mode. */
function resolveEventSource(props: SqsWorkerProps): Config["eventSource"] {
  const maximumConcurrency = props.eventSource?.maximumConcurrency;
  const provisionedPollers = props.eventSource?.provisionedPollers;
  return {
    batchSize: props.eventSource?.batchSize ?? DEFAULT_BATCH_SIZE,
    maximumBatchingWindowSeconds:
      props.eventSource?.maximumBatchingWindowSeconds ?? DEFAULT_MAXIMUM_BATCHING_WINDOW_SECONDS,
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
  };
}

/** The health alarms' settings; `false` removes an alarm, the backlog-age default derives from the visibility timeout. */
function resolveMonitoring(props: SqsWorkerProps, visibilityTimeoutSeconds: number): Config["monitoring"] {
  const monitoring = props.monitoring;
  return {
    backlogAgeSeconds:
      monitoring?.backlogAgeSeconds === false
        ? undefined
        : (monitoring?.backlogAgeSeconds ?? defaultBacklogAgeSeconds(visibilityTimeoutSeconds)),
    maxFailedInvocations:
      monitoring?.maxFailedInvocations === false
        ? undefined
        : (monitoring?.maxFailedInvocations ?? DEFAULT_MAX_FAILED_INVOCATIONS),
    throttlesAlarm: monitoring?.throttlesAlarm ?? DEFAULT_THROTTLES_ALARM,
    deadLetterArrivalsAlarm: monitoring?.deadLetterArrivalsAlarm ?? DEFAULT_DEAD_LETTER_ARRIVALS_ALARM,
    periodSeconds: monitoring?.periodSeconds ?? DEFAULT_MONITORING_PERIOD_SECONDS,
    dashboard: monitoring?.dashboard ?? DEFAULT_DASHBOARD,
  };
}
