import { Fn, Testing, TerraformStack, TerraformVariable, Token } from "cdktf";
import { SqsWorker, SqsWorkerConfigError } from "../modules/internal";
import { PROP_SHAPE } from "../modules/sqs-worker/prop-shape";
import { SYNTH_TIME_PROPS } from "../modules/sqs-worker/synth-time-props";
import { TEST_ENTRY } from "./helpers/props";

// A prop given as a Terraform expression either reaches Terraform exactly as
// given or is refused in one line naming the service, the prop and the expression, never with
// cdktf's internals (a creationStack, a ${TfToken[...]} placeholder).

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";

type Props = Record<string, unknown>;

/** Props with `override` merged per group into a valid worker's. */
function build(override: Props): Props {
  const base: Props = { serviceName: "orders", lambda: { entry: TEST_ENTRY }, alarmTopicArn: TOPIC };
  for (const [key, value] of Object.entries(override)) {
    const current = base[key];
    base[key] =
      current && typeof current === "object" && value && typeof value === "object" && !Token.isUnresolved(value)
        ? { ...current, ...value }
        : value;
  }
  return base;
}

/** The error lines of a worker built from `override` in a fresh stack ([] when it was accepted). */
function refusal(override: (stack: TerraformStack) => Props): string[] {
  const stack = new TerraformStack(Testing.app(), "test");
  try {
    new SqsWorker(stack, "Worker", build(override(stack)) as never);
    return [];
  } catch (error) {
    if (!(error instanceof SqsWorkerConfigError)) throw error;
    return error.message
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ""));
  }
}

/** The synthesized stack of a worker built from `override`, as JSON text. */
function synthesized(override: (stack: TerraformStack) => Props): string {
  const stack = new TerraformStack(Testing.app(), "test");
  new SqsWorker(stack, "Worker", build(override(stack)) as never);
  return Testing.synth(stack);
}

/** The worker function's resource body. */
function workerFunction(json: string): Record<string, unknown> {
  const { resource } = JSON.parse(json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  return Object.values(resource.aws_lambda_function)[0];
}

const mapVariable = (stack: TerraformStack) => new TerraformVariable(stack, "extra", { type: "map(string)" });
const ENVIRONMENT_REFUSED =
  "orders: lambda.environment must be known at synth, not a Terraform expression: a whole-map expression hides its keys, so the reserved-key, SQS_WORKER_ prefix, guarantee-switch and 4 KB rules could not be checked; write an object literal, whose values may be expressions ({ STAGE: var.stage })";

describe("a whole lambda.environment given as a Terraform expression", () => {
  test("Fn.merge of a literal and a variable is refused in one line naming the expression", () => {
    expect(
      refusal((stack) => ({
        lambda: { environment: Fn.merge([{ STAGE: "dev" }, mapVariable(stack).value]) as unknown },
      })),
    ).toEqual([`${ENVIRONMENT_REFUSED} (given "\${merge({\\"STAGE\\" = \\"dev\\"}, var.extra)}")`]);
  });

  test("Token.asString of a map variable is refused in one line", () => {
    expect(refusal((stack) => ({ lambda: { environment: Token.asString(mapVariable(stack).value) } }))).toEqual([
      `${ENVIRONMENT_REFUSED} (given "\${var.extra}")`,
    ]);
  });

  test("a map variable's value is refused in one line, without a creationStack", () => {
    expect(refusal((stack) => ({ lambda: { environment: mapVariable(stack).value as unknown } }))).toEqual([
      `${ENVIRONMENT_REFUSED} (given "\${var.extra}")`,
    ]);
  });

  test("Token.asStringMap of a variable is refused in one line, without a TfToken key", () => {
    expect(refusal((stack) => ({ lambda: { environment: Token.asStringMap(mapVariable(stack).value) } }))).toEqual([
      `${ENVIRONMENT_REFUSED} (given "\${var.extra}")`,
    ]);
  });
});

describe("Terraform expressions inside a literal lambda.environment", () => {
  test("string and number variables as values reach the function as those expressions", () => {
    const json = synthesized((stack) => ({
      lambda: {
        environment: {
          STAGE: new TerraformVariable(stack, "stage", { type: "string" }).stringValue,
          WORKERS: new TerraformVariable(stack, "workers", { type: "number" }).numberValue,
          GREETING: "hello",
        },
      },
    }));
    expect(workerFunction(json).environment).toEqual({
      variables: { STAGE: "${var.stage}", WORKERS: "${var.workers}", GREETING: "hello" },
    });
  });

  test("a key that is a Terraform expression is refused in one line naming it", () => {
    expect(
      refusal((stack) => ({
        lambda: { environment: { [new TerraformVariable(stack, "key", { type: "string" }).stringValue]: "on" } },
      })),
    ).toEqual([
      'orders: lambda.environment keys must be known at synth, not Terraform expressions: Lambda\'s key pattern, its reserved keys and the guarantee switches are checked by name (values may be expressions) (given "${var.key}")',
    ]);
  });
});

/** A variable of the Terraform type matching a prop's kind, as a caller would pass it. */
function tokenFor(stack: TerraformStack, kind: string): unknown {
  if (kind === "boolean") return new TerraformVariable(stack, "given", { type: "bool" }).booleanValue;
  if (kind.startsWith("number")) return new TerraformVariable(stack, "given", { type: "number" }).numberValue;
  if (kind === "string map") return new TerraformVariable(stack, "given", { type: "map(string)" }).value;
  return new TerraformVariable(stack, "given", { type: "string" }).stringValue;
}

const kindOf = (path: string) => {
  const [group, prop] = path.includes(".") ? path.split(".") : ["", path];
  return PROP_SHAPE[group][prop];
};
const withValue = (path: string, value: unknown): Props => {
  const [group, prop] = path.includes(".") ? path.split(".") : ["", path];
  return group ? { [group]: { [prop]: value } } : { [prop]: value };
};

describe("props the construct decides something with", () => {
  test.each(Object.entries(SYNTH_TIME_PROPS))(
    "%s refuses a Terraform expression in one line saying why",
    (path, reason) => {
      const service = path === "serviceName" ? "${var.given}" : "orders";
      expect(refusal((stack) => withValue(path, tokenFor(stack, kindOf(path))))).toEqual([
        `${service}: ${path} must be known at synth, not a Terraform expression: ${reason} (given "\${var.given}")`,
      ]);
    },
  );

  test("two workers given the same serviceName variable never reach an apply: the first is refused", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const service = new TerraformVariable(stack, "service", { type: "string" }).stringValue;
    expect(
      () =>
        new SqsWorker(stack, "First", {
          serviceName: service,
          lambda: { entry: TEST_ENTRY },
          alarmTopicArn: TOPIC,
        }),
    ).toThrow(/\$\{var\.service\}: serviceName must be known at synth, not a Terraform expression/);
  });

  test("a refused expression is reported together with the configuration's other problems", () => {
    expect(
      refusal((stack) => ({
        serviceName: new TerraformVariable(stack, "service", { type: "string" }).stringValue,
        lambda: { entry: "/no/such/worker.ts" },
        deadLetterQueue: { maxReceiveCount: 0 },
      })),
    ).toEqual([
      `\${var.service}: serviceName must be known at synth, not a Terraform expression: ${SYNTH_TIME_PROPS.serviceName} (given "\${var.service}")`,
      '${var.service}: lambda.entry must name an existing file (a relative path resolves against the folder of the app\'s main script) (given "/no/such/worker.ts", resolved to "/no/such/worker.ts": no such file)',
      "${var.service}: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)",
    ]);
  });

  test("a group given as a Terraform expression is refused in one line", () => {
    expect(refusal((stack) => ({ queue: new TerraformVariable(stack, "queue", { type: "any" }).value }))).toEqual([
      'orders: queue must be an object written at synth, not a Terraform expression: the construct reads and checks its props one by one (given "${var.queue}")',
    ]);
  });
});

describe("props the construct only passes on to Terraform", () => {
  const numberPaths = Object.entries(PROP_SHAPE).flatMap(([group, props]) =>
    Object.entries(props)
      .filter(([, kind]) => kind.startsWith("number"))
      .map(([prop]) => (group ? `${group}.${prop}` : prop)),
  );

  test.each(numberPaths)(
    "%s given a number variable reaches Terraform as that variable, never as cdktf's placeholder number",
    (path) => {
      const json = synthesized((stack) => ({
        ...withValue(path, tokenFor(stack, "number")),
        ...(path.startsWith("idempotency.") ? {} : { idempotency: {} }),
      }));
      expect(json).toContain("var.given");
      // A token number printed as a number (string interpolation, arithmetic) shows as ~1e+289.
      expect(json).not.toMatch(/\de[+-]\d{3}/);
    },
  );

  test("lambda.architecture given a variable appears in the function as that variable", () => {
    const json = synthesized((stack) => ({
      lambda: { architecture: new TerraformVariable(stack, "arch", { type: "string" }).stringValue },
    }));
    expect(workerFunction(json).architectures).toEqual(["${var.arch}"]);
  });

  test("queue.kmsKeyArn given a variable encrypts both queues with that key", () => {
    const json = JSON.parse(
      synthesized((stack) => ({
        queue: { kmsKeyArn: new TerraformVariable(stack, "key", { type: "string" }).stringValue },
      })),
    ) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const queues = Object.values(json.resource.aws_sqs_queue);
    expect(queues.map((q) => q.kms_master_key_id)).toEqual(["${var.key}", "${var.key}"]);
  });
});
