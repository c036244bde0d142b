import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SqsCommand, SqsInput } from "./stub-sqs";

/** One message of a {@link FakeSqsQueue}. */
interface FakeMessage {
  readonly id: string;
  readonly body: string;
  receiveCount: number;
  visible: boolean;
  receiptHandle: string;
}

/**
 * An in-memory SQS queue with a dead-letter queue, answering the five calls the local runner
 * makes, for deterministic runner tests without an emulator (the e2e suite runs the runner on
 * moto). Modelled on SQS where the runner depends on it: a receive raises
 * ApproximateReceiveCount and hides the message; a message received more than maxReceiveCount
 * times moves to the dead-letter queue at its next receive; a visibility of 0 shows it again.
 * Hidden messages never come back by themselves (no visibility timeout clock): a test that
 * wants a retry runs the runner with `releaseFailed`.
 */
export class FakeSqsQueue {
  readonly queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/fake-queue";
  readonly queueArn = "arn:aws:sqs:us-east-1:123456789012:fake-queue";
  readonly messages: FakeMessage[] = [];
  readonly deadLettered: string[] = [];
  private handles = 0;

  /** @param maxReceiveCount the queue's RedrivePolicy count; `undefined` for a queue without one. */
  constructor(private readonly maxReceiveCount: number | undefined) {}

  /** Adds messages with these ids and JSON bodies. */
  send(...messages: readonly [id: string, body: unknown][]): void {
    for (const [id, body] of messages)
      this.messages.push({ id, body: JSON.stringify(body), receiveCount: 0, visible: true, receiptHandle: "" });
  }

  /** True when no message is left, visible or in flight. */
  get empty(): boolean {
    return this.messages.length === 0;
  }

  /** The client to hand the runner. */
  get client(): SQSClient {
    return {
      send: async (command: SqsCommand) => this.answer(command.constructor.name, command.input),
    } as unknown as SQSClient;
  }

  private async answer(name: string, input: SqsInput): Promise<unknown> {
    switch (name) {
      case "GetQueueAttributesCommand":
        return {
          Attributes: {
            QueueArn: this.queueArn,
            ...(this.maxReceiveCount
              ? {
                  RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: `${this.queueArn}-dlq`,
                    maxReceiveCount: this.maxReceiveCount,
                  }),
                }
              : {}),
          },
        };
      case "ReceiveMessageCommand": {
        const messages = this.receive(input.MaxNumberOfMessages ?? 1);
        // A short long-poll, so that idle pollers do not spin.
        if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        return { Messages: messages, $metadata: { attempts: 1 } };
      }
      case "DeleteMessageBatchCommand":
        return {
          Successful: input.Entries.filter((e) => e.ReceiptHandle !== undefined && this.remove(e.ReceiptHandle)).map(
            (e) => ({ Id: e.Id }),
          ),
        };
      case "ChangeMessageVisibilityBatchCommand":
        for (const entry of input.Entries) {
          const message = this.messages.find((m) => m.receiptHandle === entry.ReceiptHandle);
          if (message && entry.VisibilityTimeout === 0) message.visible = true;
        }
        return { Successful: input.Entries.map((e) => ({ Id: e.Id })) };
      default:
        throw new Error(`FakeSqsQueue does not answer ${name}`);
    }
  }

  private receive(max: number): unknown[] {
    const received: unknown[] = [];
    for (const message of [...this.messages]) {
      if (received.length === max) break;
      if (!message.visible) continue;
      if (this.maxReceiveCount !== undefined && message.receiveCount >= this.maxReceiveCount) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.deadLettered.push(message.id);
        continue;
      }
      message.receiveCount++;
      message.visible = false;
      message.receiptHandle = `rh-${++this.handles}`;
      received.push({
        MessageId: message.id,
        ReceiptHandle: message.receiptHandle,
        Body: message.body,
        MD5OfBody: "",
        Attributes: { ApproximateReceiveCount: String(message.receiveCount) },
      });
    }
    return received;
  }

  private remove(receiptHandle: string): boolean {
    const at = this.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (at >= 0) this.messages.splice(at, 1);
    return at >= 0;
  }
}
