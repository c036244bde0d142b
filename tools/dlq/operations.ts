import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { queueCounters, queueDepth, type QueueCounters } from "../local-runner/queue-depth";
import { DlqError, EXIT } from "./errors";
import type { WorkerQueues } from "./resolve";

/** Counts of one queue. */
export interface QueueCounts extends QueueCounters {
  /** Age of the oldest message in seconds, from the messages themselves (SentTimestamp); undefined when empty. */
  readonly oldestAgeSeconds?: number;
}

/** What `status` shows. */
export interface DlqStatus {
  readonly queue: QueueCounts;
  readonly deadLetterQueue: QueueCounts;
  readonly alarmState: string;
}

/** Fails with exit code 4 when the dead-letter queue holds nothing to `verb`. */
async function requireMessages(sqs: SQSClient, queues: WorkerQueues, verb: string): Promise<number> {
  const depth = await queueDepth(sqs, queues.dlqUrl);
  if (depth === 0) throw new DlqError(`the dead-letter queue is empty: nothing to ${verb}`, EXIT.empty);
  return depth;
}

/** Receives up to `max` messages without consuming them: they are made visible again at once. */
export async function peekMessages(sqs: SQSClient, url: string, max: number): Promise<Message[]> {
  const seen: Message[] = [];
  const ids = new Set<string>();
  while (seen.length < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, max - seen.length),
        // Held long enough to collect a page; released below instead of waiting for expiry.
        VisibilityTimeout: 30,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const fresh = Messages.filter((m) => !ids.has(m.MessageId!));
    if (fresh.length === 0) break;
    for (const m of fresh) ids.add(m.MessageId!);
    seen.push(...fresh);
  }
  for (let i = 0; i < seen.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: seen.slice(i, i + 10).map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return seen;
}

/** Queue and DLQ counts, the age of the oldest DLQ message, and the alarm's state. */
export async function status(sqs: SQSClient, cloudwatch: CloudWatchClient, queues: WorkerQueues, now = Date.now()): Promise<DlqStatus> {
  const [queue, dlq] = [await queueCounters(sqs, queues.queueUrl), await queueCounters(sqs, queues.dlqUrl)];
  const sample = dlq.visible > 0 ? await peekMessages(sqs, queues.dlqUrl, 10) : [];
  const sent = sample.map((m) => Number(m.Attributes?.SentTimestamp)).filter(Number.isFinite);
  const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [queues.alarmName] }));
  return {
    queue,
    deadLetterQueue: { ...dlq, oldestAgeSeconds: sent.length ? Math.round((now - Math.min(...sent)) / 1000) : undefined },
    alarmState: MetricAlarms[0]?.StateValue ?? "no alarm found",
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
): Promise<{ moved: number; status: string }> {
  await requireMessages(sqs, queues, "redrive");
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 1 }));
  if (Results[0]?.Status === "RUNNING") {
    throw new DlqError(`a redrive is already running for this dead-letter queue (task ${Results[0].TaskHandle}): wait for it to finish or cancel it`, EXIT.busy);
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
      if (task.Status !== "COMPLETED") throw new Error(`redrive ended ${task.Status}: ${task.FailureReason ?? "no reason given"}`);
      return { moved: task.ApproximateNumberOfMessagesMoved ?? 0, status: task.Status };
    }
  }
}

function copyAttributes(attributes: Record<string, MessageAttributeValue> | undefined): Record<string, MessageAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  const copy: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    copy[name] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue };
  }
  return copy;
}

/**
 * Moves DLQ messages back by receiving, sending and deleting in batches of 10. Keeps the
 * body and the message attributes and, on FIFO queues, the message group and deduplication
 * ids. A message is deleted from the DLQ only after SQS confirmed its copy was sent; one
 * whose send failed stays in the DLQ (visible again after 60 s) and is counted as failed.
 * (FIFO: SQS drops a copy whose deduplication id it saw in the last 5 minutes.)
 */
export async function redriveClientSide(
  sqs: SQSClient,
  queues: WorkerQueues,
  options: { progress?: Progress; maxMessages?: number } = {},
): Promise<{ moved: number; failed: number }> {
  await requireMessages(sqs, queues, "redrive");
  let moved = 0;
  let failed = 0;
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  while (moved + failed < limit) {
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
    if (Messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: Messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body!,
          MessageAttributes: copyAttributes(m.MessageAttributes),
          ...(queues.fifo ? { MessageGroupId: m.Attributes?.MessageGroupId, MessageDeduplicationId: m.Attributes?.MessageDeduplicationId } : {}),
        })),
      }),
    );
    const confirmed = new Set((sent.Successful ?? []).map((s) => s.Id));
    failed += Messages.length - confirmed.size;
    const toDelete = Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })).filter((e) => confirmed.has(e.Id));
    if (toDelete.length > 0) {
      const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.dlqUrl, Entries: toDelete }));
      moved += deleted.Successful?.length ?? 0;
    }
    options.progress?.(`redrive (client side): ${moved} moved, ${failed} failed`);
  }
  return { moved, failed };
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
