import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SqsCommand, SqsInput } from "./stub-sqs";

/**
 * An in-memory SQS with the semantics the client-side redrive depends on: visibility timeouts and
 * receipt handles (a new handle per receive; an older one stops working), FIFO groups (a group
 * with a message in flight delivers nothing) and FIFO deduplication within a window, on a clock
 * the test moves. Used to stop a redrive before or after every call it makes.
 */
export interface FakeMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Record<string, { DataType?: string; StringValue?: string }>;
  readonly group?: string;
  readonly dedup?: string;
  receiveCount: number;
  invisibleUntil: number;
  handle?: string;
}

export class FakeQueue {
  readonly messages: FakeMessage[] = [];
  readonly deduplicated = new Map<string, { at: number; id: string }>();
  constructor(
    readonly url: string,
    readonly fifo: boolean,
  ) {}
}

/** Thrown by a {@link FakeSqs} whose process "died": every call from then on fails. */
export class Crash extends Error {
  constructor() {
    super("crashed");
    this.name = "Crash";
  }
}

export class FakeSqs {
  now = 1_000_000;
  dedupWindowMs = 5 * 60_000;
  calls: string[] = [];
  /** Stop at the n-th call (1-based): "before" it reaches SQS, or "after" SQS applied it and before the answer arrives. */
  crashAt?: { readonly call: number; readonly when: "before" | "after" };
  crashed = false;
  private nextId = 0;
  private readonly queues = new Map<string, FakeQueue>();

  queue(url: string, fifo: boolean): FakeQueue {
    const queue = new FakeQueue(url, fifo);
    this.queues.set(url, queue);
    return queue;
  }

  /** Every message of a queue, visible or not. */
  queueMessages(url: string): readonly FakeMessage[] {
    return this.queues.get(url)!.messages;
  }

  /** A client whose `send` runs against this fake (and crashes where told). */
  client(): SQSClient {
    return {
      // The executor runs at once: a crash is the call's rejection, thrown when the call is sent.
      send: (command: SqsCommand) =>
        new Promise((resolve) => resolve(this.send(command.constructor.name, command.input))),
    } as unknown as SQSClient;
  }

  add(
    url: string,
    body: string,
    options: { group?: string; dedup?: string; attributes?: FakeMessage["attributes"] } = {},
  ): FakeMessage {
    const message: FakeMessage = {
      id: `m-${this.nextId++}`,
      body,
      attributes: options.attributes ?? {},
      group: options.group,
      dedup: options.dedup,
      receiveCount: 0,
      invisibleUntil: 0,
    };
    this.queues.get(url)!.messages.push(message);
    return message;
  }

  private send(name: string, input: SqsInput): unknown {
    if (this.crashed) throw new Crash();
    this.calls.push(name);
    const n = this.calls.length;
    if (this.crashAt?.call === n && this.crashAt.when === "before") {
      this.crashed = true;
      throw new Crash();
    }
    const answer = this.apply(name, input);
    if (this.crashAt?.call === n && this.crashAt.when === "after") {
      this.crashed = true;
      throw new Crash();
    }
    return answer;
  }

  private apply(name: string, input: SqsInput): unknown {
    const queue = this.queues.get(input.QueueUrl)!;
    const visible = (m: FakeMessage) => m.invisibleUntil <= this.now;
    switch (name) {
      case "GetQueueAttributesCommand":
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(queue.messages.filter(visible).length),
            ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => !visible(m)).length),
            ApproximateNumberOfMessagesDelayed: "0",
          },
        };
      case "ReceiveMessageCommand": {
        const busyGroups = new Set(queue.messages.filter((m) => !visible(m) && m.group).map((m) => m.group));
        const picked: FakeMessage[] = [];
        for (const m of queue.messages) {
          if (picked.length >= input.MaxNumberOfMessages) break;
          if (!visible(m) || (queue.fifo && busyGroups.has(m.group))) continue;
          picked.push(m);
        }
        return {
          Messages: picked.map((m) => {
            m.receiveCount++;
            m.invisibleUntil = this.now + input.VisibilityTimeout * 1000;
            m.handle = `rh-${m.id}-${m.receiveCount}`;
            return {
              MessageId: m.id,
              ReceiptHandle: m.handle,
              Body: m.body,
              MessageAttributes: m.attributes,
              Attributes: {
                ApproximateReceiveCount: String(m.receiveCount),
                ...(m.group ? { MessageGroupId: m.group } : {}),
                ...(m.dedup ? { MessageDeduplicationId: m.dedup } : {}),
              },
            };
          }),
        };
      }
      case "SendMessageBatchCommand": {
        const Successful = input.Entries.map((entry) => {
          const seen = entry.MessageDeduplicationId ? queue.deduplicated.get(entry.MessageDeduplicationId) : undefined;
          if (seen && this.now - seen.at < this.dedupWindowMs) return { Id: entry.Id, MessageId: seen.id };
          const message = this.add(queue.url, entry.MessageBody ?? "", {
            group: entry.MessageGroupId,
            dedup: entry.MessageDeduplicationId,
            attributes: entry.MessageAttributes,
          });
          if (entry.MessageDeduplicationId)
            queue.deduplicated.set(entry.MessageDeduplicationId, { at: this.now, id: message.id });
          return { Id: entry.Id, MessageId: message.id };
        });
        return { Successful, Failed: [] };
      }
      case "DeleteMessageBatchCommand":
      case "ChangeMessageVisibilityBatchCommand": {
        const Successful: { Id: string }[] = [];
        const Failed: { Id: string; Code: string; SenderFault: boolean }[] = [];
        for (const entry of input.Entries as { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[]) {
          const index = queue.messages.findIndex((m) => m.handle === entry.ReceiptHandle);
          if (index < 0) {
            Failed.push({ Id: entry.Id, Code: "ReceiptHandleIsInvalid", SenderFault: true });
            continue;
          }
          if (name === "DeleteMessageBatchCommand") queue.messages.splice(index, 1);
          else queue.messages[index].invisibleUntil = this.now + (entry.VisibilityTimeout ?? 0) * 1000;
          Successful.push({ Id: entry.Id });
        }
        return { Successful, Failed };
      }
      default:
        throw new Error(`the fake SQS does not implement ${name}`);
    }
  }
}
