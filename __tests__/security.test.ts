import * as fs from "fs";
import * as path from "path";
import { METRIC_READ_ACTIONS, XRAY_WRITE_ACTIONS } from "../modules/sqs-worker/iam-statements";
import {
  dataSource,
  makeTempDir,
  onlyResource,
  removeDir,
  resources,
  synthApp,
  synthService,
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
beforeAll(async () => {
  outdir = makeTempDir("security");
  const dirs = await synthApp(outdir);
  for (const [name, dir] of Object.entries(dirs))
    stacks[name] = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
});
afterAll(() => removeDir(outdir));

/** Every statement of every IAM policy document in a stack. */
function statements(json: TerraformJson): Statement[] {
  return Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap((doc) => doc.statement as Statement[]);
}

/** The address (`aws_sqs_queue.<id>`) of the queue whose name ends in `-<suffix>` (or `-<suffix>.fifo`). */
function queueAddress(json: TerraformJson, suffix: "queue" | "dlq"): string {
  const [id] =
    Object.entries(json.resource.aws_sqs_queue).find(([, q]) =>
      String(q.name).match(new RegExp(`-${suffix}(\\.fifo)?$`)),
    ) ?? [];
  return `aws_sqs_queue.${id}`;
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
    for (const which of ["queue", "dlq"] as const) {
      const queue = json().resource.aws_sqs_queue[queueAddress(json(), which).split(".")[1]] as {
        name: string;
        policy: string;
      };
      const docId = queue.policy.match(/^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/)![1];
      const doc = json().data!.aws_iam_policy_document[docId] as { statement: Statement[] };
      expect(doc.statement).toEqual([
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sqs:*"],
          resources: [expectedArn(json(), queue.name)],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ]);
    }
  });

  test("no queue policy allows anything (nothing public)", () => {
    const queueDocs = Object.entries(json().data!.aws_iam_policy_document).filter(([id]) => id.includes("TlsPolicy"));
    expect(queueDocs).toHaveLength(2);
    for (const [, doc] of queueDocs) for (const s of doc.statement as Statement[]) expect(s.effect).toBe("Deny");
  });

  test("the dead-letter queue accepts redrives only from its source queue", () => {
    const dlq = json().resource.aws_sqs_queue[queueAddress(json(), "dlq").split(".")[1]] as {
      redrive_allow_policy: string;
    };
    const source = json().resource.aws_sqs_queue[queueAddress(json(), "queue").split(".")[1]] as { name: string };
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
  const json = synthService("secure", { queue: { kmsKeyArn: key } });

  test("encrypts both queues instead of SSE-SQS", () => {
    for (const q of resources(json, "aws_sqs_queue")) {
      expect(q.kms_master_key_id).toBe(key);
      expect(q.sqs_managed_sse_enabled).toBeUndefined();
    }
  });

  test("gives the worker exactly kms:Decrypt on that key", () => {
    const policy = dataSource(json, "aws_iam_policy_document", "WorkerPolicy");
    expect(policy.statement.filter((s: Statement) => s.actions.some((a) => a.startsWith("kms:")))).toEqual([
      { sid: "DecryptQueueMessages", effect: "Allow", actions: ["kms:Decrypt"], resources: [key] },
    ]);
  });

  test("is absent from the worker policy when SSE-SQS is used", () => {
    const policy = dataSource(synthService("plain"), "aws_iam_policy_document", "WorkerPolicy");
    expect(JSON.stringify(policy)).not.toContain("kms:");
  });
});

describe("reserved concurrency", () => {
  test("is written when given", () => {
    expect(
      onlyResource(synthService("reserved", { lambda: { reservedConcurrency: 20 } }), "aws_lambda_function")
        .reserved_concurrent_executions,
    ).toBe(20);
  });
});
