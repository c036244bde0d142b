import { isUnresolved } from "./tokens";

/**
 * Props that moved to a clearer name. The old path keeps working, with a synth warning naming the
 * replacement; giving both is a config error. Validation messages name the path the user wrote.
 *
 * The `alarm` group configured the dead-letter queue alarm, but its `topicArn` feeds every alarm
 * of the worker: the topic moved to the top level, the DLQ alarm's settings to `deadLetterQueue`.
 */

/** One renamed prop: its deprecated path and the path that replaces it. */
export interface RenamedProp {
  readonly path: string;
  readonly replacement: string;
}

/** A renamed prop a configuration gives under its deprecated path. */
export type RenamedPropUse = RenamedProp;

/** Every renamed prop, deprecated path → replacement. */
export const RENAMED_PROPS: readonly RenamedProp[] = [
  { path: "alarm.topicArn", replacement: "alarmTopicArn" },
  { path: "alarm.periodSeconds", replacement: "deadLetterQueue.alarmPeriodSeconds" },
  { path: "alarm.evaluationPeriods", replacement: "deadLetterQueue.alarmEvaluationPeriods" },
];

/** The value at a prop path (`serviceName`, `queue.fifo`) of a props object; undefined when absent. */
export function valueAt(props: unknown, path: string): unknown {
  let value: unknown = props;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null || isUnresolved(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The renamed props `props` give under their deprecated path, in table order. */
export function renamedPropsUsed(props: unknown): RenamedPropUse[] {
  return RENAMED_PROPS.filter((r) => valueAt(props, r.path) !== undefined);
}

/** One setting given both under its deprecated path and its replacement: a config error naming both. */
export function renamedPropConflicts(
  props: unknown,
): { path: string; deprecatedPath: string; given: unknown; deprecatedGiven: unknown }[] {
  return RENAMED_PROPS.filter(
    (r) => valueAt(props, r.path) !== undefined && valueAt(props, r.replacement) !== undefined,
  ).map((r) => ({
    path: r.replacement,
    deprecatedPath: r.path,
    given: valueAt(props, r.replacement),
    deprecatedGiven: valueAt(props, r.path),
  }));
}

/**
 * `text` (a rule's path, rule or given value, an advice message) with each replacement path
 * written as the deprecated path the configuration used, so that a message names what the user
 * wrote.
 */
export function asWritten(text: string, used: readonly RenamedProp[]): string {
  return used.reduce(
    (result, r) => result.replace(new RegExp(`(?<![\\w.])${r.replacement.replace(/\./g, "\\.")}(?!\\w)`, "g"), r.path),
    text,
  );
}

/** The path of `replacement` as the configuration wrote it: the deprecated path when it used that. */
export function writtenPath(replacement: string, used: readonly RenamedProp[]): string {
  return used.find((r) => r.replacement === replacement)?.path ?? replacement;
}
