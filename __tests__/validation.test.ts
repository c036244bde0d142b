import { partitionOfRegion } from "../modules/sqs-worker/aws-identifiers";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import {
  MAX_SERVICE_NAME_LENGTH,
  SqsWorker,
  SqsWorkerConfigError,
  WORKER_RULES,
  findViolations,
  resolveEntry,
  resolveSqsWorkerConfig,
  type SqsWorkerProps,
  type SqsWorkerViolation,
} from "../modules/internal";
import { TEST_ENTRY } from "./helpers/props";
import { formatViolation } from "../modules/sqs-worker/config-error";
import { fixedBoundProvider, useBoundProviderSource } from "../modules/sqs-worker/bound-provider";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
type Overrides = Omit<Partial<SqsWorkerProps>, "lambda"> & {
  lambda?: Partial<SqsWorkerProps["lambda"]>;
};

/**
 * Builds a worker and returns every violation it was rejected for ([] when it was accepted);
 * with `awsVersion`, as if the installed bindings targeted that hashicorp/aws version.
 */
function violationsFor(overrides: Overrides, awsVersion?: string): SqsWorkerViolation[] {
  const stack = new TerraformStack(Testing.app(), "test");
  const restore = awsVersion ? useBoundProviderSource(fixedBoundProvider(awsVersion)) : () => undefined;
  try {
    new SqsWorker(stack, "Worker", {
      serviceName: "orders",
      alarmTopicArn: TOPIC,
      ...overrides,
      lambda: { entry: TEST_ENTRY, ...overrides.lambda },
    });
    return [];
  } catch (error) {
    if (!(error instanceof SqsWorkerConfigError)) throw error;
    return [...error.violations];
  } finally {
    restore();
  }
}

/** The one-line messages of the violations of `path`. */
function messagesAt(overrides: Overrides, path: string, awsVersion?: string): string[] {
  return violationsFor(overrides, awsVersion)
    .filter((v) => v.path === path)
    .map(formatViolation);
}

const name = (length: number) => "s".repeat(length);
const fifo = { fifo: true } as const;

/**
 * One row per rule: a value just outside the rule (fails) and one just inside (passes),
 * with the message fragment the failure must show.
 */
/**
 * `awsVersion` pretends the bindings target that hashicorp/aws version for the passing case,
 * `failingAwsVersion` for the failing one; without them the installed 20.1.0 (aws 5.100.0) is read.
 */
const cases: {
  rule: string;
  path: string;
  failing: Overrides;
  passing: Overrides;
  expected: string;
  awsVersion?: string;
  failingAwsVersion?: string;
}[] = [
  {
    rule: "service name characters",
    path: "serviceName",
    failing: { serviceName: "-orders" },
    passing: { serviceName: "o" },
    expected: 'must start with a letter or digit and hold only A-Z a-z 0-9 _ - (given "-orders")',
  },
  {
    rule: "service name with a space",
    path: "serviceName",
    failing: { serviceName: "my orders" },
    passing: { serviceName: "my_orders-2" },
    expected: "must start with a letter or digit",
  },
  {
    rule: "function and role name length",
    path: "serviceName",
    failing: { serviceName: name(MAX_SERVICE_NAME_LENGTH + 1) },
    passing: { serviceName: name(MAX_SERVICE_NAME_LENGTH) },
    expected: `function and role name ${JSON.stringify(`${name(58)}-worker`)}`,
  },
  {
    rule: "FIFO names fit at the longest service name",
    path: "serviceName",
    failing: { serviceName: name(MAX_SERVICE_NAME_LENGTH + 1), queue: fifo },
    passing: { serviceName: name(MAX_SERVICE_NAME_LENGTH), queue: fifo },
    expected: "must give a valid function and role name",
  },
  {
    rule: "name prefix characters",
    path: "namePrefix",
    failing: { namePrefix: "dev." },
    passing: { namePrefix: "dev-" },
    expected: 'orders: namePrefix must hold only A-Z a-z 0-9 _ - (given "dev.")',
  },
  {
    rule: "the name prefix counts toward the name length",
    path: "serviceName",
    failing: { serviceName: name(MAX_SERVICE_NAME_LENGTH - 3), namePrefix: "dev-" },
    passing: { serviceName: name(MAX_SERVICE_NAME_LENGTH - 4), namePrefix: "dev-" },
    expected: `with namePrefix "dev-", function and role name ${JSON.stringify(`dev-${name(MAX_SERVICE_NAME_LENGTH - 3)}-worker`)}`,
  },
  {
    rule: "lambda entry is required",
    path: "lambda.entry",
    failing: { lambda: { entry: undefined } },
    passing: { lambda: { entry: TEST_ENTRY } },
    expected:
      "orders: lambda.entry is required: the path of the service's worker file, which exports `handler` (e.g. makeHandler from sqs-worker-cdktf/worker) (given undefined)",
  },
  {
    rule: "lambda entry exists",
    path: "lambda.entry",
    failing: { lambda: { entry: "./no-such-worker.ts" } },
    passing: { lambda: { entry: TEST_ENTRY } },
    expected:
      'orders: lambda.entry must name an existing file (a relative path resolves against the folder of the app\'s main script) (given "./no-such-worker.ts", resolved to',
  },
  {
    rule: "runtime nodejs20.x, which AWS no longer creates",
    path: "lambda.runtime",
    failing: { lambda: { runtime: "nodejs20.x" as never } },
    passing: { lambda: { runtime: "nodejs22.x" } },
    expected:
      'orders: lambda.runtime must be one of "nodejs22.x", "nodejs24.x" (AWS blocks creating nodejs20.x functions since 2026-08-31) (given "nodejs20.x")',
  },
  // The installed bindings (20.1.0) target 5.100.0, which rejects nodejs24.x; 6.19.0 accepts it.
  {
    rule: "runtime nodejs24.x with a provider older than 6.19",
    path: "lambda.runtime",
    failing: { lambda: { runtime: "nodejs24.x" } },
    passing: { lambda: { runtime: "nodejs24.x" } },
    awsVersion: "6.19.0",
    expected:
      'orders: lambda.runtime "nodejs24.x" (Lambda) needs hashicorp/aws >= 6.19.0 (@cdktf/provider-aws >= 21.16.0); the installed provider rejects it (given "nodejs24.x"; installed: @cdktf/provider-aws 20.1.0, hashicorp/aws 5.100.0)',
  },
  {
    rule: "architecture",
    path: "lambda.architecture",
    failing: { lambda: { architecture: "arm" as never } },
    passing: { lambda: { architecture: "x86_64" } },
    expected: 'orders: lambda.architecture must be one of "arm64", "x86_64" (given "arm")',
  },
  {
    rule: "tracing mode",
    path: "lambda.tracing",
    failing: { lambda: { tracing: "active" as never } },
    passing: { lambda: { tracing: "PassThrough" } },
    expected: 'orders: lambda.tracing must be one of "Active", "PassThrough" (given "active")',
  },
  {
    rule: "environment values are strings",
    path: "lambda.environment",
    failing: { lambda: { environment: { RETRIES: 3 as never, DEBUG: true as never, OK: "x" } } },
    passing: { lambda: { environment: { RETRIES: "3" } } },
    expected:
      "orders: lambda.environment values must be strings (Lambda passes every value as text: write numbers and booleans as strings) (given RETRIES=3, DEBUG=true)",
  },
  {
    rule: "environment key pattern",
    path: "lambda.environment",
    failing: { lambda: { environment: { "1ST": "x", "A-B": "y", A: "z" } } },
    passing: { lambda: { environment: { AB: "x", a_1: "y" } } },
    expected:
      'keys must match ^[a-zA-Z]([a-zA-Z0-9_])+$ (a letter, then letters, digits or _) (given "1ST", "A-B", "A")',
  },
  {
    rule: "reserved environment keys",
    path: "lambda.environment",
    failing: { lambda: { environment: { AWS_REGION: "x", TZ: "UTC", _HANDLER: "y" } } },
    passing: { lambda: { environment: { AWS_REGIONS: "x" } } },
    expected:
      "must not set keys Lambda reserves for itself (its defined runtime environment variables) (given AWS_REGION, TZ, _HANDLER)",
  },
  {
    rule: "environment size",
    path: "lambda.environment",
    failing: { lambda: { environment: { AB: "x".repeat(4095) } } },
    passing: { lambda: { environment: { AB: "x".repeat(4094) } } },
    expected: "keys and values together must be at most 4096 bytes (Lambda's 4 KB limit) (given 4097 bytes)",
  },
  {
    rule: "lambda timeout minimum",
    path: "lambda.timeoutSeconds",
    failing: { lambda: { timeoutSeconds: 0 } },
    passing: { lambda: { timeoutSeconds: 1 } },
    expected: "orders: lambda.timeoutSeconds must be an integer from 1 to 900 (given 0)",
  },
  {
    rule: "lambda timeout maximum",
    path: "lambda.timeoutSeconds",
    failing: { lambda: { timeoutSeconds: 901 } },
    passing: { lambda: { timeoutSeconds: 900 } },
    expected: "(given 901)",
  },
  {
    rule: "lambda timeout is an integer",
    path: "lambda.timeoutSeconds",
    failing: { lambda: { timeoutSeconds: 1.5 } },
    passing: { lambda: { timeoutSeconds: 2 } },
    expected: "must be an integer from 1 to 900 (given 1.5)",
  },
  {
    rule: "memory minimum",
    path: "lambda.memorySizeMb",
    failing: { lambda: { memorySizeMb: 127 } },
    passing: { lambda: { memorySizeMb: 128 } },
    expected: "must be an integer from 128 to 10240 (given 127)",
  },
  {
    rule: "memory maximum",
    path: "lambda.memorySizeMb",
    failing: { lambda: { memorySizeMb: 10_241 } },
    passing: { lambda: { memorySizeMb: 10_240 } },
    expected: "(given 10241)",
  },
  {
    rule: "log retention",
    path: "lambda.logRetentionDays",
    failing: { lambda: { logRetentionDays: 2 } },
    passing: { lambda: { logRetentionDays: 3 } },
    expected: "must be one of 1, 3, 5",
  },
  {
    rule: "reserved concurrency",
    path: "lambda.reservedConcurrency",
    failing: { lambda: { reservedConcurrency: -1 } },
    passing: { lambda: { reservedConcurrency: 10 } },
    expected: "orders: lambda.reservedConcurrency must be an integer from 0 to 99899 (given -1)",
  },
  {
    rule: "reserved concurrency above what any account can reserve",
    path: "lambda.reservedConcurrency",
    failing: { lambda: { reservedConcurrency: 99_900 } },
    passing: { lambda: { reservedConcurrency: 99_899 } },
    expected: "orders: lambda.reservedConcurrency must be an integer from 0 to 99899 (given 99900)",
  },
  {
    rule: "reserved concurrency of 100,000, beside the default account limit",
    path: "lambda.reservedConcurrency",
    failing: { lambda: { reservedConcurrency: 100_000 } },
    passing: { lambda: { reservedConcurrency: 1000 } },
    expected: "(given 100000)",
  },
  {
    rule: "reserved concurrency of 2^53",
    path: "lambda.reservedConcurrency",
    failing: { lambda: { reservedConcurrency: 2 ** 53 } },
    passing: { lambda: { reservedConcurrency: 0 } },
    expected: "(given 9007199254740992)",
  },
  {
    rule: "reserved concurrency of 1e21, which terraform validate rejects",
    path: "lambda.reservedConcurrency",
    failing: { lambda: { reservedConcurrency: 1e21 } },
    passing: { lambda: {} },
    expected: "(given 1e+21)",
  },
  {
    rule: "visibility timeout range",
    path: "queue.visibilityTimeoutSeconds",
    failing: { queue: { visibilityTimeoutSeconds: 43_201 } },
    passing: { queue: { visibilityTimeoutSeconds: 43_200 } },
    expected: "must be an integer from 0 to 43200 (given 43201)",
  },
  {
    rule: "visibility timeout >= lambda timeout",
    path: "queue.visibilityTimeoutSeconds",
    failing: { lambda: { timeoutSeconds: 60 }, queue: { visibilityTimeoutSeconds: 59 } },
    passing: { lambda: { timeoutSeconds: 60 }, queue: { visibilityTimeoutSeconds: 60 } },
    expected:
      "must be >= lambda.timeoutSeconds, or a message still being processed becomes visible again and is processed twice (given visibilityTimeoutSeconds 59, lambda.timeoutSeconds 60)",
  },
  {
    rule: "retention minimum",
    path: "queue.messageRetentionSeconds",
    failing: { queue: { messageRetentionSeconds: 59 } },
    passing: { lambda: { timeoutSeconds: 1 }, queue: { messageRetentionSeconds: 60, visibilityTimeoutSeconds: 20 } },
    expected: "must be an integer from 60 to 1209600 (given 59)",
  },
  {
    rule: "retention shorter than the retry cycle (300 s, visibility 180 s, 3 receives)",
    path: "queue.messageRetentionSeconds",
    failing: {
      queue: { messageRetentionSeconds: 300, visibilityTimeoutSeconds: 180 },
      deadLetterQueue: { maxReceiveCount: 3 },
    },
    passing: {
      queue: { messageRetentionSeconds: 540, visibilityTimeoutSeconds: 180 },
      deadLetterQueue: { maxReceiveCount: 3 },
    },
    expected:
      "orders: queue.messageRetentionSeconds must be at least queue.delaySeconds + deadLetterQueue.maxReceiveCount × queue.visibilityTimeoutSeconds: a message is first received after its delay, " +
      "each failed receive hides it for one visibility timeout, and SQS moves it to the dead-letter queue only when it is received again after its last failure, " +
      "so with less a poison message expires before it reaches the dead-letter queue, and no alarm fires " +
      "(given messageRetentionSeconds 300, at least 540 needed: delaySeconds 0 + maxReceiveCount 3 × visibilityTimeoutSeconds 180)",
  },
  {
    rule: "retention one second short of the retry cycle",
    path: "queue.messageRetentionSeconds",
    failing: { queue: { messageRetentionSeconds: 539, visibilityTimeoutSeconds: 180 } },
    passing: { queue: { messageRetentionSeconds: 540, visibilityTimeoutSeconds: 180 } },
    expected: "(given messageRetentionSeconds 539, at least 540 needed",
  },
  {
    rule: "the delay counts once toward the retry cycle",
    path: "queue.messageRetentionSeconds",
    failing: {
      queue: { messageRetentionSeconds: 1099, delaySeconds: 100, visibilityTimeoutSeconds: 200 },
      deadLetterQueue: { maxReceiveCount: 5 },
    },
    passing: {
      queue: { messageRetentionSeconds: 1100, delaySeconds: 100, visibilityTimeoutSeconds: 200 },
      deadLetterQueue: { maxReceiveCount: 5 },
    },
    expected:
      "(given messageRetentionSeconds 1099, at least 1100 needed: delaySeconds 100 + maxReceiveCount 5 × visibilityTimeoutSeconds 200)",
  },
  {
    // The window runs inside the visibility timeout (Lambda holds what it received while it fills a batch).
    rule: "the batching window does not lengthen the retry cycle",
    path: "queue.messageRetentionSeconds",
    failing: {
      queue: { messageRetentionSeconds: 899, visibilityTimeoutSeconds: 300 },
      eventSource: { maximumBatchingWindowSeconds: 60 },
    },
    passing: {
      queue: { messageRetentionSeconds: 900, visibilityTimeoutSeconds: 300 },
      eventSource: { maximumBatchingWindowSeconds: 60 },
    },
    expected:
      "(given messageRetentionSeconds 899, at least 900 needed: delaySeconds 0 + maxReceiveCount 3 × visibilityTimeoutSeconds 300)",
  },
  {
    rule: "retention maximum",
    path: "queue.messageRetentionSeconds",
    failing: { queue: { messageRetentionSeconds: 1_209_601 } },
    passing: { queue: { messageRetentionSeconds: 1_209_600 } },
    expected: "(given 1209601)",
  },
  {
    rule: "delay",
    path: "queue.delaySeconds",
    failing: { queue: { delaySeconds: 901 } },
    passing: { queue: { delaySeconds: 900 } },
    expected: "must be an integer from 0 to 900 (given 901)",
  },
  {
    rule: "receive wait",
    path: "queue.receiveWaitTimeSeconds",
    failing: { queue: { receiveWaitTimeSeconds: 21 } },
    passing: { queue: { receiveWaitTimeSeconds: 20 } },
    expected: "must be an integer from 0 to 20 (given 21)",
  },
  {
    rule: "content-based deduplication only on FIFO",
    path: "queue.contentBasedDeduplication",
    failing: { queue: { contentBasedDeduplication: true } },
    passing: { queue: { fifo: true, contentBasedDeduplication: true } },
    expected: "can only be set on a FIFO queue (queue.fifo: true) (given contentBasedDeduplication true, fifo false)",
  },
  {
    rule: "KMS key ARN",
    path: "queue.kmsKeyArn",
    failing: { queue: { kmsKeyArn: "alias/orders" } },
    passing: { queue: { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
    expected:
      'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), which IAM can scope the worker\'s kms:Decrypt to (given "alias/orders")',
  },
  {
    rule: "KMS key ARN with a malformed region",
    path: "queue.kmsKeyArn",
    failing: { queue: { kmsKeyArn: "arn:aws:kms:us-east1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
    passing: {
      queue: { kmsKeyArn: "arn:aws:kms:ap-southeast-7:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    },
    expected:
      'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), which IAM can scope the worker\'s kms:Decrypt to (given "arn:aws:kms:us-east1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")',
  },
  {
    rule: "KMS key in a partition that does not exist (IAM: MalformedPolicyDocument at apply)",
    path: "queue.kmsKeyArn",
    failing: {
      queue: { kmsKeyArn: "arn:aws-foo:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    },
    passing: {
      queue: { kmsKeyArn: "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    },
    expected:
      'orders: queue.kmsKeyArn must be in a real AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc) (given "arn:aws-foo:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")',
  },
  {
    rule: "maxReceiveCount minimum",
    path: "deadLetterQueue.maxReceiveCount",
    failing: { deadLetterQueue: { maxReceiveCount: 0 } },
    passing: { deadLetterQueue: { maxReceiveCount: 1 } },
    expected: "orders: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)",
  },
  {
    rule: "maxReceiveCount maximum",
    path: "deadLetterQueue.maxReceiveCount",
    failing: { deadLetterQueue: { maxReceiveCount: 1001 } },
    passing: { deadLetterQueue: { maxReceiveCount: 1000 } },
    expected: "(given 1001)",
  },
  {
    rule: "DLQ retention",
    path: "deadLetterQueue.messageRetentionSeconds",
    failing: { deadLetterQueue: { messageRetentionSeconds: 1_209_601 } },
    passing: { deadLetterQueue: { messageRetentionSeconds: 1_209_600 } },
    expected: "must be an integer from 60 to 1209600 (given 1209601)",
  },
  {
    rule: "batch size minimum",
    path: "eventSource.batchSize",
    failing: { eventSource: { batchSize: 0 } },
    passing: { eventSource: { batchSize: 1 } },
    expected: "must be an integer from 1 to 10000 (given 0)",
  },
  {
    rule: "batch size maximum",
    path: "eventSource.batchSize",
    failing: { eventSource: { batchSize: 10_001, maximumBatchingWindowSeconds: 1 } },
    passing: { eventSource: { batchSize: 10_000, maximumBatchingWindowSeconds: 1 } },
    expected: "(given 10001)",
  },
  {
    rule: "FIFO batch size",
    path: "eventSource.batchSize",
    failing: { queue: fifo, eventSource: { batchSize: 11 } },
    passing: { queue: fifo, eventSource: { batchSize: 10 } },
    expected: "must be at most 10 on a FIFO queue (given 11)",
  },
  {
    rule: "batching window range",
    path: "eventSource.maximumBatchingWindowSeconds",
    failing: { eventSource: { maximumBatchingWindowSeconds: 301 } },
    passing: { eventSource: { maximumBatchingWindowSeconds: 300 } },
    expected: "must be an integer from 0 to 300 (given 301)",
  },
  {
    rule: "no batching window on FIFO",
    path: "eventSource.maximumBatchingWindowSeconds",
    failing: { queue: fifo, eventSource: { maximumBatchingWindowSeconds: 1 } },
    passing: { queue: fifo, eventSource: { maximumBatchingWindowSeconds: 0 } },
    expected: "is not supported on a FIFO queue and must be 0 (given 1)",
  },
  {
    rule: "batch above 10 needs a window",
    path: "eventSource.batchSize",
    failing: { eventSource: { batchSize: 11 } },
    passing: { eventSource: { batchSize: 11, maximumBatchingWindowSeconds: 1 } },
    expected:
      "above 10 needs eventSource.maximumBatchingWindowSeconds of at least 1 (given batchSize 11, maximumBatchingWindowSeconds 0)",
  },
  {
    rule: "maximum concurrency minimum",
    path: "eventSource.maximumConcurrency",
    failing: { eventSource: { maximumConcurrency: 1 } },
    passing: { eventSource: { maximumConcurrency: 2 } },
    expected: "must be an integer from 2 to 1000 (given 1)",
  },
  {
    rule: "maximum concurrency maximum",
    path: "eventSource.maximumConcurrency",
    failing: { eventSource: { maximumConcurrency: 1001 } },
    passing: { eventSource: { maximumConcurrency: 1000 } },
    expected: "(given 1001)",
  },
  {
    rule: "maximum message size minimum",
    path: "queue.maximumMessageBytes",
    failing: { queue: { maximumMessageBytes: 1023 } },
    passing: { queue: { maximumMessageBytes: 1024 } },
    expected: "orders: queue.maximumMessageBytes must be an integer from 1024 to 1048576 (given 1023)",
  },
  {
    rule: "maximum message size maximum",
    path: "queue.maximumMessageBytes",
    failing: { queue: { maximumMessageBytes: 1_048_577 } },
    passing: { queue: { maximumMessageBytes: 1_048_576 } },
    awsVersion: "6.8.0",
    expected: "must be an integer from 1024 to 1048576 (given 1048577)",
  },
  // 5.100.0 validates max_message_size up to 262144 (measured); 6.8.0 up to 1 MiB.
  {
    rule: "maximum message size above 256 KiB with a provider older than 6.8",
    path: "queue.maximumMessageBytes",
    failing: { queue: { maximumMessageBytes: 262_145 } },
    passing: { queue: { maximumMessageBytes: 262_144 } },
    expected:
      "orders: queue.maximumMessageBytes above 262144 (SQS) needs hashicorp/aws >= 6.8.0 (@cdktf/provider-aws >= 21.7.0); the installed provider rejects it (given 262145; installed: @cdktf/provider-aws 20.1.0, hashicorp/aws 5.100.0)",
  },
  {
    rule: "provisioned pollers with a provider older than 5.100.0",
    path: "eventSource.provisionedPollers",
    failing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 10 } } },
    passing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 10 } } },
    awsVersion: "5.100.0",
    failingAwsVersion: "5.99.0",
    expected:
      "orders: eventSource.provisionedPollers (Lambda) needs hashicorp/aws >= 5.100.0 (@cdktf/provider-aws >= 20.1.0); the installed provider rejects it (given 2; installed: @cdktf/provider-aws (pretended), hashicorp/aws 5.99.0)",
  },
  {
    rule: "provisioned pollers with an explicit maximum concurrency",
    path: "eventSource.provisionedPollers",
    failing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 10 }, maximumConcurrency: 10 } },
    passing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 10 }, maximumConcurrency: false } },
    expected:
      "orders: eventSource.provisionedPollers cannot be set together with eventSource.maximumConcurrency: Lambda's provisioned mode and maximum concurrency are mutually exclusive (remove maximumConcurrency; maximum pollers bound the scaling instead) (given maximumConcurrency 10)",
  },
  {
    rule: "minimum pollers minimum (SQS needs 2)",
    path: "eventSource.provisionedPollers.minimum",
    failing: { eventSource: { provisionedPollers: { minimum: 1, maximum: 10 } } },
    passing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 10 } } },
    expected: "orders: eventSource.provisionedPollers.minimum must be an integer from 2 to 200 (given 1)",
  },
  {
    rule: "minimum pollers maximum",
    path: "eventSource.provisionedPollers.minimum",
    failing: { eventSource: { provisionedPollers: { minimum: 201, maximum: 2000 } } },
    passing: { eventSource: { provisionedPollers: { minimum: 200, maximum: 2000 } } },
    expected: "(given 201)",
  },
  {
    rule: "maximum pollers minimum",
    path: "eventSource.provisionedPollers.maximum",
    failing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 1 } } },
    passing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 2 } } },
    expected: "orders: eventSource.provisionedPollers.maximum must be an integer from 2 to 2000 (given 1)",
  },
  {
    rule: "maximum pollers maximum (the providers' validation)",
    path: "eventSource.provisionedPollers.maximum",
    failing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 2001 } } },
    passing: { eventSource: { provisionedPollers: { minimum: 2, maximum: 2000 } } },
    expected: "(given 2001)",
  },
  {
    rule: "minimum pollers above maximum",
    path: "eventSource.provisionedPollers",
    failing: { eventSource: { provisionedPollers: { minimum: 11, maximum: 10 } } },
    passing: { eventSource: { provisionedPollers: { minimum: 10, maximum: 10 } } },
    expected: "orders: eventSource.provisionedPollers minimum must not be above maximum (given minimum 11, maximum 10)",
  },
  {
    rule: "alarm topic",
    path: "alarmTopicArn",
    failing: { alarmTopicArn: "alerts" },
    passing: { alarmTopicArn: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts" },
    expected: 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>) (given "alerts")',
  },
  {
    rule: "alarm period values",
    path: "deadLetterQueue.alarmPeriodSeconds",
    failing: { deadLetterQueue: { alarmPeriodSeconds: 90 } },
    passing: { deadLetterQueue: { alarmPeriodSeconds: 120 } },
    expected: "must be 10, 20, 30 or a positive multiple of 60 (given 90)",
  },
  {
    rule: "alarm high-resolution period",
    path: "deadLetterQueue.alarmPeriodSeconds",
    failing: { deadLetterQueue: { alarmPeriodSeconds: 15 } },
    passing: { deadLetterQueue: { alarmPeriodSeconds: 10 } },
    expected: "(given 15)",
  },
  {
    rule: "evaluation periods",
    path: "deadLetterQueue.alarmEvaluationPeriods",
    failing: { deadLetterQueue: { alarmEvaluationPeriods: 0 } },
    passing: { deadLetterQueue: { alarmEvaluationPeriods: 1 } },
    expected: "must be a positive integer (given 0)",
  },
  {
    rule: "the derived dlq-arrivals alarm's two periods within 7 days (345,600 s)",
    path: "deadLetterQueue.alarmPeriodSeconds",
    failing: { deadLetterQueue: { alarmPeriodSeconds: 345_600 } },
    passing: { deadLetterQueue: { alarmPeriodSeconds: 302_400 } },
    expected:
      "orders: deadLetterQueue.alarmPeriodSeconds times 2 (the <service>-dlq-arrivals alarm evaluates 2 periods) must be at most 86400 (one day) when the period is under an hour, " +
      "and at most 604800 (7 days) otherwise; or remove that alarm with monitoring.deadLetterArrivalsAlarm: false (given 345600, a 691200 s window)",
  },
  {
    rule: "the dlq-arrivals window is not checked without that alarm",
    path: "deadLetterQueue.alarmPeriodSeconds",
    failing: { deadLetterQueue: { alarmPeriodSeconds: 302_460 } },
    passing: { deadLetterQueue: { alarmPeriodSeconds: 345_600 }, monitoring: { deadLetterArrivalsAlarm: false } },
    expected: "(given 302460, a 604920 s window)",
  },
  {
    rule: "period × evaluation periods within a day",
    path: "deadLetterQueue.alarmEvaluationPeriods",
    failing: { deadLetterQueue: { alarmPeriodSeconds: 60, alarmEvaluationPeriods: 1441 } },
    passing: { deadLetterQueue: { alarmPeriodSeconds: 60, alarmEvaluationPeriods: 1440 } },
    expected:
      "times deadLetterQueue.alarmPeriodSeconds must be at most 86400 (one day) when the period is under an hour, and at most 604800 (7 days) otherwise (given evaluationPeriods 1441, periodSeconds 60)",
  },
  {
    rule: "long periods are limited to 7 days",
    path: "deadLetterQueue.alarmEvaluationPeriods",
    failing: { deadLetterQueue: { alarmPeriodSeconds: 3600, alarmEvaluationPeriods: 169 } },
    passing: { deadLetterQueue: { alarmPeriodSeconds: 3600, alarmEvaluationPeriods: 168 } },
    expected: "(given evaluationPeriods 169, periodSeconds 3600)",
  },
  {
    rule: "backlog age threshold",
    path: "monitoring.backlogAgeSeconds",
    failing: { monitoring: { backlogAgeSeconds: 59 } },
    passing: { monitoring: { backlogAgeSeconds: 60 } },
    expected: "orders: monitoring.backlogAgeSeconds must be an integer from 60 to 1209600 (given 59)",
  },
  {
    rule: "backlog age threshold maximum",
    path: "monitoring.backlogAgeSeconds",
    failing: { monitoring: { backlogAgeSeconds: 1_209_601 } },
    passing: { monitoring: { backlogAgeSeconds: false } },
    expected: "(given 1209601)",
  },
  {
    rule: "failed invocations threshold",
    path: "monitoring.maxFailedInvocations",
    failing: { monitoring: { maxFailedInvocations: -1 } },
    passing: { monitoring: { maxFailedInvocations: 0 } },
    expected: "orders: monitoring.maxFailedInvocations must be an integer from 0 to 9007199254740991 (given -1)",
  },
  {
    rule: "failed invocations threshold beyond exact integers",
    path: "monitoring.maxFailedInvocations",
    failing: { monitoring: { maxFailedInvocations: 2 ** 53 } },
    passing: { monitoring: { maxFailedInvocations: Number.MAX_SAFE_INTEGER } },
    expected: "(given 9007199254740992)",
  },
  {
    rule: "health alarm period",
    path: "monitoring.periodSeconds",
    failing: { monitoring: { periodSeconds: 90 } },
    passing: { monitoring: { periodSeconds: 120 } },
    expected: "orders: monitoring.periodSeconds must be a multiple of 60 from 60 to 86400 (one day) (given 90)",
  },
  {
    rule: "health alarm period maximum",
    path: "monitoring.periodSeconds",
    failing: { monitoring: { periodSeconds: 86_460 } },
    passing: { monitoring: { periodSeconds: 86_400 } },
    expected: "(given 86460)",
  },
  {
    rule: "idempotency expiry minimum",
    path: "idempotency.expirySeconds",
    failing: { idempotency: { expirySeconds: 59 } },
    passing: { idempotency: { expirySeconds: 180 } },
    expected: "orders: idempotency.expirySeconds must be an integer from 60 to 1209600 (given 59)",
  },
  {
    rule: "idempotency expiry maximum",
    path: "idempotency.expirySeconds",
    failing: { idempotency: { expirySeconds: 1_209_601 } },
    passing: { idempotency: { expirySeconds: 1_209_600 } },
    expected: "(given 1209601)",
  },
  {
    rule: "idempotency expiry is whole seconds",
    path: "idempotency.expirySeconds",
    failing: { idempotency: { expirySeconds: 3600.5 } },
    passing: { idempotency: { expirySeconds: 3600 } },
    expected: "(given 3600.5)",
  },
  {
    rule: "idempotency expiry covers a redelivery",
    path: "idempotency.expirySeconds",
    failing: { queue: { visibilityTimeoutSeconds: 900 }, idempotency: { expirySeconds: 899 } },
    passing: { queue: { visibilityTimeoutSeconds: 900 }, idempotency: { expirySeconds: 900 } },
    expected:
      "orders: idempotency.expirySeconds must be >= queue.visibilityTimeoutSeconds: a message whose delete failed is delivered again one visibility timeout later, and its completed record must still be there to stop it running twice (given expirySeconds 899, queue.visibilityTimeoutSeconds 900)",
  },
  {
    rule: "the construct's own environment keys",
    path: "lambda.environment",
    failing: { lambda: { environment: { SQS_WORKER_IDEMPOTENCY_TABLE: "other-table", KEEP: "1" } } },
    passing: { lambda: { environment: { SQSWORKER_TABLE: "mine" } } },
    expected:
      "orders: lambda.environment must not set keys starting with SQS_WORKER_: the construct sets those itself (the idempotency table's name and expiry, a FIFO queue's maxReceiveCount) (given SQS_WORKER_IDEMPOTENCY_TABLE)",
  },
  {
    rule: "Powertools' idempotency switch, with idempotency on",
    path: "lambda.environment",
    failing: { lambda: { environment: { POWERTOOLS_IDEMPOTENCY_DISABLED: "true" } }, idempotency: {} },
    passing: { lambda: { environment: { POWERTOOLS_SERVICE_NAME: "orders" } }, idempotency: {} },
    expected:
      'orders: lambda.environment must not set POWERTOOLS_IDEMPOTENCY_DISABLED while idempotency is on: Powertools reads it (true, 1, yes, on, ...) and skips the idempotency table, which is created and never written, so a duplicate runs twice; refused whatever its value, since false is one edit from off (given POWERTOOLS_IDEMPOTENCY_DISABLED="true")',
  },
  {
    rule: "Powertools' idempotency switch set to false, with idempotency on",
    path: "lambda.environment",
    failing: { lambda: { environment: { POWERTOOLS_IDEMPOTENCY_DISABLED: "false" } }, idempotency: {} },
    passing: { lambda: { environment: {} }, idempotency: {} },
    expected:
      'refused whatever its value, since false is one edit from off (given POWERTOOLS_IDEMPOTENCY_DISABLED="false")',
  },
  {
    rule: "Powertools' idempotency switch, with idempotency off",
    path: "lambda.environment",
    failing: { lambda: { environment: { POWERTOOLS_IDEMPOTENCY_DISABLED: "1" } } },
    passing: { lambda: { environment: { POWERTOOLS_SERVICE_NAME: "orders" } } },
    expected:
      'orders: lambda.environment must not set POWERTOOLS_IDEMPOTENCY_DISABLED, even with idempotency off: it does nothing now and would turn idempotency off without a word the day `idempotency: {}` is added (given POWERTOOLS_IDEMPOTENCY_DISABLED="1")',
  },
  {
    rule: "DynamoDB's endpoint variable, with idempotency on (accepted with it off)",
    path: "lambda.environment",
    failing: { lambda: { environment: { AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:8000" } }, idempotency: {} },
    passing: { lambda: { environment: { AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:8000" } } },
    expected:
      'orders: lambda.environment must not set AWS_ENDPOINT_URL_DYNAMODB while idempotency is on: it sends the idempotency table\'s calls to another endpoint, where the records live (or fail) outside the table the construct created and granted (given AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:8000")',
  },
  {
    rule: "the AWS SDK's endpoint variable, with idempotency on (accepted with it off)",
    path: "lambda.environment",
    failing: { lambda: { environment: { AWS_ENDPOINT_URL: "http://127.0.0.1:5000" } }, idempotency: {} },
    passing: { lambda: { environment: { AWS_ENDPOINT_URL: "http://127.0.0.1:5000" } } },
    expected:
      "orders: lambda.environment must not set AWS_ENDPOINT_URL while idempotency is on: it sends every AWS SDK call, the idempotency table's included, to another endpoint",
  },
  {
    // Powertools' idempotency key prefix: refused already, as a key Lambda reserves.
    rule: "AWS_LAMBDA_FUNCTION_NAME",
    path: "lambda.environment",
    failing: { lambda: { environment: { AWS_LAMBDA_FUNCTION_NAME: "other-worker" } }, idempotency: {} },
    passing: { lambda: { environment: { FUNCTION_NAME: "other-worker" } }, idempotency: {} },
    expected:
      "must not set keys Lambda reserves for itself (its defined runtime environment variables) (given AWS_LAMBDA_FUNCTION_NAME)",
  },
  {
    rule: "the 4 KB environment limit counts the construct's idempotency variables",
    path: "lambda.environment",
    failing: { lambda: { environment: { BIG: "x".repeat(4096 - 3 - 60) } }, idempotency: {} },
    passing: { lambda: { environment: { BIG: "x".repeat(4096 - 3 - 60) } } },
    expected: "keys and values together must be at most 4096 bytes",
  },
  {
    rule: "alarm topic with a malformed region",
    path: "alarmTopicArn",
    failing: { alarmTopicArn: "arn:aws:sns:US-EAST-1:123456789012:alerts" },
    passing: { alarmTopicArn: "arn:aws:sns:mx-central-1:123456789012:alerts" },
    expected:
      'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>) (given "arn:aws:sns:US-EAST-1:123456789012:alerts")',
  },
  {
    rule: "topic in a real partition",
    path: "alarmTopicArn",
    failing: { alarmTopicArn: "arn:aws-mars:sns:us-east-1:123456789012:alerts" },
    passing: { alarmTopicArn: "arn:aws-cn:sns:cn-north-1:123456789012:alerts" },
    expected:
      'orders: alarmTopicArn must be in a real AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc) (given "arn:aws-mars:sns:us-east-1:123456789012:alerts")',
  },
];

describe("each AWS rule", () => {
  test.each(cases)(
    "$rule: fails just outside, with the service, prop, rule and value",
    ({ failing, path, expected, failingAwsVersion }) => {
      expect(messagesAt(failing, path, failingAwsVersion).join("\n")).toContain(expected);
    },
  );

  test.each(cases)("$rule: passes just inside", ({ passing, path, awsVersion }) => {
    expect(messagesAt(passing, path, awsVersion)).toEqual([]);
  });
});

describe("queue names", () => {
  // Standard names allow 80 characters, FIFO names 75 plus ".fifo". These limits sit above the
  // function name's (57-character service names), so they are checked on their own here.
  const queueRule = (serviceName: string, isFifo: boolean) =>
    violationsFor({ serviceName, queue: { fifo: isFifo } }).filter((v) => v.rule.includes("valid queue name"));
  const dlqRule = (serviceName: string, isFifo: boolean) =>
    violationsFor({ serviceName, queue: { fifo: isFifo } }).filter((v) =>
      v.rule.includes("valid dead-letter queue name"),
    );

  test("a standard queue name may have 80 characters (74-character service), not 81", () => {
    expect(queueRule(name(74), false)).toEqual([]);
    expect(queueRule(name(75), false)[0].given).toBe(`"${name(75)}", queue name "${name(75)}-queue"`);
  });

  test("a FIFO queue name may have 75 characters before .fifo (69-character service), not 76", () => {
    expect(queueRule(name(69), true)).toEqual([]);
    expect(queueRule(name(70), true)[0].given).toContain(`${name(70)}-queue.fifo`);
  });

  test("the dead-letter queue name is checked the same way", () => {
    expect(dlqRule(name(76), false)).toEqual([]);
    expect(dlqRule(name(77), false)).toHaveLength(1);
    expect(dlqRule(name(71), true)).toEqual([]);
    expect(dlqRule(name(72), true)).toHaveLength(1);
  });
});

describe("the FIFO/standard pairing rule", () => {
  // The construct derives both queues' type from queue.fifo, so only a configuration built by
  // hand can break the rule; the row guards future props that might let them differ.
  test("fails when the dead-letter queue's type differs from the source queue's", () => {
    const config = resolveSqsWorkerConfig({
      serviceName: "orders",
      alarmTopicArn: TOPIC,
      lambda: { entry: TEST_ENTRY },
      queue: { fifo: true },
    });
    const broken = { ...config, deadLetterQueue: { ...config.deadLetterQueue, fifo: false } };
    expect(findViolations(broken).map((v) => v.rule)).toEqual([
      "must be FIFO when the source queue is FIFO and standard when it is standard (SQS redrive)",
    ]);
    expect(findViolations(config)).toEqual([]);
  });
});

describe("the whole rule table", () => {
  test("every row is exercised by a failing case above", () => {
    const failing = cases.flatMap((c) => violationsFor(c.failing, c.failingAwsVersion)).map((v) => v.rule);
    // Tested on their own below: the FIFO pairing (unreachable through props), queue names, the topic's region;
    // the stack's region needs a provider (aws-limits.test.ts).
    const untested = WORKER_RULES.map((r) => r.rule).filter(
      (rule) =>
        !failing.includes(rule) &&
        !rule.startsWith("must be FIFO when") &&
        !rule.includes("valid queue name") &&
        !rule.includes("valid dead-letter queue name") &&
        !rule.startsWith("must be in the stack's region") &&
        !rule.startsWith("must be a well-formed AWS Region name"),
    );
    expect(untested).toEqual([]);
  });

  test("reports several violations together, one line each, in one error", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    let error: unknown;
    try {
      new SqsWorker(stack, "Worker", {
        serviceName: "orders",
        alarmTopicArn: TOPIC,
        lambda: { entry: TEST_ENTRY, timeoutSeconds: 60, memorySizeMb: 64 },
        queue: { visibilityTimeoutSeconds: 30 },
        deadLetterQueue: { maxReceiveCount: 0, alarmPeriodSeconds: 45 },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqsWorkerConfigError);
    const message = (error as Error).message;
    expect(message.split("\n")).toEqual([
      "Invalid SqsWorker configuration (4 problems):",
      "  - orders: lambda.memorySizeMb must be an integer from 128 to 10240 (given 64)",
      "  - orders: queue.visibilityTimeoutSeconds must be >= lambda.timeoutSeconds, or a message still being processed becomes visible again and is processed twice (given visibilityTimeoutSeconds 30, lambda.timeoutSeconds 60)",
      "  - orders: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)",
      "  - orders: deadLetterQueue.alarmPeriodSeconds must be 10, 20, 30 or a positive multiple of 60 (given 45)",
    ]);
  });

  test("fails before any resource exists", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(
      () =>
        new SqsWorker(stack, "Worker", {
          serviceName: "orders",
          alarmTopicArn: TOPIC,
          lambda: { entry: TEST_ENTRY, timeoutSeconds: 60 },
          queue: { visibilityTimeoutSeconds: 30 },
        }),
    ).toThrow(SqsWorkerConfigError);
    expect(stack.node.findAll().filter((c) => c.node.path.startsWith("test/Worker/"))).toEqual([]);
  });

  test("skips rules whose values are unresolved tokens instead of mis-reporting them", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const visibility = new TerraformVariable(stack, "visibility", { type: "number" }).numberValue;
    const topic = new TerraformVariable(stack, "topic", { type: "string" }).stringValue;
    expect(
      () =>
        new SqsWorker(stack, "Worker", {
          serviceName: "orders",
          alarmTopicArn: topic,
          lambda: { entry: TEST_ENTRY, timeoutSeconds: 60 },
          queue: { visibilityTimeoutSeconds: visibility },
        }),
    ).not.toThrow();
    const config = resolveSqsWorkerConfig({
      serviceName: "orders",
      alarmTopicArn: topic,
      lambda: { entry: TEST_ENTRY, timeoutSeconds: 60 },
      queue: { visibilityTimeoutSeconds: visibility },
    });
    expect(findViolations(config)).toEqual([]);
  });

  test("derives the visibility timeout from a token timeout as a Terraform expression, not a nonsense number", () => {
    const stack = new TerraformStack(Testing.app(), "tokens");
    const timeout = new TerraformVariable(stack, "timeout", { type: "number" }).numberValue;
    const worker = new SqsWorker(stack, "Worker", {
      serviceName: "orders",
      alarmTopicArn: TOPIC,
      lambda: { entry: TEST_ENTRY, timeoutSeconds: timeout },
      eventSource: { maximumBatchingWindowSeconds: 5 },
    });
    const synthesized = JSON.parse(Testing.synth(stack)) as {
      resource: { aws_sqs_queue: Record<string, { name: string; visibility_timeout_seconds?: unknown }> };
    };
    const queue = Object.values(synthesized.resource.aws_sqs_queue).find((q) => q.name === "orders-queue");
    expect(queue?.visibility_timeout_seconds).toBe("${min(((6 * var.timeout) + 5), 43200)}");
    expect(findViolations(worker.config)).toEqual([]);
  });

  test("still checks the resolved values next to a token", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const topic = new TerraformVariable(stack, "topic", { type: "string" }).stringValue;
    const config = resolveSqsWorkerConfig({
      serviceName: "orders",
      alarmTopicArn: topic,
      lambda: { entry: TEST_ENTRY },
      deadLetterQueue: { maxReceiveCount: 0 },
    });
    expect(findViolations(config).map((v) => v.path)).toEqual(["deadLetterQueue.maxReceiveCount"]);
  });

  test("never fires on the defaults, which derive the visibility timeout from the Lambda timeout", () => {
    expect(violationsFor({ lambda: { timeoutSeconds: 900 } })).toEqual([]);
    expect(violationsFor({})).toEqual([]);
  });
});

describe("the alarm topic's region", () => {
  const inRegion = (region: string, topicArn: string) => {
    const stack = new TerraformStack(Testing.app(), "regional");
    new AwsProvider(stack, "aws", { region });
    try {
      new SqsWorker(stack, "Worker", { serviceName: "orders", lambda: { entry: TEST_ENTRY }, alarmTopicArn: topicArn });
      return [];
    } catch (error) {
      return (error as SqsWorkerConfigError).violations.map(formatViolation);
    }
  };

  test("must be the stack's region, when the stack's provider names one", () => {
    expect(inRegion("eu-west-1", "arn:aws:sns:us-east-1:123456789012:alerts")).toEqual([
      'orders: alarmTopicArn must be in the stack\'s region and partition: a CloudWatch alarm can only notify an SNS topic in its own region (given "arn:aws:sns:us-east-1:123456789012:alerts", stack region "eu-west-1")',
    ]);
    expect(inRegion("eu-west-1", "arn:aws:sns:eu-west-1:123456789012:alerts")).toEqual([]);
  });

  test("must be in the stack region's partition", () => {
    expect(inRegion("us-east-1", "arn:aws-cn:sns:us-east-1:123456789012:alerts")).toEqual([
      'orders: alarmTopicArn must be in the stack\'s region and partition: a CloudWatch alarm can only notify an SNS topic in its own region (given "arn:aws-cn:sns:us-east-1:123456789012:alerts", stack region "us-east-1")',
    ]);
    expect(inRegion("cn-north-1", "arn:aws-cn:sns:cn-north-1:123456789012:alerts")).toEqual([]);
  });
});

describe("the queue key's region", () => {
  const keyIn = (region: string, kmsKeyArn: string) => {
    const stack = new TerraformStack(Testing.app(), "regional");
    new AwsProvider(stack, "aws", { region });
    try {
      new SqsWorker(stack, "Worker", {
        serviceName: "orders",
        lambda: { entry: TEST_ENTRY },
        alarmTopicArn: `arn:${partitionOfRegion(region)}:sns:${region}:123456789012:alerts`,
        queue: { kmsKeyArn },
      });
      return [];
    } catch (error) {
      return (error as SqsWorkerConfigError).violations.map(formatViolation);
    }
  };
  const key = (partition: string, region: string) =>
    `arn:${partition}:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  test("must be the stack's region and partition", () => {
    const rule =
      "must be in the stack's region and partition: SQS encrypts a queue only with a KMS key of the queue's own region";
    expect(keyIn("us-east-1", key("aws", "eu-west-1"))).toEqual([
      `orders: queue.kmsKeyArn ${rule} (given "${key("aws", "eu-west-1")}", stack region "us-east-1")`,
    ]);
    expect(keyIn("us-east-1", key("aws-cn", "us-east-1"))).toEqual([
      `orders: queue.kmsKeyArn ${rule} (given "${key("aws-cn", "us-east-1")}", stack region "us-east-1")`,
    ]);
  });

  test("a key of the stack's region and partition is accepted, in China and GovCloud too", () => {
    expect(keyIn("us-east-1", key("aws", "us-east-1"))).toEqual([]);
    expect(keyIn("cn-north-1", key("aws-cn", "cn-north-1"))).toEqual([]);
    expect(keyIn("us-gov-west-1", key("aws-us-gov", "us-gov-west-1"))).toEqual([]);
  });
});

describe("the worker entry", () => {
  test("a JavaScript caller that leaves out lambda gets one line naming the service and lambda.entry", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const props = { serviceName: "orders", alarmTopicArn: TOPIC } as unknown as SqsWorkerProps;
    expect(() => new SqsWorker(stack, "Worker", props)).toThrow(
      "Invalid SqsWorker configuration (1 problem):\n  - orders: lambda.entry is required: the path of the service's worker file, which exports `handler` (e.g. makeHandler from sqs-worker-cdktf/worker) (given undefined)",
    );
  });

  test("an entry esbuild cannot bundle is one line naming the service, lambda.entry and esbuild's message, with the other problems", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-worker-entry-"));
    try {
      fs.writeFileSync(
        path.join(dir, "worker.ts"),
        'import { charge } from "./payments";\nexport const handler = async () => charge();\n',
      );
      const violations = violationsFor({
        lambda: { entry: path.join(dir, "worker.ts") },
        deadLetterQueue: { maxReceiveCount: 0 },
      });
      expect(violations.map(formatViolation)).toEqual([
        "orders: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)",
        `orders: lambda.entry cannot be bundled: worker.ts:1:23: Could not resolve "./payments" (given ${JSON.stringify(path.join(dir, "worker.ts"))})`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a relative entry resolves against the given base folder (the app's main script's), an absolute one stays", () => {
    expect(resolveEntry("workers/orders.ts", "/srv/app")).toBe("/srv/app/workers/orders.ts");
    expect(resolveEntry("/abs/worker.ts", "/srv/app")).toBe("/abs/worker.ts");
    expect(resolveEntry(undefined, "/srv/app")).toBeUndefined();
  });
});
