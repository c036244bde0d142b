/**
 * The client-side redrive: receive from the DLQ, send copies to the source queue, delete the
 * originals, with a journal (./journal.ts) around every call that changes a queue, so that a run
 * stopped at any point is finished by the next one without a second copy.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { queueCounters } from "../shared/queue-depth";
import { PATIENCE, isThrottled } from "../shared/aws-patience";
import { DlqError, EXIT } from "./errors";
import type { RedriveJournal } from "./journal";
import type { Progress } from "./operations";
import type { WorkerQueues } from "./resolve";
import { carriesOriginalId, copyEntry, splitIntoBatches } from "./send-batches";
import { inSqsBatches, SQS_BATCH_LIMIT } from "../shared/sqs-batches";

/** How long a received DLQ message stays hidden: covers one batch's send and delete; a stopped run's messages return this soon. */
export const REDRIVE_VISIBILITY_SECONDS = 30;

/**
 * SQS drops a FIFO message whose deduplication id it accepted in the last 5 minutes. The redrive
 * resends a copy in doubt (with the same id) only well inside that window.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 */
export const FIFO_DEDUPLICATION_WINDOW_MS = 5 * 60_000;
const WINDOW_MARGIN_MS = 30_000;

/**
 * What a client-side redrive did, kept up to date while it runs: a caller holds it to print a
 * true summary when the run stops early (Ctrl-C, AWS not answering).
 */
export interface ClientSideRedriveTally {
  /** Messages visible in the DLQ at the start, plus originals of copies the stopped run had sent. */
  target: number;
  /** Copies SQS accepted (in this run, or by the stopped run whose original this run deleted). */
  moved: number;
  /** Copies SQS refused: their originals stay in the DLQ. */
  failed: number;
  /** Messages received again that this run already handled, and FIFO messages held behind a failed copy of their group. */
  skipped: number;
  /** Originals whose copy may or may not have reached the queue: left in the DLQ for the operator. */
  inDoubt: number;
  /** Of `moved`: copies the stopped run had sent, whose originals this run deleted. */
  fromJournal: number;
  /** Copies sent without the original message id (the message already had 10 attributes). */
  withoutOriginalId: number;
  /** Originals whose copy was accepted but whose delete failed: still in the DLQ, deleted without a copy by the next run. */
  originalsLeft: number;
  /** DLQ messages in flight with another reader (not this run) at the end. */
  elsewhere: number;
  /** Visible and in-flight messages in the DLQ at the end (new arrivals included). */
  stillInDlq: number;
  /** Messages this run held (received, not yet deleted or released) when it stopped. */
  holding: number;
  /** The stopped run was inside a ReceiveMessage: messages in flight at the end may be the ones it received. */
  receiveInterrupted: boolean;
  /** Originals in doubt copied again on the operator's `--in-doubt resend`. */
  resent: number;
}

/** A tally with every count at zero. */
export function newTally(): ClientSideRedriveTally {
  return {
    target: 0,
    moved: 0,
    failed: 0,
    skipped: 0,
    inDoubt: 0,
    fromJournal: 0,
    withoutOriginalId: 0,
    originalsLeft: 0,
    elsewhere: 0,
    stillInDlq: 0,
    holding: 0,
    receiveInterrupted: false,
    resent: 0,
  };
}

/** Options of {@link redriveClientSide}. */
export interface ClientSideRedriveOptions {
  /** The DLQ's journal, opened by the caller under the DLQ's lock. */
  readonly journal: RedriveJournal;
  /** Filled in while the run goes; pass one to read it after a throw. */
  readonly tally?: ClientSideRedriveTally;
  readonly progress?: Progress;
  /** The client for SendMessageBatch (the CLI gives standard queues one that never retries: a retried send can duplicate). */
  readonly sendClient?: SQSClient;
  /** What to do with originals in doubt: their copies arrived (delete them), or copy them again. Unset: leave them. */
  readonly inDoubt?: "delivered" | "resend";
  /** At most this many copies per second. */
  readonly maxPerSecond?: number;
  /** Ctrl-C: finish the current call, release what is held, return. */
  readonly stop?: AbortSignal;
  /** How long to keep receiving while the DLQ shows visible messages but SQS returns only handled ones (default 20 s). */
  readonly idleMs?: number;
  readonly idlePollMs?: number;
  readonly now?: () => number;
}

/**
 * Moves what the DLQ holds back to the source queue by receiving, sending and deleting: bounded,
 * honest, and exactly once across stops. See docs/runbook.md ("Redrive") for the guarantees;
 * in short:
 * - a message is deleted from the DLQ only after SQS accepted its copy, and the journal records
 *   that acceptance first: a rerun deletes such an original without copying it again;
 * - a copy in doubt (the run stopped while SQS was taking it) is resent only on FIFO within
 *   SQS's deduplication window, where SQS drops a second copy; otherwise it is left in the DLQ
 *   and reported until the operator answers with `inDoubt`;
 * - it moves at most what the DLQ held at the start and never picks up a message it already
 *   handled (a copy failing back is skipped); it keeps bodies, attributes, FIFO groups and order,
 *   and adds the original message id (see ./send-batches.ts).
 */
export async function redriveClientSide(
  sqs: SQSClient,
  queues: WorkerQueues,
  options: ClientSideRedriveOptions,
): Promise<ClientSideRedriveTally> {
  const run = new ClientSideRedrive(sqs, queues, options);
  await run.finishWhatTheStoppedRunLeft();
  await run.move();
  return run.tally;
}

/** One run's state: what it holds, what it handled, what the journal said. */
class ClientSideRedrive {
  readonly tally: ClientSideRedriveTally;
  private readonly journal: RedriveJournal;
  private readonly now: () => number;
  private readonly say: Progress;
  /** Receipt handles of the messages this run holds now. */
  private readonly holding = new Map<string, string>();
  /** Originals handled in this run (moved, tried, left in doubt or held back) and the copies it sent. */
  private readonly seen = new Set<string>();
  /** Originals whose copy the stopped run sent: deleted on sight. */
  private readonly copiedBefore: Map<string, { readonly at: number; readonly handle?: string }>;
  /** Originals in doubt, and when their first copy was sent. */
  private readonly doubtful: Map<string, { readonly at: number }>;
  /** Originals in doubt the operator asked to copy again: counted in `resent` when copied. */
  private readonly resendOnSight = new Set<string>();
  /** Messages counted as skipped. */
  private readonly skippedIds = new Set<string>();
  /** FIFO groups with a failed copy: their later messages stay put, in order. */
  private readonly failedGroups = new Set<string>();
  private readonly bucket?: TokenBucket;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queues: WorkerQueues,
    private readonly options: ClientSideRedriveOptions,
  ) {
    this.tally = options.tally ?? newTally();
    this.journal = options.journal;
    this.now = options.now ?? Date.now;
    this.say = options.progress ?? (() => undefined);
    this.copiedBefore = new Map(this.journal.found.copied);
    this.doubtful = new Map(this.journal.found.inDoubt);
    if (options.maxPerSecond) this.bucket = new TokenBucket(options.maxPerSecond, this.now);
  }

  /** Deletes originals the stopped run had copied, releases what it held, applies the operator's answer on doubts, waits for a receive it was in. */
  async finishWhatTheStoppedRunLeft(): Promise<void> {
    const { found } = this.journal;
    const withHandle = [...this.copiedBefore].filter(([, entry]) => entry.handle !== undefined);
    if (this.copiedBefore.size > 0) {
      this.say(
        `journal: ${this.copiedBefore.size} copies were sent by a stopped run whose originals it had not deleted: deleting those originals, not copying them again`,
      );
    }
    const deletedNow = new Set<string>();
    for (const chunk of inSqsBatches(withHandle)) {
      const result = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queues.dlqUrl,
          Entries: chunk.map(([, entry], n) => ({ Id: String(n), ReceiptHandle: entry.handle! })),
        }),
      );
      // A handle that no longer works (the message was received again since) leaves it for "on sight".
      const deleted = (result.Successful ?? []).map((ok) => chunk[Number(ok.Id)][0]);
      this.journal.deleted(deleted);
      for (const id of deleted) {
        this.copiedBefore.delete(id);
        deletedNow.add(id);
      }
      this.tally.moved += deleted.length;
      this.tally.fromJournal += deleted.length;
      this.tally.target += deleted.length;
    }
    const held = [...found.held].filter(([id]) => !deletedNow.has(id));
    if (held.length > 0) {
      this.say(`journal: releasing ${held.length} messages the stopped run held`);
      await this.release(held);
    }
    if (this.doubtful.size > 0) this.resolveDoubts();
    if (found.receivingUntil !== undefined) await this.waitForAnInterruptedReceive(found.receivingUntil);
  }

  /**
   * The stopped run was inside a ReceiveMessage: SQS may have handed it messages nobody holds a
   * handle for, hidden for 30 s from when SQS answered, which a stalled endpoint does late. Waits
   * while the DLQ shows messages in flight, until the latest such a receive could have been answered
   * (its visibility plus one attempt's timeout), so that they are moved, not taken for another reader's.
   */
  private async waitForAnInterruptedReceive(receivingUntil: number): Promise<void> {
    const deadline = receivingUntil + PATIENCE.attemptTimeoutMs;
    let { inFlight } = await queueCounters(this.sqs, this.queues.dlqUrl);
    if (inFlight === 0 || this.now() >= deadline) return;
    this.tally.receiveInterrupted = true;
    this.say(
      `journal: the stopped run was receiving; waiting up to ${Math.ceil((deadline - this.now()) / 1000)} s for the ${inFlight} messages in flight to become visible again`,
    );
    while (inFlight > 0 && this.now() < deadline && !this.stopped()) {
      await this.sleep(Math.min(2000, deadline - this.now()));
      ({ inFlight } = await queueCounters(this.sqs, this.queues.dlqUrl));
    }
  }

  /** Applies `--in-doubt`, or says what is in doubt and what stays. */
  private resolveDoubts(): void {
    const ids = [...this.doubtful.keys()];
    if (this.options.inDoubt === "delivered") {
      this.journal.resolved(ids, "delivered");
      for (const [id, entry] of this.doubtful) this.copiedBefore.set(id, { at: entry.at });
      this.doubtful.clear();
      this.say(
        `journal: ${ids.length} messages in doubt taken as delivered (--in-doubt delivered): their originals are deleted without a copy`,
      );
    } else if (this.options.inDoubt === "resend") {
      this.journal.resolved(ids, "resend");
      for (const id of ids) this.resendOnSight.add(id);
      this.doubtful.clear();
      this.say(`journal: ${ids.length} messages in doubt are copied again (--in-doubt resend)`);
    } else {
      const resendable = ids.filter((id) => this.resendable(id)).length;
      this.say(
        `journal: ${ids.length} copies were being sent when a run stopped, and SQS may or may not have taken them` +
          (resendable > 0
            ? `; ${resendable} are resent with their deduplication id, which SQS drops if the first copy arrived (FIFO, within 5 minutes)`
            : "") +
          (resendable < ids.length
            ? `; ${ids.length - resendable} stay in the dead-letter queue until you answer with --in-doubt delivered or --in-doubt resend`
            : ""),
      );
    }
  }

  /** A copy in doubt can be resent safely: FIFO, well inside SQS's deduplication window. */
  private resendable(id: string): boolean {
    const entry = this.doubtful.get(id);
    return (
      entry !== undefined && this.queues.fifo && this.now() - entry.at < FIFO_DEDUPLICATION_WINDOW_MS - WINDOW_MARGIN_MS
    );
  }

  /** The main loop: receive, sort, copy, delete, until the target is reached, nothing new comes back, or Ctrl-C. */
  async move(): Promise<void> {
    const start = await queueCounters(this.sqs, this.queues.dlqUrl);
    this.tally.target += start.visible;
    if (this.tally.target === 0) {
      if (start.inFlight === 0) throw new DlqError("the dead-letter queue is empty: nothing to redrive", EXIT.empty);
      throw new DlqError(
        `the dead-letter queue holds no visible message: nothing to redrive (${start.inFlight} in flight with another reader: a peek, or a redrive elsewhere; run again when they are visible)`,
        EXIT.empty,
      );
    }
    const perReceive = Math.min(SQS_BATCH_LIMIT, this.options.maxPerSecond ?? SQS_BATCH_LIMIT);
    let idleSince: number | undefined;
    try {
      while (this.handled() < this.tally.target && !this.stopped()) {
        const result = await this.step(perReceive);
        if (this.stopped() || result === "nothing") break;
        if (result === "progress") {
          idleSince = undefined;
          this.say(
            `redrive (client side): ${this.tally.moved} of ${this.tally.target} moved, ${this.tally.failed} failed, ${this.tally.skipped} skipped`,
          );
          continue;
        }
        const now = await queueCounters(this.sqs, this.queues.dlqUrl);
        if (now.visible === 0) break; // what is left is held by this run, or in flight with another reader
        idleSince ??= this.now();
        if (this.now() - idleSince >= (this.options.idleMs ?? 20_000)) break;
        await this.sleep(this.options.idlePollMs ?? 1000);
      }
    } finally {
      this.tally.holding = this.holding.size;
    }
    await this.release([...this.holding]);
    const end = await queueCounters(this.sqs, this.queues.dlqUrl);
    this.tally.elsewhere = end.inFlight;
    this.tally.stillInDlq = end.visible + end.inFlight;
  }

  private handled(): number {
    return this.tally.moved + this.tally.failed + this.tally.inDoubt + this.leftBehindSkips;
  }

  /** FIFO messages held behind a failed copy of their group: they count toward the target (they were tried). */
  private leftBehindSkips = 0;

  private stopped(): boolean {
    return this.options.stop?.aborted === true;
  }

  /** One receive and what follows it: whether it moved anything, brought only messages this run handled before, or nothing. */
  private async step(perReceive: number): Promise<"progress" | "handled before" | "nothing"> {
    this.journal.receiving(REDRIVE_VISIBILITY_SECONDS, this.now());
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queues.dlqUrl,
        MaxNumberOfMessages: perReceive,
        WaitTimeSeconds: 1,
        VisibilityTimeout: REDRIVE_VISIBILITY_SECONDS,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    this.journal.received(Object.fromEntries(Messages.map((m) => [m.MessageId!, m.ReceiptHandle!])), this.now());
    for (const m of Messages) this.holding.set(m.MessageId!, m.ReceiptHandle!);
    // A long poll (WaitTimeSeconds 1) asks every SQS server: nothing means nothing can be received now.
    if (Messages.length === 0) return "nothing";
    if (this.stopped()) return "nothing";

    const onSight = Messages.filter((m) => this.copiedBefore.has(m.MessageId!));
    const inDoubt = Messages.filter(
      (m) => this.doubtful.has(m.MessageId!) && !this.resendable(m.MessageId!) && !this.seen.has(m.MessageId!),
    );
    const rest = Messages.filter((m) => !onSight.includes(m) && !inDoubt.includes(m));
    const room = this.tally.target - this.handled() - onSight.length - inDoubt.length;
    const fresh = rest.filter((m) => !this.seen.has(m.MessageId!)).slice(0, Math.max(0, room));
    const handledBefore = rest.filter((m) => this.seen.has(m.MessageId!));
    const beyondTarget = rest.filter((m) => !fresh.includes(m) && !handledBefore.includes(m));
    // Messages this run leaves in the DLQ (in doubt, handled before, held behind their FIFO group)
    // stay held until the end: released now, SQS would return them again and again (moto and
    // FIFO groups hand out the same head messages first), and a FIFO group's later messages
    // would overtake them.
    for (const m of handledBefore) if (!this.doubtful.has(m.MessageId!)) this.skip(m.MessageId!);
    this.tally.inDoubt += inDoubt.length;
    for (const m of inDoubt) {
      this.seen.add(m.MessageId!);
      if (this.queues.fifo) this.failedGroups.add(m.Attributes?.MessageGroupId ?? "");
    }
    await this.release(beyondTarget.map((m) => [m.MessageId!, m.ReceiptHandle!]));
    await this.deleteCopiedBefore(onSight);
    if (fresh.length === 0) return onSight.length + inDoubt.length > 0 ? "progress" : "handled before";
    for (const m of fresh) this.seen.add(m.MessageId!);
    await this.copy(fresh);
    return "progress";
  }

  /** Deletes originals whose copies the stopped run sent (received again now): no second copy. */
  private async deleteCopiedBefore(messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return;
    const result = await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queues.dlqUrl,
        Entries: messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    const deleted = (result.Successful ?? []).map((ok) => messages[Number(ok.Id)].MessageId!);
    this.journal.deleted(deleted);
    for (const id of deleted) {
      this.copiedBefore.delete(id);
      this.holding.delete(id);
      this.seen.add(id);
    }
    this.tally.moved += deleted.length;
    this.tally.fromJournal += deleted.length;
  }

  /** Copies fresh messages in batches SQS accepts, deleting each original once its copy is accepted. */
  private async copy(fresh: readonly Message[]): Promise<void> {
    const entries = fresh.map((m, i) => copyEntry(m, String(i), this.queues.fifo));
    const batches = splitIntoBatches(entries, this.queues.fifo);
    for (const [b, batch] of batches.entries()) {
      if (this.stopped()) {
        // Ctrl-C between batches: the rest was never sent; it goes back to the DLQ as it was.
        const unsent = batches
          .slice(b)
          .flat()
          .map((e) => fresh[Number(e.Id)]);
        for (const m of unsent) this.seen.delete(m.MessageId!);
        return;
      }
      const sendable = batch.filter((e) => !(this.queues.fifo && this.failedGroups.has(e.MessageGroupId ?? "")));
      const heldBack = batch.filter((e) => !sendable.includes(e)).map((e) => fresh[Number(e.Id)]);
      this.leftBehindSkips += heldBack.length;
      for (const m of heldBack) this.skip(m.MessageId!); // held until the end, behind their group's failed or doubtful message
      if (sendable.length === 0) continue;
      await this.bucket?.take(sendable.length);
      await this.sendAndDelete(sendable.map((e) => ({ entry: e, original: fresh[Number(e.Id)] })));
    }
  }

  /** One SendMessageBatch of copies, journaled before and after, then the originals' delete. */
  private async sendAndDelete(
    pairs: readonly { entry: ReturnType<typeof copyEntry>; original: Message }[],
  ): Promise<void> {
    const ids = pairs.map((p) => p.original.MessageId!);
    this.journal.sending(ids, this.now());
    let result;
    try {
      result = await (this.options.sendClient ?? this.sqs).send(
        new SendMessageBatchCommand({ QueueUrl: this.queues.queueUrl, Entries: pairs.map((p) => p.entry) }),
      );
    } catch (error) {
      if (refusedWhole(error)) {
        // SQS answered that it took nothing (throttled, access denied, a bad request).
        this.journal.sendFailed(ids);
        this.countFailed(pairs.map((p) => p.entry)); // their originals stay held until the end, then go back
        if (isThrottled(error)) return;
        throw error;
      }
      // No answer, or an answer that does not say what SQS did: the copies are in doubt, as the journal says.
      this.tally.inDoubt += ids.length;
      for (const id of ids) {
        this.holding.delete(id); // their handles stay in the journal; the next run releases them
        this.doubtful.set(id, { at: this.now() });
      }
      throw error;
    }
    const byEntry = new Map(pairs.map((p) => [p.entry.Id!, p]));
    const accepted = (result.Successful ?? []).map((ok) => byEntry.get(ok.Id!)!);
    const refused = (result.Failed ?? []).map((no) => byEntry.get(no.Id!)!);
    for (const copy of result.Successful ?? []) this.seen.add(copy.MessageId!);
    this.journal.sent(accepted.map((p) => p.original.MessageId!));
    this.journal.sendFailed(refused.map((p) => p.original.MessageId!));
    this.tally.moved += accepted.length;
    this.tally.resent += accepted.filter((p) => this.resendOnSight.has(p.original.MessageId!)).length;
    this.tally.withoutOriginalId += accepted.filter((p) => !carriesOriginalId(p.entry)).length;
    this.countFailed(refused.map((p) => p.entry)); // their originals stay held until the end, then go back
    if (accepted.length === 0) return;
    let deletedIds: string[] = [];
    try {
      const deleted = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queues.dlqUrl,
          Entries: accepted.map((p, n) => ({ Id: String(n), ReceiptHandle: p.original.ReceiptHandle! })),
        }),
      );
      deletedIds = (deleted.Successful ?? []).map((ok) => accepted[Number(ok.Id)].original.MessageId!);
    } finally {
      this.journal.deleted(deletedIds);
      for (const p of accepted) this.holding.delete(p.original.MessageId!);
      // A copy accepted whose original could not be deleted: the journal has it as copied, so
      // the next run deletes that original without a second copy.
      this.tally.originalsLeft += accepted.length - deletedIds.length;
    }
  }

  /** Counts a message as skipped once, however often SQS returns it. */
  private skip(id: string): void {
    if (this.skippedIds.has(id)) return;
    this.skippedIds.add(id);
    this.tally.skipped++;
  }

  private countFailed(entries: readonly { MessageGroupId?: string }[]): void {
    this.tally.failed += entries.length;
    if (this.queues.fifo) for (const e of entries) this.failedGroups.add(e.MessageGroupId ?? "");
  }

  /**
   * Makes messages visible again at once. Errors are ignored (their visibility timeout releases
   * them anyway); the journal records only what SQS confirmed, so the next run releases the rest.
   */
  private async release(messages: readonly (readonly [string, string])[]): Promise<void> {
    for (const chunk of inSqsBatches(messages)) {
      for (const [id] of chunk) this.holding.delete(id);
      const result = await this.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queues.dlqUrl,
            Entries: chunk.map(([, handle], n) => ({ Id: String(n), ReceiptHandle: handle, VisibilityTimeout: 0 })),
          }),
        )
        .catch(() => undefined);
      // A handle SQS no longer knows (the message was deleted, or received again since) is not ours to release any more either.
      const gone = (result?.Failed ?? []).filter((no) =>
        /ReceiptHandleIsInvalid|MessageNotInflight/.test(no.Code ?? ""),
      );
      this.journal.released([...(result?.Successful ?? []), ...gone].map((entry) => chunk[Number(entry.Id)][0]));
    }
  }

  /** Waits `ms`, or less when Ctrl-C comes. */
  private sleep(ms: number): Promise<void> {
    const stop = this.options.stop;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stop?.addEventListener("abort", done, { once: true });
    });
  }
}

/**
 * True when SQS answered a SendMessageBatch with an error that means it took nothing: a 4xx
 * (throttling, access denied, a malformed request). A 5xx or no answer at all says nothing.
 */
function refusedWhole(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return isThrottled(error) || (status !== undefined && status >= 400 && status < 500);
}

/** At most `rate` copies per second, in bursts of at most `rate` (and 10). */
class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number,
  ) {
    this.capacity = Math.min(10, rate);
    this.tokens = this.capacity;
    this.last = now();
  }

  async take(count: number): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= count) {
        this.tokens -= count;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((count - this.tokens) / this.rate) * 1000)));
    }
  }
}
