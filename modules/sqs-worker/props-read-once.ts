import { PROP_SHAPE, isObjectLiteral } from "./prop-shape";
import { isUnresolved } from "./tokens";

/**
 * The props as plain data, read once. A JavaScript caller's props may be class instances with
 * getters, objects inheriting props from a prototype, or proxies: a getter could return one value
 * to the shape check and another to the build (a `fifo` getter returning `"false"` once and `true`
 * later). The construct therefore reads each prop exactly once, here, the way it would read it
 * (`props.queue.fifo` sees getters and prototype properties alike), and checks and builds from
 * this snapshot only.
 */

/** Keys a caller gave on `source`: own and inherited enumerable keys, then every known prop present (getters on a class prototype are not enumerable). */
function givenKeys(source: object, known: readonly string[]): string[] {
  const keys: string[] = [];
  for (const key in source) keys.push(key);
  for (const key of known) if (key in source && !keys.includes(key)) keys.push(key);
  return keys;
}

/** True for a value whose keys are props to read: an object that is not an array or a token. */
function isGroupLike(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnresolved(value);
}

/** Reads every given key of `source` once into a plain object. */
function readOnce(source: object, known: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of givenKeys(source, known)) copy[key] = (source as Record<string, unknown>)[key];
  return copy;
}

/**
 * A plain, frozen copy of `props`: the top level and each group read once (own, inherited and
 * getter props alike), and `lambda.environment` copied the same way, so that the variables that
 * are checked are the variables that are written. Values that are not objects (a group given as
 * a string, a token) are kept as they are, for the shape and synth-time checks to report.
 */
export function snapshotProps(props: unknown): unknown {
  if (!isGroupLike(props)) return props;
  const groups = Object.keys(PROP_SHAPE).filter((group) => group !== "");
  const top = readOnce(props, [...Object.keys(PROP_SHAPE[""]), ...groups]);
  for (const group of groups) {
    const value = top[group];
    if (!isGroupLike(value)) continue;
    const copy = readOnce(value, Object.keys(PROP_SHAPE[group]));
    // Only a literal is copied: a Map or class instance stays as given, for the shape check to refuse.
    if (group === "lambda" && isObjectLiteral(copy.environment))
      copy.environment = Object.freeze(readOnce(copy.environment, []));
    top[group] = Object.freeze(copy);
  }
  return Object.freeze(top);
}
