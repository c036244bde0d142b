import * as fs from "fs";
import * as path from "path";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { findQueueUrl, missingQueueMessage, missingQueueUrlMessage, stageMismatch } from "../tools/local-runner/queue-lookup";
import { maxReceiveCountOf } from "../tools/local-runner/redrive-policy";
import { loadDeployedWorkerConfig, readDeployedWorkerConfig, type DeployedWorkerConfig } from "../tools/local-runner/stack-config";
import { filebase64sha256 } from "../tools/local-runner/zip-hash";
import { synthApp, tempDirsRemovedAfterAll } from "./helpers/synth";

// What the runner reads from synth output, in both forms a stack folder can hold, and how it
// names a queue it cannot find.

const temp = tempDirsRemovedAfterAll();

/** The config with its zip path made relative to the synth folder, so two synths compare. */
const portable = (config: DeployedWorkerConfig, outdir: string) => ({ ...config, zipPath: path.relative(outdir, config.zipPath) });

describe("the stack the runner reads", () => {
  let jsonOut: string;
  let hclOut: string;
  beforeAll(async () => {
    jsonOut = temp("stack-json");
    hclOut = temp("stack-hcl");
    await synthApp(jsonOut);
    await synthApp(hclOut, { hcl: true });
  });

  test("after `cdktf synth --hcl` the folder holds cdk.tf only, and the runner reads the same settings from it as from cdk.tf.json", async () => {
    expect(fs.readdirSync(path.join(hclOut, "stacks", "thumbnails")).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf"]);
    for (const service of ["orders", "thumbnails", "ledger"]) {
      const fromHcl = await loadDeployedWorkerConfig(hclOut, service);
      expect(portable(fromHcl, hclOut)).toEqual(portable(await loadDeployedWorkerConfig(jsonOut, service), jsonOut));
      expect(fs.existsSync(fromHcl.zipPath)).toBe(true);
    }
    expect(await loadDeployedWorkerConfig(hclOut, "thumbnails")).toMatchObject({
      queueName: "thumbnails-queue",
      maxReceiveCount: 5,
      timeoutSeconds: 120,
      environment: { THUMBNAIL_WIDTH: "320" },
      batchSize: 5,
      maximumConcurrency: 50,
      reportBatchItemFailures: true,
    });
  });

  test("holds the queue's maxReceiveCount and the function's source_code_hash, which is the zip's filebase64sha256", () => {
    const orders = readDeployedWorkerConfig(jsonOut, "orders");
    expect(orders.maxReceiveCount).toBe(3);
    expect(orders.sourceCodeHash).toBe(filebase64sha256(fs.readFileSync(orders.zipPath)));
  });

  test("fails naming both files when neither exists, and the synchronous JSON reader points HCL folders to the loader", async () => {
    const missing = path.join(jsonOut, "stacks", "nope");
    await expect(loadDeployedWorkerConfig(jsonOut, "nope")).rejects.toThrow(
      `no synthesized stack for service "nope": neither ${path.join(missing, "cdk.tf.json")} nor ${path.join(missing, "cdk.tf")} exists; run \`npm run synth\` first`,
    );
    expect(() => readDeployedWorkerConfig(hclOut, "orders")).toThrow(/cdk\.tf is HCL .* use loadDeployedWorkerConfig/);
  });

  test("an unreadable cdk.tf is one line naming the file", async () => {
    const outdir = temp("stack-bad-hcl");
    fs.mkdirSync(path.join(outdir, "stacks", "broken"), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", "broken", "cdk.tf"), 'resource "aws_sqs_queue" "q" {\n  name = \n');
    await expect(loadDeployedWorkerConfig(outdir, "broken")).rejects.toThrow(new RegExp(`^${path.join(outdir, "stacks", "broken", "cdk.tf")}: not valid HCL \\(.*\\); run the synth again$`));
  });
});

describe("maxReceiveCount from a redrive policy", () => {
  test("reads the construct's jsonencode expression (JSON and HCL spelling) and SQS's JSON attribute", () => {
    expect(maxReceiveCountOf('${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.Dlq_1.arn, "maxReceiveCount" = 3})}')).toBe(3);
    expect(maxReceiveCountOf('${jsonencode({ "deadLetterTargetArn" = aws_sqs_queue.Dlq_1.arn, "maxReceiveCount" = 12 })}')).toBe(12);
    expect(maxReceiveCountOf('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d","maxReceiveCount":5}')).toBe(5);
    expect(maxReceiveCountOf('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d","maxReceiveCount":"4"}')).toBe(4);
  });
  test("gives nothing it cannot know: no policy, a variable, an expression, a zero", () => {
    for (const policy of [undefined, "", '${jsonencode({"maxReceiveCount" = var.receives})}', '${jsonencode({"maxReceiveCount" = 3 + var.extra})}', '{"maxReceiveCount":0}']) {
      expect(maxReceiveCountOf(policy)).toBeUndefined();
    }
  });
});

describe("a missing queue", () => {
  const place = { region: "eu-west-1", endpointUrl: "http://127.0.0.1:5000" };

  test("is named with where the runner looked, the synthesized stage prefix, and the ways out", () => {
    expect(missingQueueMessage("orders-queue", "orders", place, {})).toBe(
      'no queue named "orders-queue" in eu-west-1 at http://127.0.0.1:5000: the stack was synthesized without a stage prefix; ' +
        "deploy it first (npx cdktf deploy orders), synthesize with the stage it was deployed under, or pass --queue-url",
    );
    expect(missingQueueMessage("dev-orders-queue", "orders", { region: "us-east-1" }, { SQS_WORKER_STAGE: "prod" })).toBe(
      'no queue named "dev-orders-queue" in us-east-1 on AWS: the stack was synthesized with the name prefix "dev-" (SQS_WORKER_STAGE or namePrefix); ' +
        "this shell has SQS_WORKER_STAGE=prod, so run `npm run synth` again; deploy it first (npx cdktf deploy orders), synthesize with the stage it was deployed under, or pass --queue-url",
    );
    // No note when the shell's stage is the synthesized one, or empty (no stage, as for the app).
    for (const [queueName, stage] of [["dev-orders-queue", "dev"], ["orders-queue", ""]]) {
      expect(missingQueueMessage(queueName, "orders", place, { SQS_WORKER_STAGE: stage })).not.toContain("this shell");
    }
    expect(missingQueueUrlMessage("http://127.0.0.1:5000/123456789012/other", place)).toBe(
      "no queue at --queue-url http://127.0.0.1:5000/123456789012/other (asked in eu-west-1 at http://127.0.0.1:5000): check the URL, --region and --endpoint-url",
    );
  });

  test("replaces AWS's 'The specified queue does not exist.' when the lookup fails, and names the queue in other failures", async () => {
    const failing = (error: Error) => ({ send: async () => Promise.reject(error) }) as unknown as SQSClient;
    const missing = Object.assign(new Error("The specified queue does not exist."), { name: "QueueDoesNotExist" });
    await expect(findQueueUrl(failing(missing), "orders-queue", "orders", place)).rejects.toThrow(/^no queue named "orders-queue" in eu-west-1 at http:\/\/127\.0\.0\.1:5000: /);
    await expect(findQueueUrl(failing(new Error("socket hang up")), "orders-queue", "orders", place)).rejects.toThrow('could not look up queue "orders-queue" in eu-west-1 at http://127.0.0.1:5000: socket hang up');
  });
});

describe("a shell whose SQS_WORKER_STAGE differs from the synthesized stack", () => {
  test("is refused before any AWS call, naming both stages and the ways out", () => {
    expect(stageMismatch("ledger-queue.fifo", "ledger", { SQS_WORKER_STAGE: "dev" })).toBe(
      'this shell has SQS_WORKER_STAGE=dev, but ledger was synthesized without a stage (queue "ledger-queue.fifo"): ' +
        "run `SQS_WORKER_STAGE=dev npm run synth` first, or unset SQS_WORKER_STAGE to run the synthesized stage, or pass --queue-url",
    );
    expect(stageMismatch("prod-orders-queue", "orders", { SQS_WORKER_STAGE: "dev" })).toContain('synthesized with the name prefix "prod-"');
  });

  test("is fine when they agree, or when the shell names no stage (the synth decides)", () => {
    expect(stageMismatch("dev-orders-queue", "orders", { SQS_WORKER_STAGE: "dev" })).toBeUndefined();
    expect(stageMismatch("dev-orders-queue", "orders", {})).toBeUndefined();
    expect(stageMismatch("orders-queue", "orders", { SQS_WORKER_STAGE: "" })).toBeUndefined();
  });
});
