import * as fs from "fs";
import * as path from "path";
import { bundleLambda } from "../modules/internal";
import { createReproducibleZip } from "../modules/sqs-worker/reproducible-zip";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { judgeBatch } from "../tools/local-runner/batch-response";
import { LocalRunner } from "../tools/local-runner/runner";
import { ExecutionEnvironment } from "../tools/local-runner/execution-environment";
import { toSqsRecord } from "../tools/local-runner/sqs-event";
import { fromTerraformLiteral, readDeployedWorkerConfig } from "../tools/local-runner/stack-config";
import { readZip } from "../tools/local-runner/zip-reader";
import { deflateRawSync } from "zlib";
import { synthApp, tempDirsRemovedAfterAll } from "./helpers/synth";
import type { SqsCommand } from "./helpers/stub-sqs";

const temp = tempDirsRemovedAfterAll();

describe("judging a batch response as Lambda does", () => {
  const ids = ["a", "b", "c"];
  test("success: null, empty or no batchItemFailures deletes everything", () => {
    for (const result of [null, undefined, {}, { batchItemFailures: [] }]) {
      expect(judgeBatch({ ok: true, result }, ids, true)).toEqual({ kind: "partial", failedIds: new Set() });
    }
  });
  test("reported failures are kept, the rest deleted", () => {
    expect(judgeBatch({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "b" }] } }, ids, true)).toEqual({
      kind: "partial",
      failedIds: new Set(["b"]),
    });
  });
  test("a thrown error, an empty or unknown itemIdentifier, or a malformed response fails the whole batch", () => {
    expect(judgeBatch({ ok: false, error: { message: "boom" } }, ids, true).kind).toBe("batch-failed");
    expect(judgeBatch({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "" }] } }, ids, true).kind).toBe(
      "batch-failed",
    );
    expect(judgeBatch({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "zzz" }] } }, ids, true).kind).toBe(
      "batch-failed",
    );
    expect(judgeBatch({ ok: true, result: { batchItemFailures: "b" } }, ids, true).kind).toBe("batch-failed");
    expect(judgeBatch({ ok: true, result: 42 }, ids, true).kind).toBe("batch-failed");
  });
  test("without ReportBatchItemFailures the response is ignored and the batch deleted", () => {
    expect(judgeBatch({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "b" }] } }, ids, false)).toEqual({
      kind: "partial",
      failedIds: new Set(),
    });
  });
});

describe("the SQS event the runner builds", () => {
  test("has Lambda's record shape, system attributes and camelCase message attributes", () => {
    const record = toSqsRecord(
      {
        MessageId: "m1",
        ReceiptHandle: "r1",
        Body: "{}",
        MD5OfBody: "md5",
        Attributes: { ApproximateReceiveCount: "2", SentTimestamp: "1", MessageGroupId: "g" },
        MessageAttributes: {
          tenant: { DataType: "String", StringValue: "acme" },
          blob: { DataType: "Binary", BinaryValue: Buffer.from("hi") },
        },
      },
      { queueArn: "arn:aws:sqs:us-east-1:123456789012:q.fifo", region: "us-east-1" },
    );
    expect(record).toEqual({
      messageId: "m1",
      receiptHandle: "r1",
      body: "{}",
      md5OfBody: "md5",
      attributes: { ApproximateReceiveCount: "2", SentTimestamp: "1", MessageGroupId: "g" },
      messageAttributes: {
        tenant: {
          dataType: "String",
          stringValue: "acme",
          binaryValue: undefined,
          stringListValues: [],
          binaryListValues: [],
        },
        blob: {
          dataType: "Binary",
          stringValue: undefined,
          binaryValue: Buffer.from("hi").toString("base64"),
          stringListValues: [],
          binaryListValues: [],
        },
      },
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q.fifo",
      awsRegion: "us-east-1",
    });
  });
});

describe("the zip reader", () => {
  test("reads back what the reproducible zip writer stored", () => {
    const files = readZip(
      createReproducibleZip([
        { name: "index.js", data: Buffer.from("x") },
        { name: "lib/a.js", data: Buffer.from("yy") },
      ]),
    );
    expect([...files.entries()].map(([n, d]) => [n, d.toString()])).toEqual([
      ["index.js", "x"],
      ["lib/a.js", "yy"],
    ]);
  });
  test("inflates deflated entries", () => {
    const zip = createReproducibleZip([{ name: "a.txt", data: deflateRawSync(Buffer.from("hello hello hello")) }]);
    zip.writeUInt16LE(8, 8); // local header: method deflate
    zip.writeUInt16LE(8, zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10); // central directory: method deflate
    expect(readZip(zip).get("a.txt")?.toString()).toBe("hello hello hello");
  });
  test("rejects what is not a zip", () => {
    expect(() => readZip(Buffer.from("not a zip"))).toThrow(/not a zip archive/);
  });
});

describe("the deployed worker config", () => {
  test("is read from the synthesized stack: queue, zip, timeout, mapping settings", async () => {
    const outdir = temp("runner-config");
    await synthApp(outdir);
    expect(readDeployedWorkerConfig(outdir, "thumbnails")).toMatchObject({
      queueName: "thumbnails-queue",
      handler: "index.handler",
      functionName: "thumbnails-worker",
      timeoutSeconds: 120,
      environment: { THUMBNAIL_WIDTH: "320" },
      batchSize: 5,
      maximumConcurrency: 50,
      reportBatchItemFailures: true,
      zipPath: expect.stringMatching(/stacks\/thumbnails\/assets\/.*\/lambda\.zip$/) as string,
    });
    expect(fs.existsSync(readDeployedWorkerConfig(outdir, "thumbnails").zipPath)).toBe(true);
    expect(() => readDeployedWorkerConfig(outdir, "nope")).toThrow(
      /no synthesized stack "nope".*synthesize the app first \(cdktf synth\)/,
    );
  });
});

describe("execution environments", () => {
  // Powertools' BatchProcessor keeps per-invocation state: two overlapping batches through one
  // loaded copy of the code return each other's failures. One environment per batch in flight
  // keeps them apart, as Lambda does.
  test("keep overlapping batches apart: each response names only its own failures", async () => {
    const bundle = bundleLambda(path.join(__dirname, "e2e", "scenario-worker.ts"), temp("env-bundle"));
    const codeDir = temp("env-code");
    for (const [name, data] of readZip(fs.readFileSync(bundle.zipPath)))
      fs.writeFileSync(path.join(codeDir, name), data);
    const settings = {
      codeDir,
      handler: "index.handler",
      functionName: "t",
      memorySizeMb: 128,
      timeoutSeconds: 10,
      environment: {},
    };
    const [one, two] = [new ExecutionEnvironment(settings), new ExecutionEnvironment(settings)];
    const record = (id: string, kind: string) => ({
      messageId: id,
      body: JSON.stringify({ id, kind, sleepMs: 200 }),
      attributes: { ApproximateReceiveCount: "1" },
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q",
    });
    try {
      const [first, second] = await Promise.all([
        one.invoke({ Records: [record("1-ok", "good"), record("1-bad", "poison")] }),
        two.invoke({ Records: [record("2-bad", "poison"), record("2-ok", "good")] }),
      ]);
      expect(first).toMatchObject({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "1-bad" }] } });
      expect(second).toMatchObject({ ok: true, result: { batchItemFailures: [{ itemIdentifier: "2-bad" }] } });
      // The failure lines each environment captured are its own batch's too.
      expect(Object.keys(first.recordErrors ?? {})).not.toContain("2-bad");
      expect(Object.keys(second.recordErrors ?? {})).not.toContain("1-bad");
    } finally {
      await Promise.all([one.shutdown(), two.shutdown()]);
    }
  });

  test("name the record errors when every record of a batch failed, not just Powertools' pointer to them", async () => {
    const bundle = bundleLambda(path.join(__dirname, "e2e", "scenario-worker.ts"), temp("env-bundle-all"));
    const codeDir = temp("env-code-all");
    for (const [name, data] of readZip(fs.readFileSync(bundle.zipPath)))
      fs.writeFileSync(path.join(codeDir, name), data);
    const env = new ExecutionEnvironment({
      codeDir,
      handler: "index.handler",
      functionName: "t",
      memorySizeMb: 128,
      timeoutSeconds: 10,
      environment: {},
    });
    const poison = (id: string) => ({
      messageId: id,
      body: JSON.stringify({ id, kind: "poison" }),
      attributes: { ApproximateReceiveCount: "1" },
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q",
    });
    try {
      expect(await env.invoke({ Records: [poison("p1"), poison("p2")] })).toMatchObject({
        ok: false,
        error: {
          name: "FullBatchFailureError",
          message:
            "All records failed processing. Record errors: poison message p1 failed on attempt 1; poison message p2 failed on attempt 1",
        },
      });
    } finally {
      await env.shutdown();
    }
  });

  test("resolve the AWS SDK packages a bundle leaves to the runtime, as Lambda's Node.js runtime does", async () => {
    // A bundle with idempotency requires @aws-sdk/client-dynamodb without carrying it; the code
    // folder is a temporary folder with no node_modules, as /var/task holds none on Lambda.
    const codeDir = temp("env-external");
    fs.writeFileSync(
      path.join(codeDir, "index.js"),
      'const { marshall } = require("@aws-sdk/util-dynamodb"); require("@aws-sdk/client-dynamodb"); exports.handler = async () => marshall({ id: "k" });',
    );
    const env = new ExecutionEnvironment({
      codeDir,
      handler: "index.handler",
      functionName: "t",
      memorySizeMb: 128,
      timeoutSeconds: 10,
      environment: {},
    });
    try {
      expect(await env.invoke({})).toEqual({ ok: true, result: { id: { S: "k" } } });
    } finally {
      await env.shutdown();
    }
  });

  test("time out like Lambda, and the next invocation gets a fresh environment", async () => {
    const codeDir = temp("env-timeout");
    fs.writeFileSync(
      path.join(codeDir, "index.js"),
      "let calls = 0; exports.handler = async (e) => { calls++; if (e.sleep) await new Promise((r) => setTimeout(r, e.sleep)); return { calls }; };",
    );
    const env = new ExecutionEnvironment({
      codeDir,
      handler: "index.handler",
      functionName: "t",
      memorySizeMb: 128,
      timeoutSeconds: 1,
      environment: {},
    });
    try {
      expect(await env.invoke({})).toEqual({ ok: true, result: { calls: 1 } });
      expect(await env.invoke({ sleep: 1500 })).toEqual({
        ok: false,
        error: { name: "Sandbox.Timedout", message: "Task timed out after 1.00 seconds" },
      });
      expect(await env.invoke({})).toEqual({ ok: true, result: { calls: 1 } });
    } finally {
      await env.shutdown();
    }
  });
});

describe("the environment the runner gives the worker", () => {
  test("is what Lambda receives: Terraform's $${ and %%{ escapes undone", () => {
    expect(fromTerraformLiteral("Hello $${name}, %%{ if x }y%%{ endif } $5")).toBe(
      "Hello ${name}, %{ if x }y%{ endif } $5",
    );
  });
});

describe("the runner and a failing SQS", () => {
  test("logs a DeleteMessageBatch that throws and goes on: later batches are processed and deleted", async () => {
    const bundle = bundleLambda(path.join(__dirname, "fixtures", "test-worker.ts"), temp("runner-bundle"));
    const message = (id: string) => ({
      MessageId: id,
      ReceiptHandle: `rh-${id}`,
      Body: "{}",
      MD5OfBody: "",
      Attributes: { ApproximateReceiveCount: "1" },
    });
    const batches = [[message("a")], [message("b")]];
    let deleteCalls = 0;
    const sqs = {
      send: async (command: SqsCommand) => {
        switch (command.constructor.name) {
          case "GetQueueAttributesCommand":
            return { Attributes: { QueueArn: "arn:aws:sqs:us-east-1:123456789012:q" } };
          case "ReceiveMessageCommand":
            await new Promise((resolve) => setTimeout(resolve, 20));
            return { Messages: batches.shift() ?? [], $metadata: { attempts: 1 } };
          case "DeleteMessageBatchCommand":
            deleteCalls++;
            if (deleteCalls === 1) throw new Error("socket hang up");
            return { Successful: command.input.Entries.map((e) => ({ Id: e.Id })) };
          default:
            throw new Error(`unexpected ${command.constructor.name}`);
        }
      },
    } as unknown as SQSClient;
    const lines: string[] = [];
    const runner = new LocalRunner({
      sqs,
      queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q",
      region: "us-east-1",
      waitTimeSeconds: 0,
      log: (line) => lines.push(line),
      worker: {
        serviceName: "q",
        queueName: "q",
        zipPath: bundle.zipPath,
        handler: "index.handler",
        functionName: "q-worker",
        timeoutSeconds: 10,
        memorySizeMb: 128,
        environment: {},
        batchSize: 10,
        maximumBatchingWindowSeconds: 0,
        maximumConcurrency: 2,
        reportBatchItemFailures: true,
      },
    });
    await runner.start();
    const deadline = Date.now() + 10_000;
    while (runner.stats.deleted + runner.stats.deleteErrors < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const stats = await runner.stop();
    expect({ batches: stats.batches, deleted: stats.deleted, deleteErrors: stats.deleteErrors }).toEqual({
      batches: 2,
      deleted: 1,
      deleteErrors: 1,
    });
    expect(lines).toContainEqual(
      "run: delete of 1 processed messages failed (they will be delivered again): socket hang up",
    );
  });
});
