import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { DlqError, EXIT } from "./errors";
import type { WorkerQueues } from "./resolve";

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

/** `peek`: prints DLQ messages (as lines, or JSON with --json) and leaves them in the DLQ. */
export async function peekCommand(
  sqs: SQSClient,
  queues: WorkerQueues,
  options: { readonly count: number; readonly json: boolean },
  out: (line: string) => void,
): Promise<void> {
  const messages = await peekMessages(sqs, queues.dlqUrl, options.count);
  if (messages.length === 0) throw new DlqError("the dead-letter queue is empty", EXIT.empty);
  const rows = messages.map((m) => ({
    id: m.MessageId,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount),
    firstSent: new Date(Number(m.Attributes?.SentTimestamp)).toISOString(),
    body: m.Body,
    attributes: m.MessageAttributes ?? {},
    ...(queues.fifo ? { messageGroupId: m.Attributes?.MessageGroupId } : {}),
  }));
  if (options.json) out(JSON.stringify(rows, null, 2));
  else for (const r of rows) out(`${r.id}  received ${r.receiveCount}x  first sent ${r.firstSent}\n  body: ${r.body}\n  attributes: ${JSON.stringify(r.attributes)}`);
}
