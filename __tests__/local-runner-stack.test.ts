import * as fs from "fs";
import * as path from "path";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  findQueueUrl,
  missingQueueMessage,
  missingQueueUrlMessage,
  missingStackMessage,
  type StackTarget,
} from "../tools/local-runner/queue-lookup";
import { maxReceiveCountOf } from "../tools/local-runner/redrive-policy";
import {
  loadDeployedWorkerConfig,
  readDeployedWorkerConfig,
  type DeployedWorkerConfig,
} from "../tools/local-runner/stack-config";
import { filebase64sha256 } from "../tools/local-runner/zip-hash";
import { synthApp, tempDirsRemovedAfterAll } from "./helpers/synth";

// What the runner reads from synth output, in both forms a stack folder can hold, and how it
// names a queue it cannot find.

const temp = tempDirsRemovedAfterAll();

/** The config with its zip path made relative to the synth folder, so two synths compare. */
const portable = (config: DeployedWorkerConfig, outdir: string) => ({
  ...config,
  zipPath: path.relative(outdir, config.zipPath),
});

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
    expect(fs.readdirSync(path.join(hclOut, "stacks", "thumbnails")).filter((f) => f.startsWith("cdk.tf"))).toEqual([
      "cdk.tf",
    ]);
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
      `no synthesized stack "nope": neither ${path.join(missing, "cdk.tf.json")} nor ${path.join(missing, "cdk.tf")} exists; synthesize the app first (cdktf synth)`,
    );
    expect(() => readDeployedWorkerConfig(hclOut, "orders")).toThrow(/cdk\.tf is HCL .* use loadDeployedWorkerConfig/);
  });

  test("an unreadable cdk.tf is one line naming the file", async () => {
    const outdir = temp("stack-bad-hcl");
    fs.mkdirSync(path.join(outdir, "stacks", "broken"), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", "broken", "cdk.tf"), 'resource "aws_sqs_queue" "q" {\n  name = \n');
    await expect(loadDeployedWorkerConfig(outdir, "broken")).rejects.toThrow(
      new RegExp(`^${path.join(outdir, "stacks", "broken", "cdk.tf")}: not valid HCL \\(.*\\); run the synth again$`),
    );
  });
});

describe("maxReceiveCount from a redrive policy", () => {
  test("reads the construct's jsonencode expression (JSON and HCL spelling) and SQS's JSON attribute", () => {
    expect(
      maxReceiveCountOf('${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.Dlq_1.arn, "maxReceiveCount" = 3})}'),
    ).toBe(3);
    expect(
      maxReceiveCountOf('${jsonencode({ "deadLetterTargetArn" = aws_sqs_queue.Dlq_1.arn, "maxReceiveCount" = 12 })}'),
    ).toBe(12);
    expect(maxReceiveCountOf('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d","maxReceiveCount":5}')).toBe(5);
    expect(maxReceiveCountOf('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d","maxReceiveCount":"4"}')).toBe(4);
  });
  test("gives nothing it cannot know: no policy, a variable, an expression, a zero", () => {
    for (const policy of [
      undefined,
      "",
      '${jsonencode({"maxReceiveCount" = var.receives})}',
      '${jsonencode({"maxReceiveCount" = 3 + var.extra})}',
      '{"maxReceiveCount":0}',
    ]) {
      expect(maxReceiveCountOf(policy)).toBeUndefined();
    }
  });
});

describe("a missing queue", () => {
  const place = { region: "eu-west-1", endpointUrl: "http://127.0.0.1:5000" };
  const cwd = "/app";
  const target = (stackId: string, stage?: string): StackTarget => ({
    service: "orders",
    stage: { stage, from: stage ? "--stage" : undefined },
    stackId,
    outdir: "cdktf.out",
  });

  test("is named with where the runner looked, the stack that names it, and the ways out", () => {
    expect(missingQueueMessage("orders-queue", target("orders"), place, cwd)).toBe(
      'no queue named "orders-queue" in eu-west-1 at http://127.0.0.1:5000: the stack orders (cdktf.out/stacks/orders, no stage) names it; ' +
        "deploy it first (npx cdktf deploy orders), or pass --queue-url",
    );
    expect(missingQueueMessage("dev-orders-queue", target("dev-orders", "dev"), { region: "us-east-1" }, cwd)).toBe(
      'no queue named "dev-orders-queue" in us-east-1 on AWS: the stack dev-orders (cdktf.out/stacks/dev-orders, stage dev from --stage) names it; ' +
        "deploy it first (npx cdktf deploy dev-orders), or pass --queue-url",
    );
    expect(missingQueueUrlMessage("http://127.0.0.1:5000/123456789012/other", place)).toBe(
      "no queue at --queue-url http://127.0.0.1:5000/123456789012/other (asked in eu-west-1 at http://127.0.0.1:5000): check the URL, --region and --endpoint-url",
    );
  });

  test("names the service's other synthesized stages as a way out", () => {
    const app = temp("missing-queue-stages");
    for (const stack of ["orders", "dev-orders", "prod-orders", "billing"]) {
      fs.mkdirSync(path.join(app, "cdktf.out", "stacks", stack), { recursive: true });
      fs.writeFileSync(path.join(app, "cdktf.out", "stacks", stack, "cdk.tf.json"), "{}");
    }
    expect(missingQueueMessage("dev-orders-queue", target("dev-orders", "dev"), place, app)).toBe(
      'no queue named "dev-orders-queue" in eu-west-1 at http://127.0.0.1:5000: the stack dev-orders (cdktf.out/stacks/dev-orders, stage dev from --stage) names it; ' +
        'deploy it first (npx cdktf deploy dev-orders), run another stage of it (--stage "" or --stage prod), or pass --queue-url',
    );
  });

  test("replaces AWS's 'The specified queue does not exist.' when the lookup fails, and names the queue in other failures", async () => {
    const failing = (error: Error) => ({ send: async () => Promise.reject(error) }) as unknown as SQSClient;
    const missing = Object.assign(new Error("The specified queue does not exist."), { name: "QueueDoesNotExist" });
    await expect(findQueueUrl(failing(missing), "orders-queue", target("orders"), place)).rejects.toThrow(
      /^no queue named "orders-queue" in eu-west-1 at http:\/\/127\.0\.0\.1:5000: /,
    );
    await expect(
      findQueueUrl(failing(new Error("socket hang up")), "orders-queue", target("orders"), place),
    ).rejects.toThrow('could not look up queue "orders-queue" in eu-west-1 at http://127.0.0.1:5000: socket hang up');
  });
});

describe("a stack the synth did not write (a stage missing or another)", () => {
  test("names the folder tried, the stage, that a stage may be missing, and the stacks the synth wrote with their --stage", () => {
    const app = temp("missing-stack");
    for (const stack of ["dev-invoices", "prod-invoices", "dev-billing"]) {
      fs.mkdirSync(path.join(app, "cdktf.out", "stacks", stack), { recursive: true });
      fs.writeFileSync(path.join(app, "cdktf.out", "stacks", stack, "cdk.tf"), "");
    }
    fs.mkdirSync(path.join(app, "cdktf.out", "stacks", "empty-invoices")); // no configuration: not a stack
    const target: StackTarget = {
      service: "invoices",
      stage: { stage: undefined, from: undefined },
      stackId: "invoices",
      outdir: "cdktf.out",
    };
    expect(missingStackMessage(target, app)).toBe(
      "no synthesized stack invoices (no stage): tried cdktf.out/stacks/invoices (neither cdk.tf.json nor cdk.tf); " +
        "a stage (--stage or SQS_WORKER_STAGE) may be missing or another; " +
        "stacks in cdktf.out: dev-billing, dev-invoices, prod-invoices (invoices: --stage dev or --stage prod)",
    );
    expect(
      missingStackMessage({ ...target, stage: { stage: "qa", from: "SQS_WORKER_STAGE" }, stackId: "qa-invoices" }, app),
    ).toMatch(
      /^no synthesized stack qa-invoices \(stage qa from SQS_WORKER_STAGE\): tried cdktf\.out\/stacks\/qa-invoices /,
    );
  });

  test("without any synth output, says so", () => {
    const app = temp("no-synth");
    const target: StackTarget = {
      service: "invoices",
      stage: { stage: "dev", from: "--stage" },
      stackId: "dev-invoices",
      outdir: "cdktf.out",
    };
    expect(missingStackMessage(target, app)).toBe(
      "no synthesized stack dev-invoices (stage dev from --stage): tried cdktf.out/stacks/dev-invoices (neither cdk.tf.json nor cdk.tf); " +
        `a stage (--stage or SQS_WORKER_STAGE) may be missing or another; no cdktf.out/stacks in ${app}; synthesize the app first (cdktf synth), or pass --outdir`,
    );
  });
});
