import {
  FilterLogEventsCommand,
  type CloudWatchLogsClient,
  type FilteredLogEvent,
} from "@aws-sdk/client-cloudwatch-logs";
import { DlqError, EXIT } from "./errors";

/** `15m`, `2h`, `30s`, `1d` as milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
}

/** One log line as printed: UTC time, then the message as the function wrote it. */
export function formatLogEvent(event: FilteredLogEvent): string {
  return `${new Date(event.timestamp ?? 0).toISOString()}  ${(event.message ?? "").trimEnd()}`;
}

/**
 * Prints the worker's log events since `sinceMs` ago, oldest first, every page of them; with
 * `follow`, keeps polling for new events every `pollMs` until `signal` aborts (Ctrl-C).
 * A missing log group (nothing deployed, or the worker never ran) is a one-line error, exit 3.
 */
export async function showLogs(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  options: {
    sinceMs: number;
    follow: boolean;
    out: (line: string) => void;
    pollMs?: number;
    signal?: AbortSignal;
    now?: () => number;
  },
): Promise<number> {
  const now = options.now ?? Date.now;
  const seen = new Set<string>();
  let startTime = now() - options.sinceMs;
  let printed = 0;
  for (;;) {
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await logs.send(new FilterLogEventsCommand({ logGroupName, startTime, nextToken }));
      } catch (error) {
        if ((error as { name?: string }).name === "ResourceNotFoundException") {
          throw new DlqError(
            `no log group ${logGroupName}: the worker is not deployed here, or has never run`,
            EXIT.config,
          );
        }
        throw error;
      }
      for (const event of page.events ?? []) {
        // Polling again from the last timestamp returns that millisecond's events once more.
        if (event.eventId && seen.has(event.eventId)) continue;
        if (event.eventId) seen.add(event.eventId);
        options.out(formatLogEvent(event));
        printed++;
        startTime = Math.max(startTime, event.timestamp ?? startTime);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    if (!options.follow || options.signal?.aborted) return printed;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
    if (options.signal?.aborted) return printed;
  }
}
