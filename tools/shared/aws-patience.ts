/**
 * How long the tools wait for AWS, and what they say while they wait. Without this the SDK has
 * no request timeout: a stalled endpoint blocks a command silently for as long as it stalls.
 */

/** The tools' timeouts: every AWS call is bounded by `attemptTimeoutMs × maxAttempts` (plus backoff). */
export const PATIENCE = {
  /** Time to open a connection. */
  connectTimeoutMs: 5_000,
  /** Time one attempt may take, from request to complete answer (long polls use at most 20 s of it). */
  attemptTimeoutMs: 60_000,
  /** Attempts per call (the SDK retries timeouts, throttling and 5xx with backoff). */
  maxAttempts: 2,
  /** The first "waiting for" line, then one every `noticeEveryMs`. */
  noticeAfterMs: 5_000,
  noticeEveryMs: 10_000,
} as const;

/** A line printer for "waiting for ..." notices (stderr in the CLIs). */
export type Notice = (line: string) => void;

/** Client configuration to spread into any AWS SDK v3 client: timeouts and bounded retries. */
export function patientClientConfig(options: { readonly maxAttempts?: number } = {}): {
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
  maxAttempts: number;
} {
  return {
    requestHandler: {
      connectionTimeout: PATIENCE.connectTimeoutMs,
      requestTimeout: PATIENCE.attemptTimeoutMs,
      throwOnRequestTimeout: true,
    },
    maxAttempts: options.maxAttempts ?? PATIENCE.maxAttempts,
  };
}

/** The part of an SDK v3 client this module needs: its middleware stack. */
interface WithMiddleware {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      options: { step: "initialize"; name: string },
    ): void;
  };
}

/**
 * Prints `waiting for <service>: <Operation> on <queue> has not answered for N s` while a call of
 * `client` has not answered (after {@link PATIENCE.noticeAfterMs}, then every
 * {@link PATIENCE.noticeEveryMs}), so that a stalled endpoint is never a silent one.
 */
export function announceSlowCalls<C>(
  client: C,
  service: string,
  notice: Notice,
  timing: { afterMs?: number; everyMs?: number } = {},
): C {
  const afterMs = timing.afterMs ?? PATIENCE.noticeAfterMs;
  const everyMs = timing.everyMs ?? PATIENCE.noticeEveryMs;
  (client as unknown as WithMiddleware).middlewareStack.add(
    (next, context) => async (args) => {
      const started = Date.now();
      const target = describeTarget(args.input);
      const say = () =>
        notice(
          `waiting for ${service}: ${context.commandName?.replace(/Command$/, "") ?? "a call"}${target} has not answered for ${Math.round((Date.now() - started) / 1000)} s`,
        );
      let timer: NodeJS.Timeout | undefined = setTimeout(function repeat() {
        say();
        timer = setTimeout(repeat, everyMs);
      }, afterMs);
      try {
        return await next(args);
      } finally {
        clearTimeout(timer);
      }
    },
    { step: "initialize", name: "announceSlowCalls" },
  );
  return client;
}

/** " on <queue, table or log group name>" for a call that names one, else "". */
function describeTarget(input: unknown): string {
  const { QueueUrl, TableName, logGroupName } = (input ?? {}) as {
    QueueUrl?: unknown;
    TableName?: unknown;
    logGroupName?: unknown;
  };
  if (typeof QueueUrl === "string") return ` on ${QueueUrl.split("/").pop()}`;
  const name = [TableName, logGroupName].find((value) => typeof value === "string");
  return name ? ` on ${String(name)}` : "";
}

/** True when an SDK error means AWS did not answer in time (the tool gives up on the call). */
export function isNoAnswer(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string } | undefined;
  return (
    e?.name === "TimeoutError" ||
    e?.code === "ETIMEDOUT" ||
    /timed out|requestTimeout|ECONNRESET|socket hang up|ECONNREFUSED/i.test(e?.message ?? "")
  );
}

/** True when AWS refused a call for its rate (the request was not carried out, so sending it again is safe). */
export function isThrottled(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? "";
  return /Throttl|RequestLimitExceeded|TooManyRequests|SlowDown/i.test(name);
}
