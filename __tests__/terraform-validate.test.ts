import * as fs from "fs";
import { EXAMPLE_SERVICES } from "../examples/services";
import { TEST_ENTRY } from "./helpers/props";
import { makeTempDir, removeDir, synthApp } from "./helpers/synth";
import { prepareTerraform, terraformOk } from "./helpers/terraform";

// Rung 3 of the verification ladder: the real Terraform CLI and the real hashicorp/aws
// 5.100.0 provider check every synthesized stack, offline (the provider comes from the
// machine's mirror). Without terraform the test says why and skips, except under CI=true,
// where a missing toolchain is a failure: CI must never pass by skipping this.
const tool = prepareTerraform();
const inCi = process.env.CI === "true";

if (!tool.ok && !inCi) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED terraform validate: ${tool.reason}`);
}

const maybe = tool.ok || inCi ? describe : describe.skip;

maybe("terraform validate", () => {
  let outdir: string;
  let stacks: Record<string, string>;

  beforeAll(async () => {
    if (!tool.ok) throw new Error(`terraform validate cannot run under CI: ${tool.reason}`);
    outdir = makeTempDir("tf-validate");
    // The example stacks plus a variant exercising every optional branch of the construct.
    stacks = await synthApp(outdir, {
      services: {
        ...EXAMPLE_SERVICES,
        variant: {
          lambda: { entry: TEST_ENTRY, tracing: "PassThrough", runtime: "nodejs20.x", architecture: "x86_64", environment: { A: "1" } },
          queue: { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", delaySeconds: 5, receiveWaitTimeSeconds: 20 },
          deadLetterQueue: { maxReceiveCount: 5 },
          eventSource: { batchSize: 100, maximumBatchingWindowSeconds: 5, maximumConcurrency: false },
          alarm: { periodSeconds: 60, evaluationPeriods: 5 },
        },
      },
    });
  });
  afterAll(() => {
    if (outdir) removeDir(outdir);
    if (tool.ok) removeDir(tool.dir);
  });

  test.each([...Object.keys(EXAMPLE_SERVICES), "variant"])("accepts the %s stack with hashicorp/aws 5.100.0", async (stack) => {
    if (!tool.ok) throw new Error(tool.reason);
    const dir = stacks[stack];
    await terraformOk(tool, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    const lock = fs.readFileSync(`${dir}/.terraform.lock.hcl`, "utf8");
    expect(lock).toContain('provider "registry.terraform.io/hashicorp/aws"');
    expect(lock).toContain('version     = "5.100.0"');
    const result = JSON.parse(await terraformOk(tool, dir, ["validate", "-json", "-no-color"]));
    expect({ valid: result.valid, diagnostics: result.diagnostics }).toEqual({ valid: true, diagnostics: [] });
  });
});
