import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_SERVICES } from "../examples/services";
import { AWS_PROVIDER_LOCK } from "../modules/aws-provider-lock";
import { TEST_ENTRY } from "./helpers/props";
import { makeTempDir, removeDir, synthApp } from "./helpers/synth";
import { AWS_PROVIDER_VERSION, prepareTerraform, terraformOk } from "./helpers/terraform";

// Rung 3 of the verification ladder: the real Terraform CLI and the real hashicorp/aws
// 5.100.0 provider check every synthesized stack, offline (the provider comes from the
// machine's mirror), in both synth modes: the JSON terraform applies and the HCL reviewers
// read must both be valid with no warning. Without terraform the test says why and skips,
// except under CI=true, where a missing toolchain is a failure: CI must never pass by skipping.
const tool = prepareTerraform();
const inCi = process.env.CI === "true";

if (!tool.ok && !inCi) {
  console.warn(`SKIPPED terraform validate: ${tool.reason}`);
}

const maybe = tool.ok || inCi ? describe : describe.skip;

// The example stacks plus a variant exercising every optional branch of the construct.
const SERVICES = {
  ...EXAMPLE_SERVICES,
  variant: {
    namePrefix: "dev-",
    lambda: {
      entry: TEST_ENTRY,
      tracing: "PassThrough",
      architecture: "x86_64",
      environment: { AB: "1", TEMPLATE: "Hello ${name}, %{ if admin }admin%{ endif }" },
    },
    queue: {
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      delaySeconds: 5,
      receiveWaitTimeSeconds: 20,
    },
    deadLetterQueue: { maxReceiveCount: 5 },
    eventSource: { batchSize: 100, maximumBatchingWindowSeconds: 5, maximumConcurrency: false },
    alarm: { periodSeconds: 60, evaluationPeriods: 5 },
  },
} as const;

const MODES = ["json", "hcl"] as const;
const cases = MODES.flatMap((mode) => Object.keys(SERVICES).map((stack) => [stack, mode] as const));

/** What init and validate left in one stack folder. */
interface Validated {
  readonly lock: string;
  readonly result: { valid: boolean; warning_count: number; diagnostics: unknown[] };
}

maybe("terraform validate", () => {
  let outdir: string;
  const validated = new Map<string, Validated>();

  beforeAll(async () => {
    if (!tool.ok) throw new Error(`terraform validate cannot run under CI: ${tool.reason}`);
    outdir = makeTempDir("tf-validate");
    const stacks = {
      json: await synthApp(path.join(outdir, "json"), { services: SERVICES }),
      hcl: await synthApp(path.join(outdir, "hcl"), { services: SERVICES, hcl: true }),
    };
    // Every stack at once: terraform mostly waits on the provider's start-up, not the CPU.
    await Promise.all(
      cases.map(async ([stack, mode]) => {
        const dir = stacks[mode][stack];
        await terraformOk(tool, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
        const result = JSON.parse(
          await terraformOk(tool, dir, ["validate", "-json", "-no-color"]),
        ) as Validated["result"];
        validated.set(`${stack} ${mode}`, {
          lock: fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8"),
          result,
        });
      }),
    );
  });
  afterAll(() => {
    if (outdir) removeDir(outdir);
    if (tool.ok) removeDir(tool.dir);
  });

  test.each(cases)("accepts the %s stack as %s with hashicorp/aws 5.100.0, without a warning", (stack, mode) => {
    const { lock, result } = validated.get(`${stack} ${mode}`)!;
    // init verified the mirrored provider against the committed lock and left it as it was.
    expect(lock).toBe(AWS_PROVIDER_LOCK);
    expect({ valid: result.valid, warnings: result.warning_count, diagnostics: result.diagnostics }).toEqual({
      valid: true,
      warnings: 0,
      diagnostics: [],
    });
  });

  test("the committed lock's h1 hash is the one Terraform computes from the provider mirror", async () => {
    if (!tool.ok) throw new Error(tool.reason);
    const dir = path.join(outdir, "lock");
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, "main.tf"),
      `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "${AWS_PROVIDER_VERSION}" }\n  }\n}\n`,
    );
    await terraformOk(tool, dir, [
      "providers",
      "lock",
      `-fs-mirror=${tool.mirror}`,
      "-platform=linux_amd64",
      "-no-color",
    ]);
    const computed = fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8").match(/"(h1:[^"]+)"/)?.[1];
    expect(computed).toBeDefined();
    expect(AWS_PROVIDER_LOCK).toContain(`"${computed}"`);
  });
});
