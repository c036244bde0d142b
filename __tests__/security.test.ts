import * as fs from "fs";
import * as path from "path";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { METRIC_READ_ACTIONS, XRAY_WRITE_ACTIONS } from "../modules/sqs-worker/iam-statements";
import type { SqsWorker } from "../modules/internal";
import {
  bodyOf,
  childOf,
  makeTempDir,
  onlyResource,
  removeDir,
  resources,
  synthAppStacks,
  synthServiceStack,
  type TerraformJson,
} from "./helpers/synth";

// The security suite runs over the synthesized JSON of every example stack: what is
// deployed, not what the code meant to write.
type Statement = {
  sid?: string;
  effect: string;
  actions: string[];
  resources: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
};

let outdir: string;
const stacks: Record<string, TerraformJson> = {};
const workers: Record<string, SqsWorker> = {};
beforeAll(async () => {
  outdir = makeTempDir("security");
  const app = await synthAppStacks(outdir);
  for (const [name, dir] of Object.entries(app.dirs)) {
    stacks[name] = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as TerraformJson;
    workers[name] = app.stacks[name].worker;
  }
});
afterAll(() => removeDir(outdir));

/** Every statement of every IAM policy document in a stack. */
function statements(json: TerraformJson): Statement[] {
  return Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap((doc) => doc.statement as Statement[]);
}

/** The synthesized body of one of the worker's queues. */
function queueBody(json: TerraformJson, queue: SqsQueue) {
  return bodyOf<{ name: string; policy: string; redrive_allow_policy?: string }>(json, queue);
}

/** The policy document a queue's `policy` refers to (`${data.aws_iam_policy_document.<id>.json}`), followed by reference. */
function queuePolicyDocument(json: TerraformJson, queue: SqsQueue): { statement: Statement[] } {
  const docId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(queueBody(json, queue).policy)?.[1];
  const doc = docId === undefined ? undefined : json.data?.aws_iam_policy_document[docId];
  if (!doc) throw new Error(`the policy of ${queueBody(json, queue).name} refers to no policy document`);
  return doc as { statement: Statement[] };
}

/** The ARN a queue named `name` gets, as the construct writes it: from the provider's partition, region and account. */
function expectedArn(json: TerraformJson, name: string): string {
  const only = (type: string) => {
    const ids = Object.keys(json.data?.[type] ?? {});
    if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
    return `data.${type}.${ids[0]}`;
  };
  return `arn:\${${only("aws_partition")}.partition}:sqs:\${${only("aws_region")}.name}:\${${only("aws_caller_identity")}.account_id}:${name}`;
}

describe.each(["ledger", "orders", "thumbnails"])("security of the %s stack", (name) => {
  const json = () => stacks[name];
  const worker = () => workers[name];
  const bothQueues = () => [worker().queue, worker().deadLetterQueue];

  test("no IAM statement allows a * action", () => {
    const allowed = statements(json()).filter((s) => s.effect === "Allow");
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.flatMap((s) => s.actions).filter((a) => a.includes("*"))).toEqual([]);
  });

  test("no * resource except for the X-Ray writes and metric reads AWS cannot scope", () => {
    const unscopable: readonly string[] = [...XRAY_WRITE_ACTIONS, ...METRIC_READ_ACTIONS];
    const wildcard = statements(json()).filter((s) => s.effect === "Allow" && (s.resources ?? []).includes("*"));
    for (const s of wildcard) expect(s.actions.every((a) => unscopable.includes(a))).toBe(true);
  });

  test("no managed policy is attached to any role", () => {
    expect(json().resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(json().resource.aws_iam_policy_attachment).toBeUndefined();
    for (const role of resources(json(), "aws_iam_role")) expect(role.managed_policy_arns).toBeUndefined();
  });

  test("both queues are encrypted, written out explicitly", () => {
    const queues = resources(json(), "aws_sqs_queue");
    expect(queues).toHaveLength(2);
    for (const q of queues)
      expect(q.sqs_managed_sse_enabled === true || typeof q.kms_master_key_id === "string").toBe(true);
  });

  test("both queues have a policy denying any request without TLS, on their own ARN", () => {
    for (const queue of bothQueues()) {
      expect(queuePolicyDocument(json(), queue).statement).toEqual([
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sqs:*"],
          resources: [expectedArn(json(), queueBody(json(), queue).name)],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ]);
    }
  });

  test("no queue policy allows anything (nothing public)", () => {
    const queueDocs = bothQueues().map((queue) => queuePolicyDocument(json(), queue));
    expect(queueDocs).toHaveLength(2);
    for (const doc of queueDocs) for (const s of doc.statement) expect(s.effect).toBe("Deny");
  });

  test("the dead-letter queue accepts redrives only from its source queue", () => {
    const dlq = queueBody(json(), worker().deadLetterQueue);
    const source = queueBody(json(), worker().queue);
    expect(dlq.redrive_allow_policy).toBe(
      `\${jsonencode({"redrivePermission" = "byQueue", "sourceQueueArns" = ["${expectedArn(json(), source.name)}"]})}`,
    );
    expect(json().resource.aws_sqs_queue_redrive_allow_policy).toBeUndefined();
    expect(json().resource.aws_sqs_queue_policy).toBeUndefined();
  });

  test("the function is traced and its log group keeps logs for a year", () => {
    expect(onlyResource(json(), "aws_lambda_function").tracing_config).toEqual({ mode: "Active" });
    expect(onlyResource(json(), "aws_cloudwatch_log_group").retention_in_days).toBeGreaterThanOrEqual(365);
  });
});

describe("a customer managed KMS key", () => {
  const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const secure = synthServiceStack("secure", { queue: { kmsKeyArn: key } });
  const json = secure.json;
  const workerPolicy = ({ json, worker }: { json: TerraformJson; worker: SqsWorker }) =>
    bodyOf<{ statement: Statement[] }>(json, childOf(worker, "WorkerPolicy", DataAwsIamPolicyDocument));

  test("encrypts both queues instead of SSE-SQS", () => {
    for (const q of resources(json, "aws_sqs_queue")) {
      expect(q.kms_master_key_id).toBe(key);
      expect(q.sqs_managed_sse_enabled).toBeUndefined();
    }
  });

  test("gives the worker exactly kms:Decrypt on that key", () => {
    expect(workerPolicy(secure).statement.filter((s) => s.actions.some((a) => a.startsWith("kms:")))).toEqual([
      { sid: "DecryptQueueMessages", effect: "Allow", actions: ["kms:Decrypt"], resources: [key] },
    ]);
  });

  test("is absent from the worker policy when SSE-SQS is used", () => {
    expect(JSON.stringify(workerPolicy(synthServiceStack("plain")))).not.toContain("kms:");
  });
});

describe("reserved concurrency", () => {
  test("is written when given", () => {
    expect(
      onlyResource(synthServiceStack("reserved", { lambda: { reservedConcurrency: 20 } }).json, "aws_lambda_function")
        .reserved_concurrent_executions,
    ).toBe(20);
  });
});
