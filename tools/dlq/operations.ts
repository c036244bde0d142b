import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { queueCounters, queueDepth, type QueueCounters } from "../local-runner/queue-depth";
import { DlqError, EXIT } from "./errors";
import { carriesOriginalId, copyEntry, splitIntoBatches } from "./send-batches";
import type { WorkerQueues } from "./resolve";

/** Counts of one queue. */
export interface QueueCounts extends QueueCounters {
  /** CloudWatch's latest ApproximateAgeOfOldestMessage (Maximum) of the last 15 minutes, in seconds; undefined when CloudWatch has no datapoint. */
  readonly oldestAgeSeconds?: number;
}

/** What `status` shows. */
export interface DlqStatus {
  readonly queue: QueueCounts;
  readonly deadLetterQueue: QueueCounts;
  /** Every alarm of the worker and its state (OK, ALARM, INSUFFICIENT_DATA, or "not deployed"). */
  readonly alarms: readonly { readonly name: string; readonly state: string }[];
}

/** Fails with exit code 4 when the dead-letter queue holds nothing to `verb`. */
async function requireMessages(sqs: SQSClient, queues: WorkerQueues, verb: string): Promise<number> {
  const depth = await queueDepth(sqs, queues.dlqUrl);
  if (depth === 0) throw new DlqError(`the dead-letter queue is empty: nothing to ${verb}`, EXIT.empty);
  return depth;
}

/**
 * The age of a queue's oldest message from CloudWatch (SQS publishes ApproximateAgeOfOldestMessage
 * once a minute): the latest Maximum of the last 15 minutes, or undefined without a datapoint.
 * Read-only, unlike receiving a sample, which would raise the messages' receive counts.
 */
async function oldestAgeSeconds(cloudwatch: CloudWatchClient, queueUrl: string, now: number): Promise<number | undefined> {
  const { Datapoints = [] } = await cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: queueUrl.split("/").pop()! }],
      StartTime: new Date(now - 15 * 60_000),
      EndTime: new Date(now),
      Period: 60,
      Statistics: ["Maximum"],
    }),
  );
  const latest = [...Datapoints].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
  return latest?.Maximum;
}

/** Queue and DLQ counts, the age of each one's oldest message, and the alarm's state. Receives nothing. */
export async function status(sqs: SQSClient, cloudwatch: CloudWatchClient, queues: WorkerQueues, now = Date.now()): Promise<DlqStatus> {
  const [queue, dlq] = [await queueCounters(sqs, queues.queueUrl), await queueCounters(sqs, queues.dlqUrl)];
  const [queueAge, dlqAge] = [await oldestAgeSeconds(cloudwatch, queues.queueUrl, now), await oldestAgeSeconds(cloudwatch, queues.dlqUrl, now)];
  const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...queues.alarmNames] }));
  const states = new Map(MetricAlarms.map((alarm) => [alarm.AlarmName, alarm.StateValue]));
  return {
    queue: { ...queue, oldestAgeSeconds: queueAge },
    deadLetterQueue: { ...dlq, oldestAgeSeconds: dlqAge },
    alarms: queues.alarmNames.map((name) => ({ name, state: states.get(name) ?? "not deployed" })),
  };
}

/** Progress reports of a long operation. */
export type Progress = (line: string) => void;

/**
 * Moves DLQ messages back with SQS's own StartMessageMoveTask and reports progress until the
 * task ends (ListMessageMoveTasks). Refuses an empty DLQ or one with a move already running.
 */
export async function redriveNative(
  sqs: SQSClient,
  queues: WorkerQueues,
  options: { maxPerSecond?: number; pollMs?: number; progress?: Progress } = {},
): Promise<RedriveSummary & { status: string }> {
  const target = await requireMessages(sqs, queues, "redrive");
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 1 }));
  if (Results[0]?.Status === "RUNNING") {
    throw new DlqError(`a redrive is already running for this dead-letter queue (task ${Results[0].TaskHandle}): wait for it to finish, or cancel it with: npm run dlq -- <service> cancel`, EXIT.busy);
  }
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: queues.dlqArn, DestinationArn: queues.queueArn, MaxNumberOfMessagesPerSecond: options.maxPerSecond }),
  );
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
    const { Results: tasks = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 10 }));
    const task = tasks.find((t) => t.TaskHandle === TaskHandle) ?? tasks[0];
    if (!task) throw new Error("the move task disappeared from ListMessageMoveTasks");
    options.progress?.(`redrive: ${task.ApproximateNumberOfMessagesMoved ?? 0} of ${task.ApproximateNumberOfMessagesToMove ?? "?"} moved (${task.Status})`);
    if (task.Status !== "RUNNING") {
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      const end = await queueCounters(sqs, queues.dlqUrl);
      if (task.Status !== "COMPLETED") options.progress?.(`redrive ended ${task.Status}: ${task.FailureReason ?? "no reason given"}`);
      // SQS's task moves what the DLQ held when it started; its counts are approximate.
      const toMove = task.ApproximateNumberOfMessagesToMove ?? target;
      return { target: toMove, moved, failed: task.Status === "COMPLETED" ? 0 : Math.max(0, toMove - moved), skipped: 0, stillInDlq: end.visible + end.inFlight, status: task.Status! };
    }
  }
}

/** What a redrive did; `target` is how many messages the DLQ held when it started. */
export interface RedriveSummary {
  readonly target: number;
  readonly moved: number;
  /** Copies SQS did not accept: their originals stay in the DLQ. */
  readonly failed: number;
  /**
   * Messages received again that this run had already moved or tried (its own copies, failed
   * back into the DLQ), and FIFO messages held back behind a failed copy of their group.
   */
  readonly skipped: number;
  /** Visible and in-flight messages in the DLQ at the end (new arrivals included). */
  readonly stillInDlq: number;
}

/** What a client-side redrive did, besides {@link RedriveSummary}. */
export interface ClientSideRedriveSummary extends RedriveSummary {
  /**
   * Copies sent without the original message id (their messages already had SQS's maximum of 10
   * attributes): the worker's default idempotency key does not recognise them.
   */
  readonly withoutOriginalId: number;
}

/** True when a redrive moved everything it set out to move. */
export function redriveComplete(summary: RedriveSummary): boolean {
  return summary.failed === 0 && summary.moved >= summary.target;
}

/**
 * Moves DLQ messages back by receiving, sending and deleting, bounded and honest:
 *
 * - it moves at most what the DLQ held (visible or in flight) when it started, and never picks
 *   up a message it already moved or tried in this run (a copy that failed back into the DLQ is
 *   released and counted as skipped), so a consumer that keeps failing cannot keep it running;
 * - a message is deleted from the DLQ only after SQS accepted its copy; a copy SQS refused leaves
 *   its original in the DLQ, counted as failed;
 * - it keeps the body and the message attributes, and adds the original's message id
 *   (`sqs-worker.original-message-id`), which the worker's default idempotency key prefers to the
 *   copy's new id, so a job that completed before it was dead-lettered does not run again; on FIFO queues the group id and the order
 *   within each group (after a failed copy, the group's later messages stay where they are), and
 *   gives each copy a deduplication id derived from the original's (see
 *   {@link redriveDeduplicationId}), so no copy is dropped as a repeat and a rerun makes no second;
 * - batches respect SQS's 10 entries and 1 MiB;
 * - when only in-flight messages remain (another reader holds them), it waits up to
 *   `waitForInFlightMs` for them to come back, then stops and reports them as still in the DLQ.
 */
export async function redriveClientSide(
  sqs: SQSClient,
  queues: WorkerQueues,
  options: { progress?: Progress; waitForInFlightMs?: number; idlePollMs?: number } = {},
): Promise<ClientSideRedriveSummary> {
  const start = await queueCounters(sqs, queues.dlqUrl);
  const target = start.visible + start.inFlight;
  if (target === 0) throw new DlqError("the dead-letter queue is empty: nothing to redrive", EXIT.empty);
  const seen = new Set<string>(); // originals moved, tried or held, and the copies this run sent
  const failedGroups = new Set<string>(); // FIFO groups with a failed copy: their later messages stay put, in order
  let moved = 0;
  let failed = 0;
  let skipped = 0;
  let held = 0;
  let withoutOriginalId = 0;
  let idleSince: number | undefined;
  while (moved + failed + held < target) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const room = target - moved - failed - held;
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!)).slice(0, room);
    const release = Messages.filter((m) => !fresh.includes(m));
    skipped += release.filter((m) => seen.has(m.MessageId!)).length;
    await releaseMessages(sqs, queues.dlqUrl, release);
    if (fresh.length === 0) {
      const now = await queueCounters(sqs, queues.dlqUrl);
      if (now.visible + now.inFlight === 0) break;
      idleSince ??= Date.now();
      if (Date.now() - idleSince > (options.waitForInFlightMs ?? 90_000)) break;
      options.progress?.(`redrive (client side): waiting for ${now.inFlight} in-flight messages to become visible`);
      await new Promise((resolve) => setTimeout(resolve, options.idlePollMs ?? 2000));
      continue;
    }
    idleSince = undefined;
    for (const m of fresh) seen.add(m.MessageId!);

    const entries = fresh.map((m, i) => copyEntry(m, String(i), queues.fifo));
    for (const batch of splitIntoBatches(entries, queues.fifo)) {
      const sendable = batch.filter((e) => !(queues.fifo && failedGroups.has(e.MessageGroupId ?? "")));
      const heldBack = batch.filter((e) => !sendable.includes(e));
      held += heldBack.length;
      await releaseMessages(sqs, queues.dlqUrl, heldBack.map((e) => fresh[Number(e.Id)]));
      if (sendable.length === 0) continue;
      const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: sendable }));
      for (const copy of sent.Successful ?? []) seen.add(copy.MessageId!);
      const confirmed = new Set((sent.Successful ?? []).map((copy) => copy.Id));
      withoutOriginalId += sendable.filter((e) => confirmed.has(e.Id) && !carriesOriginalId(e)).length;
      for (const entry of sendable.filter((e) => !confirmed.has(e.Id))) {
        failed++;
        if (queues.fifo) failedGroups.add(entry.MessageGroupId ?? "");
      }
      const toDelete = sendable.filter((e) => confirmed.has(e.Id)).map((e) => ({ Id: e.Id!, ReceiptHandle: fresh[Number(e.Id)].ReceiptHandle! }));
      if (toDelete.length > 0) {
        const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.dlqUrl, Entries: toDelete }));
        moved += deleted.Successful?.length ?? 0;
        // A copy was accepted but its original could not be deleted: it stays in the DLQ; a
        // rerun's copy carries the same deduplication id on FIFO (dropped), a duplicate otherwise.
        failed += deleted.Failed?.length ?? 0;
      }
    }
    options.progress?.(`redrive (client side): ${moved} of ${target} moved, ${failed} failed, ${skipped + held} skipped`);
  }
  const end = await queueCounters(sqs, queues.dlqUrl);
  return { target, moved, failed, skipped: skipped + held, stillInDlq: end.visible + end.inFlight, withoutOriginalId };
}

/** Makes received messages visible again at once (errors are ignored: their timeout releases them anyway). */
async function releaseMessages(sqs: SQSClient, url: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries })).catch(() => undefined);
  }
}

/**
 * Cancels the running message move task of this DLQ (CancelMessageMoveTask): what `redrive`
 * says to do when one is already running. Messages already moved stay moved.
 */
export async function cancelRedrive(sqs: SQSClient, queues: WorkerQueues): Promise<{ taskHandle: string; moved: number }> {
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 1 }));
  const running = Results.find((task) => task.Status === "RUNNING");
  if (!running) throw new DlqError("no redrive is running for this dead-letter queue: nothing to cancel", EXIT.nothingRunning);
  const { ApproximateNumberOfMessagesMoved = 0 } = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: running.TaskHandle! }));
  return { taskHandle: running.TaskHandle!, moved: ApproximateNumberOfMessagesMoved };
}

/** Empties the dead-letter queue (SQS PurgeQueue). Refuses an empty DLQ. */
export async function purge(sqs: SQSClient, queues: WorkerQueues): Promise<number> {
  const total = await requireMessages(sqs, queues, "purge");
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queues.dlqUrl }));
  return total;
}

/** One message for `send`: a JSON body, string attributes, and FIFO ids when the queue is FIFO. */
export interface OutgoingMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly groupId?: string;
  readonly deduplicationId?: string;
}

/**
 * Sends one message to the service's source queue (what an engineer uses to test a fix before
 * a redrive). The body must be JSON, as the worker parses it; a FIFO queue needs a group id.
 * Returns the message id SQS assigned.
 */
export async function sendMessage(sqs: SQSClient, queues: WorkerQueues, message: OutgoingMessage): Promise<string> {
  try {
    JSON.parse(message.body);
  } catch (error) {
    throw new DlqError(`the message body is not JSON (${(error as Error).message}): the worker would fail it`, EXIT.usage);
  }
  if (queues.fifo && !message.groupId) throw new DlqError("the queue is FIFO: pass --group-id (and --dedup-id unless it deduplicates on content)", EXIT.usage);
  if (!queues.fifo && (message.groupId || message.deduplicationId)) throw new DlqError("--group-id and --dedup-id are for FIFO queues only", EXIT.usage);
  const { MessageId } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.queueUrl,
      MessageBody: message.body,
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
      ),
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    }),
  );
  return MessageId!;
}
