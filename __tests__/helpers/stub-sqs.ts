import type { SQSClient } from "@aws-sdk/client-sqs";
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

/** Answers one command's input; a thrown error is the call's error. */
export type Handler = (input: Record<string, any>) => unknown;

/** A stub SQS client answering each command by its class name, and recording every call. */
export function stubSqs(handlers: Record<string, Handler>): {
  client: SQSClient;
  calls: { command: string; input: Record<string, any> }[];
} {
  const calls: { command: string; input: Record<string, any> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, any> }) => {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected ${name}`);
      return handler(command.input);
    },
  } as unknown as SQSClient;
  return { client, calls };
}
