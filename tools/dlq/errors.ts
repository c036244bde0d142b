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

/** SQS's message move task: the calls of a native redrive and of `cancel`, which the emulator (moto) lacks. */
const MOVE_TASK_CALLS = ["StartMessageMoveTask", "ListMessageMoveTasks", "CancelMessageMoveTask"];

/** Error names an endpoint answers a call it does not know with (AWS, LocalStack, ElasticMQ and the like). */
const UNKNOWN_CALL_ERRORS =
  /^(UnknownOperation(Exception)?|InvalidAction|UnsupportedOperation|NotImplemented(Exception)?)$/;

/**
 * When `error` says the endpoint does not implement the call (not an AWS answer): an HTTP error
 * whose body the SDK could not parse (moto answers an unknown SQS action with an HTML page, HTTP
 * 500: "Unexpected token '<' ... Deserialization error"), or an unknown-operation error. The
 * gateway errors 502 to 504 are left alone: they say the endpoint is away, not that it lacks the call.
 */
function unsupportedCall(error: unknown): { status?: number } | undefined {
  const e = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string> };
  };
  const status = e?.$metadata?.httpStatusCode;
  if (UNKNOWN_CALL_ERRORS.test(e?.name ?? "")) return { status };
  if (status === undefined || status < 400 || (status >= 502 && status <= 504)) return undefined;
  const contentType = e.$response?.headers?.["content-type"] ?? "";
  const unparsable =
    e.name === "SyntaxError" || /Deserialization error/.test(e.message ?? "") || /text\/html/i.test(contentType);
  return unparsable ? { status } : undefined;
}

/**
 * The failed call's name: given by the caller, else from the request's `X-Amz-Target` header (the
 * SDK's JSON protocol; Node keeps the request on the response body the error carries as
 * `$response`), else named in the error's message. The SDK's errors do not name the call otherwise.
 */
function failedCallName(error: unknown, operation: string | undefined): string | undefined {
  if (operation) return operation.replace(/Command$/, "");
  const request = (error as { $response?: { body?: { req?: { getHeader?: (name: string) => unknown } } } } | undefined)
    ?.$response?.body?.req;
  const target = typeof request?.getHeader === "function" ? request.getHeader("x-amz-target") : undefined;
  if (typeof target === "string" && /^\w+\.\w+$/.test(target)) return target.split(".")[1];
  const message = (error as { message?: string } | undefined)?.message ?? "";
  return MOVE_TASK_CALLS.find((call) => message.includes(call));
}

/**
 * Maps AWS SDK errors to one-line, actionable {@link DlqError}s. `operation`, when the caller
 * knows it (else taken from the error), names the call an endpoint lacks.
 */
export function explainAwsError(error: unknown, what: string, operation?: string): Error {
  const e = error as { name?: string; message?: string };
  if (e.name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message ?? "")) {
    return new DlqError(
      "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      EXIT.config,
    );
  }
  if (isMissingQueue(error)) {
    return new DlqError(`${what} does not exist: check the service name, --region and --queue-url`, EXIT.config);
  }
  const code =
    (error as { code?: string }).code ??
    e.message?.match(/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/)?.[1];
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/.test(code)) {
    return new DlqError(
      `cannot reach the AWS endpoint (${code}): check --endpoint-url or AWS_ENDPOINT_URL (is the emulator running?), --region, and the network`,
      EXIT.config,
    );
  }
  const unsupported = unsupportedCall(error);
  if (unsupported) {
    const call = failedCallName(error, operation);
    const answered = `it answered HTTP ${unsupported.status ?? "error"}${e.name === "SyntaxError" ? " with a page that is not an AWS answer" : ""}`;
    if (call === undefined) {
      return new DlqError(
        `the endpoint does not support a call the tool made (${answered}); if it is the emulator, it lacks SQS's message move task (${MOVE_TASK_CALLS.join(", ")}): use redrive --client-side`,
        EXIT.config,
      );
    }
    if (MOVE_TASK_CALLS.includes(call)) {
      return new DlqError(
        `the endpoint does not support ${call} (SQS's message move task; the emulator lacks it): use redrive --client-side`,
        EXIT.config,
      );
    }
    return new DlqError(
      `the endpoint does not support ${call} (${answered}): check --endpoint-url and AWS_ENDPOINT_URL`,
      EXIT.config,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
