import * as fs from "fs";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { LocalRunner, type RunnerStats } from "../../tools/local-runner/runner";
import type { DeployedWorkerConfig } from "../../tools/local-runner/stack-config";
import type { ScenarioLogEntry, ScenarioMessage } from "./scenario-worker";

/** Sends every message, ten per SendMessageBatch call, a few calls at a time. */
export async function sendAll(sqs: SQSClient, queueUrl: string, messages: readonly ScenarioMessage[]): Promise<void> {
  const chunks: ScenarioMessage[][] = [];
  for (let i = 0; i < messages.length; i += 10) chunks.push(messages.slice(i, i + 10));
  for (let i = 0; i < chunks.length; i += 8) {
    await Promise.all(
      chunks.slice(i, i + 8).map(async (chunk) => {
        const result = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((m, n) => ({ Id: String(n), MessageBody: JSON.stringify(m) })),
          }),
        );
        if (result.Failed?.length) throw new Error(`send failed: ${JSON.stringify(result.Failed)}`);
      }),
    );
  }
}

export { queueDepth } from "../../tools/shared/queue-depth";

/** Creates a plain queue (no construct, no DLQ) with the given visibility timeout; FIFO when the name ends in .fifo. */
export async function createQueue(sqs: SQSClient, name: string, visibilityTimeoutSeconds: number): Promise<string> {
  const fifo = name.endsWith(".fifo") ? { FifoQueue: "true" } : {};
  const result = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds), ...fifo },
    }),
  );
  return result.QueueUrl!;
}

/** Sends every message to a FIFO queue, each in its own message group (so they run in parallel), deduplicated by its index. */
export async function sendAllFifo(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly ScenarioMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, n) => ({
          Id: String(n),
          MessageBody: JSON.stringify(m),
          MessageGroupId: `group-${i + n}`,
          MessageDeduplicationId: `dedup-${i + n}`,
        })),
      }),
    );
    if (result.Failed?.length) throw new Error(`send failed: ${JSON.stringify(result.Failed)}`);
  }
}

/** Receives and deletes every message of a queue, returning them. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 300,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** Every line of a scenario log. */
export function readLog(file: string): ScenarioLogEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ScenarioLogEntry);
}

/**
 * Runs the local runner on a queue until `until` holds on two checks in a row (the queue
 * counters are approximate) or the timeout passes, then stops it and returns its counters.
 */
export async function runScenario(options: {
  sqs: SQSClient;
  queueUrl: string;
  worker: DeployedWorkerConfig;
  logFile: string;
  until: () => Promise<boolean>;
  timeoutMs: number;
  /** More environment for the execution environments (the emulator's endpoint for DynamoDB). */
  environment?: Readonly<Record<string, string>>;
}): Promise<RunnerStats> {
  const runner = new LocalRunner({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    region: "us-east-1",
    worker: options.worker,
    waitTimeSeconds: 1,
    extraEnvironment: { ...options.environment, SCENARIO_LOG: options.logFile },
    log: (l) => {
      if (process.env.RUNNER_LOG) console.error(l);
    },
  });
  await runner.start();
  const deadline = Date.now() + options.timeoutMs;
  try {
    let hits = 0;
    while (hits < 2) {
      if (Date.now() > deadline)
        throw new Error(`scenario did not finish within ${options.timeoutMs} ms: ${JSON.stringify(runner.stats)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      hits = (await options.until()) ? hits + 1 : 0;
    }
  } finally {
    await runner.stop();
  }
  return runner.stats;
}
