import { isMissingQueue } from "../shared/aws-errors";

/**
 * Exit codes of `npm run dlq` (documented in the README's runbook).
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Credentials missing, unknown service or queue, region mismatch. */
  config: 3,
  /** The dead-letter queue is empty: nothing to redrive or purge. */
  empty: 4,
  /** A redrive (message move task) is already running for this DLQ. */
  busy: 5,
  /** Purge declined, or refused without --yes when not attached to a terminal. */
  refused: 6,
  /** A redrive ended without moving everything it set out to move (failed copies, a failed or cancelled task). */
  incomplete: 7,
  /** cancel: no redrive is running. */
  nothingRunning: 8,
  /** AWS did not answer within the tool's timeouts and retries: it gave up (the summary says what was done). */
  timeout: 9,
  /** Stopped by Ctrl-C (SIGINT), after releasing what it held and printing the summary. */
  interrupted: 130,
} as const;

/** An error the CLI reports as one line, with what to do, and an exit code. */
export class DlqError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number,
  ) {
    super(message);
    this.name = "DlqError";
  }
}

/** Maps AWS SDK errors to one-line, actionable {@link DlqError}s. */
export function explainAwsError(error: unknown, what: string): Error {
  const e = error as { name?: string; message?: string };
  if (e.name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message ?? "")) {
    return new DlqError("no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", EXIT.config);
  }
  if (isMissingQueue(error)) {
    return new DlqError(`${what} does not exist: check the service name, --region and --queue-url`, EXIT.config);
  }
  return error instanceof Error ? error : new Error(String(error));
}
