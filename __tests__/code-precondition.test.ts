import * as fs from "fs";
import * as path from "path";
import { CODE_CHANGED_MESSAGE } from "../modules/sqs-worker/code-precondition";
import { TEST_ENTRY } from "./helpers/props";
import { makeTempDir, onlyResource, removeDir, synthApp, synthService } from "./helpers/synth";
import { prepareTerraform, terraformOk, terraformRun } from "./helpers/terraform";

// Issue 19 item 3: a zip replaced after synth must fail the plan, not ship behind the reviewed
// source_code_hash. The plan itself is checked offline with `terraform test` and a mocked AWS
// provider (real Terraform, real hashicorp/aws schema from the mirror, no AWS calls), in both
// synth modes; the emulator suites check `cdktf deploy`, `terraform plan` and destroy for real.

describe("the function's precondition on its zip", () => {
  const json = synthService("orders");
  const fn = onlyResource(json, "aws_lambda_function") as {
    lifecycle: { precondition: unknown };
    filename: string;
    source_code_hash: string;
  };

  test("compares filebase64sha256 of the function's own filename with its source_code_hash", () => {
    expect(fn.lifecycle.precondition).toEqual([
      {
        condition: `\${try(filebase64sha256("\${path.module}/${fn.filename}"), "") == "${fn.source_code_hash}"}`,
        error_message: CODE_CHANGED_MESSAGE,
      },
    ]);
  });

  test("says what happened and what to do in one line Terraform does not wrap (78 columns with its '│ ')", () => {
    expect(CODE_CHANGED_MESSAGE).toMatch(/nothing was changed; run synth again$/);
    expect(CODE_CHANGED_MESSAGE.length).toBeLessThanOrEqual(76);
  });
});

const tool = prepareTerraform();
const inCi = process.env.CI === "true";
const maybe = tool.ok || inCi ? describe : describe.skip;

/** AWS mocked; its policy documents must still be JSON, or the provider's own validation fails first. */
const MOCK_TEST = `mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}" }
  }
}
variables { alert_sns_arn = "arn:aws:sns:us-east-1:123456789012:alerts" }
run "plan" {
  command = plan
}
`;

maybe.each(["json", "hcl"] as const)("terraform plan of a %s stack (mocked AWS, offline)", (mode) => {
  let outdir: string;
  let dir: string;
  let zip: string;
  let original: Buffer;

  beforeAll(async () => {
    if (!tool.ok) throw new Error(`the precondition test cannot run under CI: ${tool.reason}`);
    outdir = makeTempDir(`code-precondition-${mode}`);
    dir = (await synthApp(outdir, { services: { worker: { lambda: { entry: TEST_ENTRY } } }, hcl: mode === "hcl" }))
      .worker;
    const assets = path.join(dir, "assets");
    const [folder] = fs.readdirSync(assets);
    const [hash] = fs.readdirSync(path.join(assets, folder));
    zip = path.join(assets, folder, hash, "lambda.zip");
    original = fs.readFileSync(zip);
    fs.mkdirSync(path.join(dir, "tests"));
    fs.writeFileSync(path.join(dir, "tests", "code.tftest.hcl"), MOCK_TEST);
    await terraformOk(tool, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  }, 60_000);
  afterAll(() => outdir && removeDir(outdir));
  afterEach(() => fs.writeFileSync(zip, original));

  async function plan(): Promise<{ passed: boolean; output: string }> {
    if (!tool.ok) throw new Error(tool.reason);
    const run = await terraformRun(tool, dir, ["test", "-no-color"]);
    return { passed: run.code === 0, output: run.stdout + run.stderr };
  }

  test("passes with the zip synth wrote", async () => {
    expect(await plan()).toEqual({ passed: true, output: expect.stringContaining("1 passed, 0 failed") as string });
  }, 30_000);

  test("fails with the one line when the zip was replaced after synth", async () => {
    const swapped = Buffer.from(original);
    swapped[swapped.length - 30] ^= 1;
    fs.writeFileSync(zip, swapped);
    const result = await plan();
    expect(result.passed).toBe(false);
    expect(result.output).toContain("Resource precondition failed");
    expect(result.output.split("\n")).toContain(CODE_CHANGED_MESSAGE);
  }, 30_000);

  test("fails with the same line, not a function error, when the zip is gone", async () => {
    fs.rmSync(zip);
    const result = await plan();
    expect(result.passed).toBe(false);
    expect(result.output.split("\n")).toContain(CODE_CHANGED_MESSAGE);
    expect(result.output).not.toContain("Error in function call");
  }, 30_000);
});
