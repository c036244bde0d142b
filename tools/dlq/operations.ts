import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { queueCounters, queueDepth, type QueueCounters } from "../shared/queue-depth";
import { programName } from "../shared/cli";
import { DlqError, EXIT } from "./errors";
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
async function oldestAgeSeconds(
  cloudwatch: CloudWatchClient,
  queueUrl: string,
  now: number,
): Promise<number | undefined> {
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
export async function status(
  sqs: SQSClient,
  cloudwatch: CloudWatchClient,
  queues: WorkerQueues,
  now = Date.now(),
): Promise<DlqStatus> {
  const [queue, dlq] = [await queueCounters(sqs, queues.queueUrl), await queueCounters(sqs, queues.dlqUrl)];
  const [queueAge, dlqAge] = [
    await oldestAgeSeconds(cloudwatch, queues.queueUrl, now),
    await oldestAgeSeconds(cloudwatch, queues.dlqUrl, now),
  ];
  const { MetricAlarms = [] } = await cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [...queues.alarmNames] }),
  );
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
  options: { maxPerSecond?: number; pollMs?: number; progress?: Progress; service?: string } = {},
): Promise<RedriveSummary & { status: string }> {
  const target = await requireMessages(sqs, queues, "redrive");
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 1 }));
  if (Results[0]?.Status === "RUNNING") {
    throw new DlqError(
      `a redrive is already running for this dead-letter queue (task ${Results[0].TaskHandle}): wait for it to finish, or cancel it with: ${programName("dlq")} ${options.service ?? "<service>"} cancel`,
      EXIT.busy,
    );
  }
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: queues.dlqArn,
      DestinationArn: queues.queueArn,
      MaxNumberOfMessagesPerSecond: options.maxPerSecond,
    }),
  );
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
    const { Results: tasks = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 10 }),
    );
    const task = tasks.find((t) => t.TaskHandle === TaskHandle) ?? tasks[0];
    if (!task) throw new Error("the move task disappeared from ListMessageMoveTasks");
    options.progress?.(
      `redrive: ${task.ApproximateNumberOfMessagesMoved ?? 0} of ${task.ApproximateNumberOfMessagesToMove ?? "?"} moved (${task.Status})`,
    );
    if (task.Status !== "RUNNING") {
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      const end = await queueCounters(sqs, queues.dlqUrl);
      if (task.Status !== "COMPLETED")
        options.progress?.(`redrive ended ${task.Status}: ${task.FailureReason ?? "no reason given"}`);
      // SQS's task moves what the DLQ held when it started; its counts are approximate.
      const toMove = task.ApproximateNumberOfMessagesToMove ?? target;
      return {
        target: toMove,
        moved,
        failed: task.Status === "COMPLETED" ? 0 : Math.max(0, toMove - moved),
        skipped: 0,
        stillInDlq: end.visible + end.inFlight,
        status: task.Status!,
      };
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

/** True when a redrive moved everything it set out to move. */
export function redriveComplete(summary: RedriveSummary): boolean {
  return summary.failed === 0 && summary.moved >= summary.target;
}

/**
 * Cancels the running message move task of this DLQ (CancelMessageMoveTask): what `redrive`
 * says to do when one is already running. Messages already moved stay moved.
 */
export async function cancelRedrive(
  sqs: SQSClient,
  queues: WorkerQueues,
): Promise<{ taskHandle: string; moved: number }> {
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 1 }));
  const running = Results.find((task) => task.Status === "RUNNING");
  if (!running)
    throw new DlqError("no redrive is running for this dead-letter queue: nothing to cancel", EXIT.nothingRunning);
  const { ApproximateNumberOfMessagesMoved = 0 } = await sqs.send(
    new CancelMessageMoveTaskCommand({ TaskHandle: running.TaskHandle! }),
  );
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
    throw new DlqError(
      `the message body is not JSON (${(error as Error).message}): the worker would fail it`,
      EXIT.usage,
    );
  }
  if (queues.fifo && !message.groupId)
    throw new DlqError(
      "the queue is FIFO: pass --group-id (and --dedup-id unless it deduplicates on content)",
      EXIT.usage,
    );
  if (!queues.fifo && (message.groupId || message.deduplicationId))
    throw new DlqError("--group-id and --dedup-id are for FIFO queues only", EXIT.usage);
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
