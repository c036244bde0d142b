import type { MessageAttributeValue, SQSClient } from "@aws-sdk/client-sqs";
import type { WorkerQueues } from "../../tools/dlq/resolve";

/** The queues of an `orders` service, as the DLQ tool resolves them (unit tests against stub clients). */
export const ORDERS_QUEUES: WorkerQueues = {
  queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue",
  queueArn: "arn:aws:sqs:us-east-1:123456789012:orders-queue",
  dlqUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq",
  dlqArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
  fifo: false,
  alarmName: "orders-dlq-not-empty",
  alarmNames: ["orders-dlq-not-empty"],
  logGroupName: "/aws/lambda/orders-worker",
};

/** One entry of a batch call: SendMessageBatch, DeleteMessageBatch or ChangeMessageVisibilityBatch. */
export interface SqsBatchEntry {
  readonly Id: string;
  readonly MessageBody?: string;
  readonly ReceiptHandle?: string;
  readonly VisibilityTimeout?: number;
  readonly MessageAttributes?: Record<string, MessageAttributeValue>;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

/**
 * The input of an SQS call as the stubs read it: every field some call of the tools sends, typed
 * as that call has it. A field belongs to its calls only (`Entries` to the batch calls): a
 * handler reads the fields of the call it answers.
 */
export interface SqsInput {
  readonly QueueUrl: string;
  readonly QueueName: string;
  readonly Entries: readonly SqsBatchEntry[];
  readonly ReceiptHandle: string;
  readonly VisibilityTimeout: number;
  readonly MaxNumberOfMessages: number;
  readonly WaitTimeSeconds?: number;
  readonly AttributeNames?: readonly string[];
  readonly MessageBody: string;
  readonly MessageAttributes?: Record<string, MessageAttributeValue>;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
  readonly SourceArn: string;
  readonly DestinationArn?: string;
  readonly MaxNumberOfMessagesPerSecond?: number;
  readonly TaskHandle: string;
}

/** An SQS command as a stub's `send` receives it: its class names the call. */
export interface SqsCommand {
  readonly constructor: { readonly name: string };
  readonly input: SqsInput;
}

/** Answers one command's input; a thrown error is the call's error. */
export type Handler = (input: SqsInput) => unknown;

/** A stub SQS client answering each command by its class name, and recording every call. */
export function stubSqs(handlers: Record<string, Handler>): {
  client: SQSClient;
  calls: { command: string; input: SqsInput }[];
} {
  const calls: { command: string; input: SqsInput }[] = [];
  const client = {
    send: (command: SqsCommand) => {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      const handler = handlers[name];
      // The executor runs at once: the handler answers when the call is sent, and its throw is the call's rejection.
      return new Promise((resolve) => {
        if (!handler) throw new Error(`unexpected ${name}`);
        resolve(handler(command.input));
      });
    },
  } as unknown as SQSClient;
  return { client, calls };
}
