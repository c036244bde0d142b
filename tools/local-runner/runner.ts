import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { judgeBatch } from "./batch-response";
import { ExecutionEnvironment, type InvocationOutcome } from "./execution-environment";
import { extractZip } from "./extract-zip";
import { isMissingQueue } from "../shared/aws-errors";
import { maxReceiveCountOf } from "./redrive-policy";
import {
  failedBatchLine,
  failedRecordLine,
  isDeadLettered,
  isHeldBack,
  RUN_LOG_PREFIX,
  type RunCounts,
} from "./run-report";
import { toSqsEvent } from "./sqs-event";
import type { DeployedWorkerConfig } from "./stack-config";
import { checkZipMatchesStack } from "./zip-hash";
import { inSqsBatches } from "../shared/sqs-batches";

/** Counters of what the runner did, for logs and tests. */
export interface RunnerStats extends RunCounts {
  batches: number;
  records: number;
  deleted: number;
  /** Failed receives: a message failing three times counts three. */
  failedRecords: number;
  /** Distinct messages that failed at least once. */
  failedMessages: number;
  /** Failures on a message's last receive (ApproximateReceiveCount >= maxReceiveCount): SQS moves them to the dead-letter queue. */
  deadLettered: number;
  /** Failed receives of FIFO records held back, not run, behind a failed message of their group (a subset of failedRecords). */
  heldBack: number;
  failedBatches: number;
  /** Batches whose invocation hit the function timeout (a subset of failedBatches). */
  timedOutBatches: number;
  /**
   * ReceiveMessage calls the SDK had to retry. A retried receive may have received messages
   * whose response was lost: they still count as received (and stay invisible) in SQS.
   */
  receiveRetries: number;
  /** DeleteMessageBatch calls that threw: their messages were processed and will come again. */
  deleteErrors: number;
  /** Why whole batches failed, first few only (for logs). */
  batchErrors: string[];
}

/** How to run: the deployed worker's settings plus where its queue is. */
export interface LocalRunnerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly region: string;
  readonly worker: DeployedWorkerConfig;
  /** Long-polling wait of each receive, 1..20 s. @default 20 */
  readonly waitTimeSeconds?: number;
  /** Concurrent batches when the mapping has no maximum concurrency. @default 10 */
  readonly uncappedConcurrency?: number;
  /**
   * Makes failed records visible again at once instead of after the queue's visibility timeout,
   * so that retries and dead-lettering take seconds in the playground. Lambda does not do this.
   * @default false
   */
  readonly releaseFailed?: boolean;
  /** Extra environment variables for the execution environments (tests pass a log path). */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** How long an environment's init may take. @default 10000 - Lambda's init limit */
  readonly initTimeoutMs?: number;
  /** Where the runner's lines go (the failed records among them). @default - standard error */
  readonly log?: (line: string) => void;
}

/**
 * Consumes a queue the way Lambda's event source mapping does, with the exact zip that synth
 * produced: long polling, batches of `batchSize` (gathered over the batching window), at most
 * `maximumConcurrency` batches in flight, each in its own execution environment, deletion of
 * the records that succeeded, failed ones left to reappear after the visibility timeout.
 */
export class LocalRunner {
  public readonly stats: RunnerStats = {
    batches: 0,
    records: 0,
    deleted: 0,
    failedRecords: 0,
    failedMessages: 0,
    deadLettered: 0,
    heldBack: 0,
    failedBatches: 0,
    timedOutBatches: 0,
    receiveRetries: 0,
    deleteErrors: 0,
    batchErrors: [],
  };
  private stopping = false;
  private pollers: Promise<void>[] = [];
  private environments: ExecutionEnvironment[] = [];
  private codeDir: string | undefined;
  private readonly failedIds = new Set<string>();
  /** The count SQS applies: the live queue's, else the stack's (set by start()). */
  private maxReceiveCount: number | undefined;

  constructor(private readonly options: LocalRunnerOptions) {}

  /** Number of batches that may be in flight at once. */
  get concurrency(): number {
    return this.options.worker.maximumConcurrency ?? this.options.uncappedConcurrency ?? 10;
  }

  /**
   * Checks the zip against the stack's `source_code_hash`, extracts it (refusing entries that
   * would land outside the folder), reads the queue, and starts one poller per allowed
   * concurrent batch. Throws one line, leaving nothing behind, when any of that fails.
   */
  async start(): Promise<void> {
    const { worker, sqs, queueUrl } = this.options;
    const zip = fs.readFileSync(worker.zipPath);
    // Checked on the bytes that are then extracted, not on a second read of the file.
    checkZipMatchesStack(zip, worker.zipPath, worker.sourceCodeHash);
    const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), `worker-local-${worker.serviceName}-`));
    let queueArn: string | undefined;
    try {
      extractZip(zip, worker.zipPath, codeDir);
      const attributes = await sqs
        .send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn", "RedrivePolicy"] }))
        .catch((error: Error) => {
          // A missing queue goes up as it is, for the caller to explain; the rest gets the URL.
          throw isMissingQueue(error) ? error : new Error(`could not read queue ${queueUrl}: ${error.message}`);
        });
      queueArn = attributes.Attributes?.QueueArn;
      if (!queueArn) throw new Error(`no QueueArn for ${queueUrl}`);
      // SQS dead-letters by the live queue's policy (which --queue-url may make another queue's);
      // the stack's count stands in when the queue returns none.
      this.maxReceiveCount = maxReceiveCountOf(attributes.Attributes?.RedrivePolicy) ?? worker.maxReceiveCount;
    } catch (error) {
      fs.rmSync(codeDir, { recursive: true, force: true });
      throw error;
    }
    this.codeDir = codeDir;
    for (let i = 0; i < this.concurrency; i++) {
      const environment = new ExecutionEnvironment({
        codeDir: this.codeDir,
        handler: worker.handler,
        functionName: worker.functionName,
        memorySizeMb: worker.memorySizeMb,
        timeoutSeconds: worker.timeoutSeconds,
        // Lambda sets AWS_REGION for the function: the worker's own AWS calls (the idempotency
        // table) go to the queue's region, as they would there.
        environment: { ...worker.environment, AWS_REGION: this.options.region, ...this.options.extraEnvironment },
        initTimeoutMs: this.options.initTimeoutMs,
      });
      this.environments.push(environment);
      this.pollers.push(this.poll(environment, queueArn));
    }
    this.log(
      `${RUN_LOG_PREFIX} ${worker.serviceName}: polling ${queueUrl} with ${this.concurrency} concurrent batches of up to ${worker.batchSize} (timeout ${worker.timeoutSeconds} s)`,
    );
  }

  /** Stops polling, lets batches in flight finish, and releases the environments. */
  async stop(): Promise<RunnerStats> {
    this.stopping = true;
    await Promise.all(this.pollers);
    await Promise.all(this.environments.map((e) => e.shutdown()));
    if (this.codeDir) fs.rmSync(this.codeDir, { recursive: true, force: true });
    return this.stats;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  /** Receives up to `batchSize` messages, for at most the batching window after the first. */
  private async receiveBatch(): Promise<Message[]> {
    const { worker, sqs, queueUrl } = this.options;
    const messages: Message[] = [];
    const windowEnds = Date.now() + worker.maximumBatchingWindowSeconds * 1000;
    do {
      const wait =
        messages.length === 0
          ? (this.options.waitTimeSeconds ?? 20)
          : Math.max(0, Math.ceil((windowEnds - Date.now()) / 1000));
      const response = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, worker.batchSize - messages.length),
          WaitTimeSeconds: Math.min(20, wait),
          MessageSystemAttributeNames: ["All"],
          AttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      );
      this.stats.receiveRetries += Math.max(0, (response.$metadata.attempts ?? 1) - 1);
      messages.push(...(response.Messages ?? []));
      if (messages.length === 0 && this.stopping) break;
    } while (messages.length > 0 && messages.length < worker.batchSize && Date.now() < windowEnds && !this.stopping);
    return messages;
  }

  /** With `releaseFailed`, makes `failed` visible again now; a failure to do so is only logged (the timeout releases them anyway). */
  private async release(failed: readonly Message[]): Promise<void> {
    if (!this.options.releaseFailed) return;
    for (const batch of inSqsBatches(failed)) {
      const entries = batch.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
      try {
        await this.options.sqs.send(
          new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }),
        );
      } catch (error) {
        this.log(`${RUN_LOG_PREFIX}: could not release failed messages: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Counts and prints each failed record with the reason its worker logged for it (the
   * `record-failed` line captured in its environment), else `fallbackReason`.
   */
  private noteFailures(failed: readonly Message[], outcome: InvocationOutcome, fallbackReason: string): void {
    for (const message of failed) {
      const messageId = message.MessageId ?? "";
      const receiveCount = Number(message.Attributes?.ApproximateReceiveCount);
      const failure = {
        messageId,
        receiveCount: Number.isInteger(receiveCount) ? receiveCount : undefined,
        maxReceiveCount: this.maxReceiveCount,
        reason: outcome.recordErrors?.[messageId] ?? fallbackReason,
      };
      this.stats.failedRecords++;
      if (!this.failedIds.has(messageId)) {
        this.failedIds.add(messageId);
        this.stats.failedMessages++;
      }
      if (isDeadLettered(failure)) this.stats.deadLettered++;
      if (isHeldBack(failure)) this.stats.heldBack++;
      this.log(failedRecordLine(this.options.worker.serviceName, failure));
    }
  }

  private async poll(environment: ExecutionEnvironment, queueArn: string): Promise<void> {
    const { worker, sqs, queueUrl, region } = this.options;
    while (!this.stopping) {
      let messages: Message[];
      try {
        messages = await this.receiveBatch();
      } catch (error) {
        this.log(`${RUN_LOG_PREFIX}: receive failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (messages.length === 0) continue;
      const ids = messages.map((m) => m.MessageId ?? "");
      const outcome = await environment.invoke(toSqsEvent(messages, { queueArn, region }));
      const verdict = judgeBatch(outcome, ids, worker.reportBatchItemFailures);
      this.stats.batches++;
      this.stats.records += messages.length;
      if (verdict.kind === "batch-failed") {
        this.stats.failedBatches++;
        if (!outcome.ok && outcome.error.name === "Sandbox.Timedout") this.stats.timedOutBatches++;
        if (this.stats.batchErrors.length < 10) this.stats.batchErrors.push(verdict.reason);
        const reasonsFollow =
          !outcome.ok &&
          outcome.error.name === "FullBatchFailureError" &&
          messages.every((m) => outcome.recordErrors?.[m.MessageId ?? ""] !== undefined);
        this.log(
          failedBatchLine(
            worker.serviceName,
            messages.length,
            outcome.ok ? { message: verdict.reason } : { name: outcome.error.name, message: verdict.reason },
            reasonsFollow,
          ),
        );
        this.noteFailures(messages, outcome, verdict.reason);
        await this.release(messages); // otherwise every record reappears after the visibility timeout
        continue;
      }
      const failed = messages.filter((m) => verdict.failedIds.has(m.MessageId ?? ""));
      this.noteFailures(failed, outcome, "no reason logged");
      await this.release(failed);
      const succeeded = messages.filter((m) => !verdict.failedIds.has(m.MessageId ?? ""));
      for (const chunk of inSqsBatches(succeeded)) {
        try {
          const result = await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
          this.stats.deleted += result.Successful?.length ?? 0;
          for (const failed of result.Failed ?? [])
            this.log(`${RUN_LOG_PREFIX}: delete failed: ${failed.Code} ${failed.Message}`);
        } catch (error) {
          // As on Lambda: the records were processed but stay in the queue, to be delivered
          // again after the visibility timeout (at-least-once). The runner goes on.
          this.stats.deleteErrors++;
          this.log(
            `${RUN_LOG_PREFIX}: delete of ${chunk.length} processed messages failed (they will be delivered again): ${(error as Error).message}`,
          );
        }
      }
    }
  }
}
