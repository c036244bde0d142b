import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { queueCounters, type QueueCounters } from "../shared/queue-depth";
import { DlqError, EXIT } from "./errors";
import type { WorkerQueues } from "./resolve";
import { inSqsBatches, SQS_BATCH_LIMIT } from "../shared/sqs-batches";

/** The most messages one `peek` shows (`-n` beyond it is a usage error): they are all held invisible until the end. */
export const MAX_PEEK = 1000;

/** How long a peek keeps receiving; the messages it holds stay invisible until then plus {@link RELEASE_MARGIN_SECONDS}. */
export const PEEK_BUDGET_MS = 60_000;

/** Added to each receive's visibility timeout beyond the budget: time to release what the peek holds. */
const RELEASE_MARGIN_SECONDS = 30;

/** Receives in a row that bring nothing new, while the queue still reports visible messages, before a peek gives up. */
const MAX_EMPTY_RECEIVES = 3;

/** The DLQ's counts as GetQueueAttributes reports them (in flight includes what this peek holds). */
export type PeekQueueCounts = QueueCounters;

/** What a peek saw, and why it saw fewer than asked when it did. */
export interface PeekResult {
  readonly messages: Message[];
  /** Undefined when it has what was asked. */
  readonly shortBecause?: "no-more-visible" | "fifo-groups-held" | "empty-receives" | "budget" | "stopped";
  /** The queue's counts when it stopped short (taken while it still held its messages). */
  readonly counts?: PeekQueueCounts;
  /** Messages it could not release (visibility 0): they show again when their visibility timeout ends. */
  readonly unreleased: number;
}

export interface PeekOptions {
  readonly budgetMs?: number;
  readonly maxEmptyReceives?: number;
  readonly fifo?: boolean;
  /** Aborted (Ctrl-C): stop receiving, release, and return what was seen. */
  readonly signal?: AbortSignal;
  /** The clock (tests). */
  readonly now?: () => number;
}

/**
 * Receives up to `max` messages without consuming them. Every message received stays invisible
 * (held by this peek) until it has `max`, or the queue reports no more visible, or receives keep
 * coming back empty, or the time budget ends; then all of them are made visible again at once
 * (visibility 0), also when a call fails on the way. Each message shown has been received once
 * more: its ApproximateReceiveCount went up by one.
 *
 * Receive parameters: 10 per call (the fewest calls), a 1 s long poll (a short poll samples only
 * some of SQS's servers and can come back empty from a queue that holds messages), and a
 * visibility timeout that covers the rest of the budget plus time to release, so that no message
 * comes back while the peek still runs. The queue's counts are read whenever a receive brings
 * fewer than asked, so a queue that holds fewer than `max` costs no empty receive.
 */
export async function peekMessages(
  sqs: SQSClient,
  url: string,
  max: number,
  options: PeekOptions = {},
): Promise<PeekResult> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.budgetMs ?? PEEK_BUDGET_MS);
  const maxEmpty = options.maxEmptyReceives ?? MAX_EMPTY_RECEIVES;
  const held = new Map<string, Message>(); // by message id, in the order received; the latest receipt handle
  let shortBecause: PeekResult["shortBecause"];
  let counts: PeekQueueCounts | undefined;
  let emptyInARow = 0;
  let unreleased: number;
  try {
    while (held.size < max) {
      counts = undefined; // read again for this round if needed: a stale count would explain nothing
      if (options.signal?.aborted) {
        shortBecause = "stopped";
        break;
      }
      const left = deadline - now();
      if (left <= 0) {
        shortBecause = "budget";
        break;
      }
      const { asked, fresh } = await receiveInto(sqs, url, held, max, left);
      emptyInARow = fresh === 0 ? emptyInARow + 1 : 0;
      if (held.size >= max || fresh === asked) continue;
      counts = await queueCounters(sqs, url);
      if (counts.visible === 0) {
        shortBecause = "no-more-visible";
        break;
      }
      if (fresh === 0 && options.fifo) {
        // FIFO: SQS returns no message of a group while one of its messages is in flight (held by this peek or another reader).
        shortBecause = "fifo-groups-held";
        break;
      }
      if (emptyInARow >= maxEmpty) {
        shortBecause = "empty-receives";
        break;
      }
    }
    if (held.size < max && counts === undefined) counts = await queueCounters(sqs, url);
  } finally {
    unreleased = await release(sqs, url, [...held.values()]);
  }
  return {
    messages: [...held.values()],
    shortBecause: held.size < max ? shortBecause : undefined,
    counts: held.size < max ? counts : undefined,
    unreleased,
  };
}

/**
 * One receive into `held`, hiding what it receives for the rest of the budget (`leftMs`) plus
 * time to release; how many messages it asked for and how many of them were new.
 */
async function receiveInto(
  sqs: SQSClient,
  url: string,
  held: Map<string, Message>,
  max: number,
  leftMs: number,
): Promise<{ readonly asked: number; readonly fresh: number }> {
  const asked = Math.min(SQS_BATCH_LIMIT, max - held.size);
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: asked,
      VisibilityTimeout: Math.ceil(leftMs / 1000) + RELEASE_MARGIN_SECONDS,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
  );
  let fresh = 0;
  for (const m of Messages) {
    const before = held.get(m.MessageId!);
    if (before)
      before.ReceiptHandle = m.ReceiptHandle; // received again (its visibility ended): only the new handle releases it
    else if (held.size < max) {
      held.set(m.MessageId!, m);
      fresh++;
    }
  }
  return { asked, fresh };
}

/** Makes `messages` visible again at once (visibility 0), a batch per call; returns how many it could not release. */
async function release(sqs: SQSClient, url: string, messages: readonly Message[]): Promise<number> {
  let failed = 0;
  for (const batch of inSqsBatches(messages)) {
    try {
      const { Failed = [] } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
        }),
      );
      failed += Failed.length;
    } catch {
      failed += batch.length; // keep releasing the others; the caller says how many stay hidden
    }
  }
  return failed;
}

/** The stderr line when a peek shows fewer than asked: how many it saw, of what the queue reported, and why. */
export function peekShortfallLine(result: PeekResult, asked: number, budgetMs = PEEK_BUDGET_MS): string {
  const seen = result.messages.length;
  const c = result.counts;
  const othersInFlight = c ? Math.max(0, c.inFlight - seen) : 0;
  const reported = c
    ? `the queue reported ${c.visible} more visible and ${othersInFlight} in flight with another reader${c.delayed ? `, ${c.delayed} delayed` : ""}`
    : "the queue's counts were not read";
  const why = {
    "no-more-visible":
      othersInFlight > 0
        ? "the others are in flight with another reader (they show again when its visibility timeout ends)"
        : "the dead-letter queue holds no more",
    "fifo-groups-held":
      "FIFO: SQS returns no more of a message group while one of its messages is in flight (held by this peek or another reader)",
    "empty-receives": `SQS returned nothing more in ${MAX_EMPTY_RECEIVES} receives in a row`,
    budget: `SQS returned no more within the peek's ${Math.round(budgetMs / 1000)} s`,
    stopped: "stopped by Ctrl-C",
    none: "",
  }[result.shortBecause ?? "none"];
  return `peek: showing ${seen} of ${asked} asked: ${reported}; ${why}`;
}

/** `peek`: prints DLQ messages (as lines, or JSON with --json) and leaves them in the DLQ. */
export async function peekCommand(
  sqs: SQSClient,
  queues: WorkerQueues,
  options: { readonly count: number; readonly json: boolean },
  out: (line: string) => void,
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  if (options.count > MAX_PEEK) {
    throw new DlqError(
      `peek shows at most ${MAX_PEEK} messages (given -n ${options.count}): every message shown is held invisible until the peek ends`,
      EXIT.usage,
    );
  }
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once("SIGINT", onSigint);
  let result: PeekResult;
  try {
    result = await peekMessages(sqs, queues.dlqUrl, options.count, { fifo: queues.fifo, signal: stop.signal });
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  if (result.unreleased > 0) {
    err(
      `peek: ${result.unreleased} messages could not be made visible again: they show again when their visibility timeout ends (about ${Math.round(PEEK_BUDGET_MS / 1000) + RELEASE_MARGIN_SECONDS} s at most)`,
    );
  }
  if (result.shortBecause === "stopped")
    throw new DlqError(
      `peek stopped by Ctrl-C: released the ${result.messages.length} messages it held`,
      EXIT.interrupted,
    );
  const messages = result.messages;
  if (messages.length === 0 && result.shortBecause === "no-more-visible" && (result.counts?.inFlight ?? 0) === 0) {
    throw new DlqError("the dead-letter queue is empty", EXIT.empty);
  }
  if (messages.length < options.count) err(peekShortfallLine(result, options.count));
  const rows = messages.map((m) => ({
    id: m.MessageId,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount),
    firstSent: new Date(Number(m.Attributes?.SentTimestamp)).toISOString(),
    body: m.Body,
    attributes: m.MessageAttributes ?? {},
    ...(queues.fifo ? { messageGroupId: m.Attributes?.MessageGroupId } : {}),
  }));
  if (options.json) out(JSON.stringify(rows, null, 2));
  else if (rows.length > 0) {
    for (const r of rows) {
      const group = "messageGroupId" in r ? `  group ${r.messageGroupId}` : "";
      out(
        `${r.id}${group}  received ${r.receiveCount}x  first sent ${r.firstSent}\n  body: ${r.body}\n  attributes: ${JSON.stringify(r.attributes)}`,
      );
    }
  }
}
