/** The AWS names of everything one worker creates, all derived from the service name. */
export interface WorkerNames {
  readonly queue: string;
  readonly deadLetterQueue: string;
  /** The article's alarm: the dead-letter queue holds messages. */
  readonly alarm: string;
  /** The health alarms (see WorkerMonitoringProps), each `<prefix><service>-<what>`. */
  readonly backlogAgeAlarm: string;
  readonly errorsAlarm: string;
  readonly throttlesAlarm: string;
  readonly deadLetterArrivalsAlarm: string;
  /** The CloudWatch dashboard. */
  readonly dashboard: string;
  readonly function: string;
  readonly role: string;
  readonly logGroup: string;
  /** The IAM policy for on-call engineers operating the DLQ. */
  readonly operatorPolicy: string;
  /** The DynamoDB table of idempotency records (created only with `idempotency` on). */
  readonly idempotencyTable: string;
}

/**
 * The fields of {@link WorkerNames} that name a health alarm, in the order an operator reads them
 * (the dead-letter queue's first). The construct's alarm table (health-alarms.ts) has one row per
 * key: a test keeps the two equal, and the name registry and the DLQ tool's status read this list.
 */
export const HEALTH_ALARM_NAME_KEYS = [
  "deadLetterArrivalsAlarm",
  "backlogAgeAlarm",
  "errorsAlarm",
  "throttlesAlarm",
] as const satisfies readonly (keyof WorkerNames)[];

/** One of {@link HEALTH_ALARM_NAME_KEYS}. */
export type HealthAlarmKey = (typeof HEALTH_ALARM_NAME_KEYS)[number];

/** Every alarm name of a worker: the dead-letter queue alarm first, then the health alarms. */
export function alarmNamesOf(names: WorkerNames): string[] {
  return [names.alarm, ...HEALTH_ALARM_NAME_KEYS.map((key) => names[key])];
}

/**
 * Derives every resource name from the service name, the optional name prefix (a stage such
 * as `dev-`) and whether the queues are FIFO. One function, so the construct, the validation
 * and the operator tooling can never disagree about a name.
 */
export function deriveNames(serviceName: string, fifo = false, namePrefix = ""): WorkerNames {
  const base = `${namePrefix}${serviceName}`;
  const functionName = `${base}-worker`;
  // SQS requires FIFO queue names to end in ".fifo".
  const suffix = fifo ? ".fifo" : "";
  return {
    queue: `${base}-queue${suffix}`,
    deadLetterQueue: `${base}-dlq${suffix}`,
    alarm: `${base}-dlq-not-empty`,
    backlogAgeAlarm: `${base}-backlog-age`,
    errorsAlarm: `${base}-errors`,
    throttlesAlarm: `${base}-throttles`,
    deadLetterArrivalsAlarm: `${base}-dlq-arrivals`,
    dashboard: functionName,
    function: functionName,
    role: functionName,
    logGroup: `/aws/lambda/${functionName}`,
    operatorPolicy: `${base}-dlq-operator`,
    idempotencyTable: `${base}-idempotency`,
  };
}

/**
 * The DLQ tool's command line for one worker, as an on-call engineer types it from the app's
 * folder (`npx sqs-worker dlq orders peek`); a prefixed worker (a stage's `dev-`) adds
 * `--name-prefix`, so the line finds the right queues whichever stage paged. Alarm and policy
 * descriptions carry it: they are read in AWS, far from this repository's npm scripts.
 */
export function dlqToolCommand(serviceName: string, namePrefix: string, subcommand: string): string {
  return `npx sqs-worker dlq ${serviceName} ${subcommand}${namePrefix ? ` --name-prefix ${namePrefix}` : ""}`;
}
