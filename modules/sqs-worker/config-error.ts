/** One broken rule: which service, which prop, which rule, which value. */
export interface SqsWorkerViolation {
  /** The service whose props broke the rule. */
  readonly serviceName: string;
  /** Dotted prop path, as a user writes it: `deadLetterQueue.maxReceiveCount`. */
  readonly path: string;
  /** The rule, worded as what the value must be: `must be an integer from 1 to 1000`. */
  readonly rule: string;
  /** The given value(s), as shown in the message. */
  readonly given: string;
}

/** Formats one violation as the single line the error message shows. */
export function formatViolation(v: SqsWorkerViolation): string {
  return `${v.serviceName}: ${v.path} ${v.rule} (given ${v.given})`;
}

/**
 * Every rule the props of one SqsWorker break, thrown together at synth, before any
 * resource exists: one line per violation.
 */
export class SqsWorkerConfigError extends Error {
  /** The violations, in rule-table order. */
  public readonly violations: readonly SqsWorkerViolation[];

  constructor(violations: readonly SqsWorkerViolation[]) {
    const count = violations.length === 1 ? "1 problem" : `${violations.length} problems`;
    super(
      `Invalid SqsWorker configuration (${count}):\n${violations.map((v) => `  - ${formatViolation(v)}`).join("\n")}`,
    );
    this.name = "SqsWorkerConfigError";
    this.violations = violations;
  }
}
