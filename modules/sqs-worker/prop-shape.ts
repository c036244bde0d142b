import type { IConstruct } from "constructs";
import type { SqsWorkerViolation } from "./config-error";
import type { SqsWorkerProps, WorkerProvisionedPollersProps } from "./props";
import { renamedPropConflicts } from "./renamed-props";
import { isUnresolved, serviceLabel, showValue } from "./tokens";

/**
 * The shape of {@link SqsWorkerProps} as a JavaScript caller (or a cast) can break it: which
 * props exist and what type each has. TypeScript checks this for TypeScript callers; this table
 * checks it at synth for everyone, before defaults or range rules read a value, so a typo such
 * as `queue.visibilityTimeout` is refused (naming the prop that was probably meant) instead of
 * silently falling back to a default.
 */

/** The JavaScript type a prop must have. */
export type PropKind = "string" | "number" | "boolean" | "string map" | "number or false" | "pollers";

/** The {@link PropKind} of a prop's TypeScript type; `never` for a type no kind describes. */
type KindOf<T> = [T] extends [boolean]
  ? "boolean"
  : [T] extends [number]
    ? "number"
    : [T] extends [number | false]
      ? "number or false"
      : [T] extends [string]
        ? "string"
        : [T] extends [WorkerProvisionedPollersProps]
          ? "pollers"
          : [T] extends [Readonly<Record<string, string>>]
            ? "string map"
            : never;

/** The top-level props of `P` that are values, not groups (`serviceName`, `alarmTopicArn`). */
export type TopLevelProp<P = SqsWorkerProps> = {
  [K in keyof P]-?: NonNullable<P[K]> extends object ? never : K;
}[keyof P];

/** The top-level props of `P` that are groups of props (`lambda`, `queue`...). */
export type PropGroup<P = SqsWorkerProps> = Exclude<keyof P, TopLevelProp<P>>;

/** Every prop path of `P`, such as `"serviceName"` or `"queue.fifo"`: one per row of {@link PROP_SHAPE}. */
export type PropPath<P = SqsWorkerProps> =
  | (TopLevelProp<P> & string)
  | { [G in PropGroup<P>]-?: `${G & string}.${keyof NonNullable<P[G]> & string}` }[PropGroup<P>];

/** A group's rows: every prop of `P`, each with the kind its type has. */
type ShapeRows<P> = { readonly [K in keyof P]-?: KindOf<NonNullable<P[K]>> };

/**
 * The type of the shape table, derived from the props interfaces: a prop added to an interface
 * without its row, a row for a prop no interface has, or a row whose kind is not the prop's
 * type fails `tsc` (see __tests__/prop-shape-types.test.ts).
 */
export type PropShapeTable<P = SqsWorkerProps> = { readonly "": ShapeRows<Pick<P, TopLevelProp<P>>> } & {
  readonly [G in PropGroup<P>]-?: ShapeRows<NonNullable<P[G]>>;
};

/** The keys of a `"pollers"` prop (eventSource.provisionedPollers), both required numbers. */
export const POLLER_KEYS = ["minimum", "maximum"] as const;

/** Every prop of SqsWorkerProps by group (`""` for the top level), typed against the interfaces. */
export const PROP_SHAPE_ROWS = {
  "": { serviceName: "string", namePrefix: "string", alarmTopicArn: "string" },
  lambda: {
    entry: "string",
    timeoutSeconds: "number",
    memorySizeMb: "number",
    runtime: "string",
    architecture: "string",
    environment: "string map",
    logRetentionDays: "number",
    reservedConcurrency: "number",
    tracing: "string",
  },
  queue: {
    visibilityTimeoutSeconds: "number",
    messageRetentionSeconds: "number",
    delaySeconds: "number",
    receiveWaitTimeSeconds: "number",
    fifo: "boolean",
    contentBasedDeduplication: "boolean",
    kmsKeyArn: "string",
    maximumMessageBytes: "number",
  },
  deadLetterQueue: {
    maxReceiveCount: "number",
    messageRetentionSeconds: "number",
    operatorPolicy: "boolean",
    alarmPeriodSeconds: "number",
    alarmEvaluationPeriods: "number",
  },
  eventSource: {
    batchSize: "number",
    maximumBatchingWindowSeconds: "number",
    maximumConcurrency: "number or false",
    provisionedPollers: "pollers",
  },
  alarm: { topicArn: "string", periodSeconds: "number", evaluationPeriods: "number" },
  monitoring: {
    backlogAgeSeconds: "number or false",
    maxFailedInvocations: "number or false",
    throttlesAlarm: "boolean",
    deadLetterArrivalsAlarm: "boolean",
    periodSeconds: "number",
    dashboard: "boolean",
  },
  idempotency: { expirySeconds: "number" },
} as const satisfies PropShapeTable;

/** {@link PROP_SHAPE_ROWS} looked up by any string, as the checks read a caller's keys. */
export const PROP_SHAPE: Readonly<Record<string, Readonly<Record<string, PropKind>>>> = PROP_SHAPE_ROWS;

/**
 * Help for a group's likely mistakes, beyond "not a prop" and "must be an object": the group
 * given as something else than an object, and unknown keys matching a pattern (checked before
 * the "did you mean" search).
 */
const GROUP_HINTS: Readonly<
  Record<
    string,
    { readonly notAnObject?: string; readonly unknownKey?: { readonly pattern: RegExp; readonly rule: string } }
  >
> = {
  idempotency: {
    notAnObject: " (`idempotency: {}` turns it on with the defaults; leave it out for off)",
    // The key function is code that runs in Lambda, so it cannot be a construct prop.
    unknownKey: {
      pattern: /key/i,
      rule: "is not a prop of SqsWorker: an idempotency key is a function of the message, so it goes in the worker file: makeHandler(fn, { idempotencyKey: (message) => ... })",
    },
  },
};

/** How a kind reads in "must be ..." when "a <kind>" would not say it. */
const KIND_WORDING: Partial<Record<PropKind, string>> = {
  "string map": "an object literal of strings (a Map or a class instance would reach Lambda empty)",
  pollers: "an object { minimum, maximum } of two numbers (the minimum and maximum event pollers), with no other keys",
};

/** Every prop path, such as `queue.fifo`. */
export const PROP_PATHS: readonly string[] = Object.entries(PROP_SHAPE).flatMap(([group, props]) =>
  Object.keys(props).map((prop) => (group ? `${group}.${prop}` : prop)),
);

/** The groups of props: the top-level props that are objects. */
const GROUPS = Object.keys(PROP_SHAPE).filter((group) => group !== "");

/** An object whose keys are props: not an array, and not a token (whose keys are cdktf's, not the caller's). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnresolved(value);
}

/**
 * True when `value` has the kind. A token passes whatever its kind: only Terraform knows its
 * type, and whether the prop may be an expression at all is decided after this check
 * (synth-time-props.ts), with a reason, together with the rule table's findings.
 */
function hasKind(value: unknown, kind: PropKind): boolean {
  if (isUnresolved(value)) return true;
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && !Number.isNaN(value);
    case "boolean":
      return typeof value === "boolean";
    case "number or false":
      return value === false || (typeof value === "number" && !Number.isNaN(value));
    case "string map":
      return isObjectLiteral(value);
    case "pollers":
      return (
        isObjectLiteral(value) &&
        Object.keys(value).every((key) => (POLLER_KEYS as readonly string[]).includes(key)) &&
        POLLER_KEYS.every(
          (key) => isUnresolved(value[key]) || (typeof value[key] === "number" && !Number.isNaN(value[key])),
        )
      );
  }
}

/**
 * True for an object written as a literal (`{ STAGE: "dev" }`, or `Object.create(null)`): its
 * prototype is Object's or none. A Map keeps its entries out of reach of property reads, and a
 * class instance keeps its getters on a prototype where they are not enumerable, so either would
 * reach Lambda as an empty environment without a word.
 */
export function isObjectLiteral(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Edit distance between two strings (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * The prop path a caller probably meant by `key` in `group`: the same name in another group
 * (`lambda.visibilityTimeoutSeconds` → `queue.visibilityTimeoutSeconds`), a name it begins or
 * ends (`visibilityTimeout` → `visibilityTimeoutSeconds`), or one a few edits away; none when
 * nothing is close.
 */
export function closestProp(group: string, key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: { path: string; score: number } | undefined;
  for (const path of PROP_PATHS) {
    const [candidateGroup, name] = path.includes(".") ? path.split(".") : ["", path];
    const candidate = name.toLowerCase();
    let score: number;
    if (candidate === lower) score = 0;
    else if (candidate.startsWith(lower) || lower.startsWith(candidate)) score = 1;
    else score = 1 + distance(lower, candidate);
    if (candidateGroup !== group) score += 1; // same name elsewhere is likely; a near name elsewhere less so
    const limit = Math.max(2, Math.floor(name.length / 3)) + 1;
    if (score <= limit && (!best || score < best.score)) best = { path, score };
  }
  return best?.path;
}

/**
 * Every shape problem of `props` (unknown keys, wrong types, missing required props), one per
 * prop, in prop order. Empty when the shape is right; the range rules come after.
 */
export function findShapeViolations(props: unknown, scope?: IConstruct): SqsWorkerViolation[] {
  const violation = (path: string, rule: string, given: unknown): SqsWorkerViolation => ({
    serviceName: serviceLabel(isPlainObject(props) ? props.serviceName : undefined, scope),
    path,
    rule,
    given: showValue(given, scope),
  });
  if (!isPlainObject(props)) return [violation("props", "must be an object", props)];

  const violations: SqsWorkerViolation[] = [];
  const checkGroup = (group: string, values: Record<string, unknown>) => {
    const shape = PROP_SHAPE[group];
    for (const [key, value] of Object.entries(values)) {
      const path = group ? `${group}.${key}` : key;
      if (group === "" && GROUPS.includes(key)) continue;
      const kind = shape[key];
      const keyHint = GROUP_HINTS[group]?.unknownKey;
      if (!kind && keyHint?.pattern.test(key)) {
        violations.push(violation(path, keyHint.rule, value));
      } else if (!kind) {
        const meant = closestProp(group, key);
        violations.push(violation(path, `is not a prop of SqsWorker${meant ? `; did you mean ${meant}?` : ""}`, value));
      } else if (value !== undefined && !hasKind(value, kind)) {
        violations.push(violation(path, `must be ${KIND_WORDING[kind] ?? `a ${kind}`}`, value));
      }
    }
  };

  if (props.serviceName === undefined)
    violations.push(violation("serviceName", "is required: every AWS name derives from it", undefined));
  checkGroup("", props);
  for (const group of GROUPS) {
    const values = props[group];
    if (values === undefined || isUnresolved(values)) continue; // a token group: see synth-time-props.ts
    if (!isPlainObject(values))
      violations.push(violation(group, `must be an object${GROUP_HINTS[group]?.notAnObject ?? ""}`, values));
    else checkGroup(group, values);
  }
  if (lacksAlarmTopic(props))
    violations.push(violation("alarmTopicArn", "is required: the SNS topic every alarm notifies", undefined));
  for (const c of renamedPropConflicts(props)) {
    // Both values, so the user sees which one the worker would have used.
    const rule = `cannot be given together with its deprecated name ${c.deprecatedPath} (given ${showValue(c.deprecatedGiven, scope)}): keep ${c.path} and remove ${c.deprecatedPath}`;
    violations.push(violation(c.path, rule, c.given));
  }
  return violations;
}

/**
 * True when `props` name no alarm topic, neither as `alarmTopicArn` nor as the deprecated
 * `alarm.topicArn`. An `alarm` group that is a token or not an object is reported on its own.
 */
function lacksAlarmTopic(props: Record<string, unknown>): boolean {
  if (props.alarmTopicArn !== undefined) return false;
  if (props.alarm === undefined) return true;
  return isPlainObject(props.alarm) && props.alarm.topicArn === undefined;
}
