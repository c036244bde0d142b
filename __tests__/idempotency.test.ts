import * as fs from "fs";
import * as path from "path";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Testing, TerraformStack } from "cdktf";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { originalMessageId } from "../lambda-src/idempotency";
import { ORIGINAL_MESSAGE_ID_ATTRIBUTE } from "../lambda-src/worker-settings";
import { IDEMPOTENCY_ATTRIBUTES, IDEMPOTENCY_ENV, IDEMPOTENCY_TABLE_ACTIONS } from "../lambda-src/idempotency-settings";
import { makeHandler, WorkerConfigError } from "../lambda-src/worker";
import { bundleLambda, SqsWorker, SqsWorkerConfigError, type SqsWorkerProps } from "../modules/internal";
import { formatViolation } from "../modules/sqs-worker/config-error";
import { TEST_ENTRY } from "./helpers/props";
import {
  bodyOf,
  childOf,
  makeTempDir,
  onlyResource,
  referenceTo,
  removeDir,
  resources,
  synthServiceStack,
  type SynthesizedService,
} from "./helpers/synth";

// The optional idempotency table, and the worker plumbing that uses it. What Powertools does
// with the table (duplicates skipped, in-progress keys, release on failure) runs against moto in
// the e2e suites (__tests__/e2e/deploy-and-run.e2e.test.ts); this suite checks what synth writes
// and what the handler refuses before it touches AWS.

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
let out: string;
beforeAll(() => {
  out = makeTempDir("idempotency");
});
afterAll(() => removeDir(out));

const functionEnv = ({ json, worker }: SynthesizedService) =>
  bodyOf<{ environment?: { variables: Record<string, string> } }>(json, worker.function).environment?.variables ?? {};
const workerPolicy = ({ json, worker }: SynthesizedService) =>
  bodyOf<{ statement: { actions: string[]; resources: string[] }[] }>(
    json,
    childOf(worker, "WorkerPolicy", DataAwsIamPolicyDocument),
  );

describe("idempotency off (the default)", () => {
  const orders = synthServiceStack("orders");

  test("creates no table, sets no variable, grants no DynamoDB action", () => {
    expect(resources(orders.json, "aws_dynamodb_table")).toEqual([]);
    expect(Object.keys(functionEnv(orders)).filter((key) => key.startsWith("SQS_WORKER_"))).toEqual([]);
    expect(JSON.stringify(workerPolicy(orders))).not.toContain("dynamodb:");
    expect(orders.json.output.idempotency_table_name).toBeUndefined();
  });

  test("bundles without the Powertools idempotency code", () => {
    const bundle = bundleLambda(TEST_ENTRY, path.join(out, "off"));
    const code = fs.readFileSync(bundle.zipPath, "latin1");
    expect(code).not.toContain("IdempotencyConfig");
    expect(code).not.toContain("client-dynamodb");
    expect(code).toContain("makeHandler got an idempotencyKey");
  });
});

describe("idempotency on", () => {
  const orders = synthServiceStack("orders", { idempotency: {} });
  const json = orders.json;
  const table = () => onlyResource(json, "aws_dynamodb_table");
  const tableConstruct = () => {
    if (!orders.worker.idempotencyTable) throw new Error("the worker has no idempotency table");
    return orders.worker.idempotencyTable;
  };

  test("creates <service>-idempotency: on-demand, Powertools' key and TTL, encrypted, point-in-time recovery", () => {
    expect(table()).toEqual({
      name: "orders-idempotency",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: IDEMPOTENCY_ATTRIBUTES.key,
      attribute: [{ name: "id", type: "S" }],
      ttl: { attribute_name: "expiration", enabled: true },
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
    });
  });

  test("gives the worker role exactly the four item actions, on that table's ARN only", () => {
    const dynamo = workerPolicy(orders).statement.filter((s) => s.actions.some((a) => a.startsWith("dynamodb:")));
    expect(dynamo).toEqual([
      {
        sid: "IdempotencyRecords",
        effect: "Allow",
        actions: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        resources: [referenceTo(tableConstruct(), "arn")],
      },
    ]);
    expect([...IDEMPOTENCY_TABLE_ACTIONS]).toEqual(dynamo[0].actions);
  });

  test("passes the table's name and the expiry window (default: the queue's retention) to the function", () => {
    expect(functionEnv(orders)).toEqual({
      [IDEMPOTENCY_ENV.table]: "orders-idempotency",
      [IDEMPOTENCY_ENV.expirySeconds]: "345600",
    });
    const custom = synthServiceStack("orders", {
      queue: { messageRetentionSeconds: 86_400 },
      lambda: { environment: { MODE: "fast" } },
      idempotency: { expirySeconds: 7200 },
    });
    expect(functionEnv(custom)).toEqual({
      MODE: "fast",
      [IDEMPOTENCY_ENV.table]: "orders-idempotency",
      [IDEMPOTENCY_ENV.expirySeconds]: "7200",
    });
    expect(
      functionEnv(synthServiceStack("orders", { queue: { messageRetentionSeconds: 86_400 }, idempotency: {} }))[
        IDEMPOTENCY_ENV.expirySeconds
      ],
    ).toBe("86400");
  });

  test("the stack outputs the table's name", () => {
    expect(json.output.idempotency_table_name.value).toBe(referenceTo(tableConstruct(), "name"));
  });

  test("names follow the prefix; a FIFO worker's table has no .fifo", () => {
    expect(
      onlyResource(
        synthServiceStack("ledger", { namePrefix: "dev-", queue: { fifo: true }, idempotency: {} }).json,
        "aws_dynamodb_table",
      ).name,
    ).toBe("dev-ledger-idempotency");
  });

  test("two workers of one app cannot create the same table", () => {
    const app = Testing.app();
    const props: SqsWorkerProps = {
      serviceName: "orders",
      lambda: { entry: TEST_ENTRY },
      alarmTopicArn: TOPIC,
      idempotency: {},
    };
    new SqsWorker(new TerraformStack(app, "a"), "Worker", props);
    expect(() => new SqsWorker(new TerraformStack(app, "b"), "Worker", props)).toThrow(
      /DynamoDB table orders-idempotency/,
    );
  });

  test("bundles the idempotency code but leaves the AWS SDK's DynamoDB packages to the Lambda runtime, at most 60 KB", () => {
    const off = bundleLambda(TEST_ENTRY, path.join(out, "sizes"));
    const on = bundleLambda(TEST_ENTRY, path.join(out, "sizes"), { idempotency: true });
    const code = fs.readFileSync(on.zipPath, "latin1");
    expect(code).toContain("IdempotencyConfig");
    expect(code).toContain('require("@aws-sdk/client-dynamodb")');
    expect(code).toContain('require("@aws-sdk/util-dynamodb")');
    // Not the SDK's own code: the DynamoDB client alone is hundreds of kilobytes.
    expect(code).not.toContain("DynamoDBClient=class");
    console.log(`zip sizes: idempotency off ${off.sizeBytes} bytes, on ${on.sizeBytes} bytes`);
    expect(on.sizeBytes).toBeLessThanOrEqual(60 * 1024);
    expect(off.sha256Hex).not.toBe(on.sha256Hex);
  });
});

describe("bad input a JavaScript caller can pass", () => {
  const messages = (idempotency: unknown): string[] => {
    try {
      new SqsWorker(new TerraformStack(Testing.app(), "s"), "Worker", {
        serviceName: "orders",
        lambda: { entry: TEST_ENTRY },
        alarmTopicArn: TOPIC,
        idempotency,
      } as SqsWorkerProps);
      return [];
    } catch (error) {
      if (!(error instanceof SqsWorkerConfigError)) throw error;
      return error.violations.map(formatViolation);
    }
  };

  test("`idempotency: true` is told to write {}", () => {
    expect(messages(true)).toEqual([
      "orders: idempotency must be an object (`idempotency: {}` turns it on with the defaults; leave it out for off) (given true)",
    ]);
  });

  test("a key function given to the construct is told where it belongs", () => {
    expect(messages({ key: (m: { id: string }) => m.id })).toEqual([
      "orders: idempotency.key is not a prop of SqsWorker: an idempotency key is a function of the message, so it goes in the worker file: makeHandler(fn, { idempotencyKey: (message) => ... }) (given (m)=>m.id)",
    ]);
  });

  test("a misspelt expiry names the prop meant, and a string is refused", () => {
    expect(messages({ expiry: 3600 })[0]).toContain(
      "idempotency.expiry is not a prop of SqsWorker; did you mean idempotency.expirySeconds?",
    );
    expect(messages({ expirySeconds: "3600" })).toEqual([
      'orders: idempotency.expirySeconds must be a number (given "3600")',
    ]);
  });
});

describe("makeHandler's idempotency options", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const context = { functionName: "orders-worker", getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
  const event: SQSEvent = {
    Records: [
      {
        messageId: "m1",
        receiptHandle: "h",
        body: "{}",
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "1",
          SenderId: "s",
          ApproximateFirstReceiveTimestamp: "1",
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders-queue",
        awsRegion: "us-east-1",
      },
    ],
  };

  test("an idempotencyKey without the table fails every invocation, saying what to turn on", async () => {
    delete process.env[IDEMPOTENCY_ENV.table];
    process.env.AWS_LAMBDA_FUNCTION_NAME = "orders-worker";
    const run = jest.fn(() => Promise.resolve());
    // Building the handler (loading the module) still works, so unit tests can import the file.
    const handler = makeHandler(run, { idempotencyKey: () => "k" });
    await expect(handler(event, context)).rejects.toThrow(
      new WorkerConfigError(
        "orders-worker: makeHandler got an idempotencyKey, but the function has no idempotency table (SQS_WORKER_IDEMPOTENCY_TABLE is not set): turn on the service's idempotency ({ idempotency: {} } on SqsWorker), or remove idempotencyKey",
      ),
    );
    expect(run).not.toHaveBeenCalled();
  });

  test("a broken expiry variable fails instead of falling back to a default", async () => {
    process.env[IDEMPOTENCY_ENV.table] = "orders-idempotency";
    process.env[IDEMPOTENCY_ENV.expirySeconds] = "soon";
    process.env.AWS_LAMBDA_FUNCTION_NAME = "orders-worker";
    const handler = makeHandler(() => Promise.resolve());
    await expect(handler(event, context)).rejects.toThrow(
      'orders-worker: SQS_WORKER_IDEMPOTENCY_EXPIRY_SECONDS must be a positive integer (given "soon")',
    );
  });

  test("options of the wrong type are refused when the handler is built", () => {
    expect(() => makeHandler(() => Promise.resolve(), null as never)).toThrow(
      "makeHandler: options must be an object (given null)",
    );
    expect(() => makeHandler(() => Promise.resolve(), { idempotencyKey: "orderId" } as never)).toThrow(
      "makeHandler: options.idempotencyKey must be a function of the message (given string)",
    );
  });

  test("without the table and without a key function nothing changes: the business logic runs", async () => {
    delete process.env[IDEMPOTENCY_ENV.table];
    const run = jest.fn(() => Promise.resolve());
    await expect(makeHandler(run)(event, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe("the default idempotency key survives a client-side redrive", () => {
  const record = (messageId: string, carried?: unknown) =>
    ({
      messageId,
      messageAttributes:
        carried === undefined ? {} : { [ORIGINAL_MESSAGE_ID_ATTRIBUTE]: { dataType: "String", stringValue: carried } },
    }) as unknown as SQSRecord;

  test("is the SQS message id of a message as its producer sent it", () => {
    expect(originalMessageId(record("m-1"))).toBe("m-1");
  });

  test("is the original's id on a copy the DLQ tool sent back, which SQS gave a new id", () => {
    expect(originalMessageId(record("copy-id", "m-1"))).toBe("m-1");
  });

  test("ignores an attribute that cannot be a message id", () => {
    for (const carried of ["", 42, "x".repeat(129)]) expect(originalMessageId(record("m-2", carried))).toBe("m-2");
  });
});
