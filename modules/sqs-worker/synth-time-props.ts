import type { IConstruct } from "constructs";
import type { SqsWorkerViolation } from "./config-error";
import { PROP_SHAPE } from "./prop-shape";
import { isUnresolved, serviceLabel, showValue } from "./tokens";

/**
 * Which props may be Terraform expressions (a variable, another resource's attribute) and which
 * must be known at synth. A prop whose value the construct only passes on to Terraform takes an
 * expression and writes it exactly as given: every number prop, `lambda.architecture`,
 * `queue.kmsKeyArn` and `alarmTopicArn` (the synth-time rules reading them are skipped, never
 * guessed). A prop the construct itself decides something with cannot: it would decide on a
 * placeholder, or drop the value without a word. Those are refused, one line each, saying why.
 */

/** Why each prop that must be known at synth must be, completing "must be known at synth, not a Terraform expression: ...". */
export const SYNTH_TIME_PROPS: Readonly<Record<string, string>> = {
  serviceName:
    "every AWS name derives from it, so the name rules and the check that no two workers of the app create the same names need its value (two workers given the same variable would only collide at apply)",
  namePrefix:
    "it is part of every AWS name, so the name rules and the check that no two workers of the app create the same names need its value",
  "lambda.entry": "the construct bundles this file at synth",
  "lambda.runtime":
    "it decides which runtimes the bound provider must accept, and a value it rejects would fail after review, at validate or apply",
  "lambda.tracing": "it decides whether the worker role gets the X-Ray write actions",
  "lambda.environment":
    "a whole-map expression hides its keys, so the reserved-key, SQS_WORKER_ prefix, guarantee-switch and 4 KB rules could not be checked; write an object literal, whose values may be expressions ({ STAGE: var.stage })",
  "queue.fifo": "it decides the queue names (.fifo), the batch rules and the worker's FIFO handling",
  "queue.contentBasedDeduplication": "it is written only on a FIFO queue and checked against queue.fifo",
  "eventSource.provisionedPollers":
    "it decides the mapping's scaling mode (provisioned pollers or maximum concurrency, which AWS makes exclusive); write { minimum, maximum }, whose values may be expressions",
  "deadLetterQueue.operatorPolicy": "it decides whether the construct creates the <service>-dlq-operator policy",
  "monitoring.throttlesAlarm": "it decides whether the construct creates the <service>-throttles alarm",
  "monitoring.deadLetterArrivalsAlarm": "it decides whether the construct creates the <service>-dlq-arrivals alarm",
  "monitoring.dashboard": "it decides whether the construct creates the <service>-worker dashboard",
};

/** The rule for a group given as a Terraform expression. */
export const GROUP_RULE =
  "must be an object written at synth, not a Terraform expression: the construct reads and checks its props one by one";

/** The rule for an environment key that is a Terraform expression. */
export const ENVIRONMENT_KEY_RULE =
  "keys must be known at synth, not Terraform expressions: Lambda's key pattern, its reserved keys and the guarantee switches are checked by name (values may be expressions)";

/** What {@link checkSynthTimeValues} found. */
export interface SynthTimeCheck {
  /** One per refused value, in prop order. */
  readonly violations: SqsWorkerViolation[];
  /** The prop paths refused: the rule table's findings on them (or under them) would repeat the refusal with a placeholder. */
  readonly refusedPaths: readonly string[];
  /** The props without the refused values (defaults apply instead), for the rule table to check the rest of the configuration. */
  readonly usable: Record<string, unknown>;
}

/** True when `path` is one of `refused` or lies under one (`lambda.entry` under `lambda`). */
export function isRefusedPath(path: string, refused: readonly string[]): boolean {
  return refused.some((r) => path === r || path.startsWith(`${r}.`));
}

/**
 * Every value in `props` (a snapshot whose shape is right) that must be known at synth but is a
 * Terraform expression, and the props without them. Runs after the shape check; its violations
 * are reported together with the rule table's.
 */
export function checkSynthTimeValues(props: Record<string, unknown>, scope?: IConstruct): SynthTimeCheck {
  const service = serviceLabel(props.serviceName, scope);
  const violations: SqsWorkerViolation[] = [];
  const refusedPaths: string[] = [];
  const refuse = (path: string, rule: string, given: unknown) => {
    violations.push({ serviceName: service, path, rule, given: showValue(given, scope) });
    refusedPaths.push(path);
  };
  const usable: Record<string, unknown> = { ...props };

  for (const [group, shape] of Object.entries(PROP_SHAPE)) {
    const values = group ? props[group] : props;
    if (values === undefined) continue;
    if (isUnresolved(values)) {
      refuse(group, GROUP_RULE, values);
      usable[group] = {};
      continue;
    }
    const groupCopy: Record<string, unknown> = { ...(values as Record<string, unknown>) };
    for (const prop of Object.keys(shape)) {
      const path = group ? `${group}.${prop}` : prop;
      const value = groupCopy[prop];
      if (SYNTH_TIME_PROPS[path] && isUnresolved(value)) {
        refuse(path, `must be known at synth, not a Terraform expression: ${SYNTH_TIME_PROPS[path]}`, value);
        delete groupCopy[prop];
      }
    }
    const environment = groupCopy.environment;
    if (group === "lambda" && typeof environment === "object" && environment !== null) {
      const tokenKeys = Object.keys(environment).filter((key) => isUnresolved(key));
      if (tokenKeys.length > 0) {
        violations.push({
          serviceName: service,
          path: "lambda.environment",
          rule: ENVIRONMENT_KEY_RULE,
          given: tokenKeys.map((key) => showValue(key, scope)).join(", "),
        });
        groupCopy.environment = Object.fromEntries(Object.entries(environment).filter(([key]) => !isUnresolved(key)));
      }
    }
    if (group) usable[group] = groupCopy;
    else Object.assign(usable, groupCopy);
  }
  // The rule table still runs on the rest; a refused serviceName is replaced by its label, which
  // the name rules' findings (dropped as refused) are the only ones to read.
  if (refusedPaths.includes("serviceName")) usable.serviceName = service;
  return { violations, refusedPaths, usable };
}
