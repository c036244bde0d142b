import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { AWS_PROVIDER_LOCK } from "../modules/aws-provider-lock";
import { fixedBoundProvider, useBoundProviderSource } from "../modules/sqs-worker/bound-provider";
import { preconditionsAsBlocks } from "../modules/stack-files";
import { synthApp, tempDirsRemovedAfterAll } from "./helpers/synth";

// Whatever order synth modes run in, each stack folder holds exactly one Terraform
// configuration (Terraform loads every *.tf and *.tf.json: two would duplicate every resource)
// and the provider lock, so `cdktf deploy` never needs the registry to lock.

const ROOT = path.resolve(__dirname, "..");
const run = promisify(execFile);
const tempDir = tempDirsRemovedAfterAll();

const filesIn = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f !== "assets")
    .sort();

describe("a stack folder", () => {
  test("holds only the last synth mode's configuration, plus the provider lock, in any order", async () => {
    const outdir = tempDir("modes");
    const seen: string[][] = [];
    for (const hcl of [false, true, false, true]) {
      const stacks = await synthApp(outdir, { hcl });
      seen.push(filesIn(stacks.orders));
    }
    expect(seen).toEqual([
      [".terraform.lock.hcl", "cdk.tf.json"],
      [".terraform.lock.hcl", "cdk.tf", "metadata.json"],
      [".terraform.lock.hcl", "cdk.tf.json"],
      [".terraform.lock.hcl", "cdk.tf", "metadata.json"],
    ]);
    expect(fs.readFileSync(path.join(outdir, "stacks", "orders", ".terraform.lock.hcl"), "utf8")).toBe(
      AWS_PROVIDER_LOCK,
    );
  });

  test("the provider lock pins the provider version @cdktf/provider-aws binds, with hashes for every platform", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(ROOT, "node_modules", "@cdktf", "provider-aws", "package.json"), "utf8"),
    ) as { cdktf: { provider: { name: string; version: string } } };
    const bound = manifest.cdktf.provider;
    expect(bound.name).toBe("registry.terraform.io/hashicorp/aws");
    expect(AWS_PROVIDER_LOCK).toContain(
      `provider "${bound.name}" {\n  version     = "${bound.version}"\n  constraints = "${bound.version}"\n`,
    );
    // One zh: (registry zip SHA-256) per published platform, so other machines verify downloads.
    expect(AWS_PROVIDER_LOCK.match(/"zh:[0-9a-f]{64}"/g)?.length).toBeGreaterThanOrEqual(12);
  });
});

describe("the provider lock with bindings of another hashicorp/aws version (21.x, cdktn)", () => {
  // The lock pins 5.100.0: on a stack that requires 6.x, terraform init would stop on it
  // ("locked provider ... does not match configured version constraint").
  const withAws = async <T>(version: string, body: () => Promise<T>): Promise<T> => {
    const restore = useBoundProviderSource(fixedBoundProvider(version));
    try {
      return await body();
    } finally {
      restore();
    }
  };
  const lockOf = (dir: string) => path.join(dir, ".terraform.lock.hcl");
  const services = { orders: { lambda: { entry: path.join(ROOT, "lambda-src", "orders.ts") } } };

  test("is not written, and the one a 5.100.0 synth wrote is removed", async () => {
    const outdir = tempDir("lock-6x");
    const first = await synthApp(outdir, { services });
    expect(fs.readFileSync(lockOf(first.orders), "utf8")).toBe(AWS_PROVIDER_LOCK);
    const again = await withAws("6.25.0", () => synthApp(outdir, { services }));
    expect(filesIn(again.orders)).toEqual(["cdk.tf.json"]);
  });

  test("a lock file of other content (terraform's own, for 6.x) is left as it is", async () => {
    const outdir = tempDir("lock-own");
    const dir = path.join(outdir, "stacks", "orders");
    fs.mkdirSync(dir, { recursive: true });
    const own = 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "6.25.0"\n}\n';
    fs.writeFileSync(lockOf(dir), own);
    await withAws("6.25.0", () => synthApp(outdir, { services }));
    expect(fs.readFileSync(lockOf(dir), "utf8")).toBe(own);
  });
});

describe("cdktf's HCL output, mended", () => {
  test("a lifecycle precondition list becomes one precondition block per entry", () => {
    const raw =
      'lifecycle {\n  precondition = [\n{\ncondition = "${a}"\nerror_message = "x"\n},\n{\ncondition = "${b}"\nerror_message = "y"\n},\n]\n}\n';
    expect(preconditionsAsBlocks(raw)).toBe(
      'lifecycle {\n  precondition {\ncondition = "${a}"\nerror_message = "x"\n  }\n  precondition {\ncondition = "${b}"\nerror_message = "y"\n  }\n}\n',
    );
  });

  test("depends_on is a list of bare references, not quoted strings (deprecated)", async () => {
    const stacks = await synthApp(tempDir("hcl"), { hcl: true });
    const hcl = fs.readFileSync(path.join(stacks.orders, "cdk.tf"), "utf8");
    expect(hcl).toMatch(
      /depends_on = \[aws_cloudwatch_log_group\.Worker_LogGroup_[0-9A-F]{8}, aws_iam_role_policy\.Worker_RolePolicy_[0-9A-F]{8}\]/,
    );
    expect(hcl).not.toMatch(/depends_on = \[\s*"/);
  });
});

describe("under the cdktf CLI", () => {
  test("each synth warning prints once, as a warning", async () => {
    const tfrc = path.join(tempDir("tfrc"), "terraformrc");
    fs.writeFileSync(tfrc, "");
    const { stdout, stderr } = await run(
      path.join(ROOT, "node_modules", ".bin", "cdktf"),
      [
        "synth",
        "--app",
        "node -r ./scripts/register-ts.js __tests__/fixtures/warning-app.ts",
        "--output",
        tempDir("cli-warn"),
      ],
      { cwd: ROOT, env: { ...process.env, CI: "true", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: tfrc } },
    );
    const output = `${stdout}\n${stderr}`;
    expect(output.match(/is below AWS's advice/g)).toHaveLength(1);
    expect(output).toMatch(/WARN \[slow\/Worker\]: slow: queue\.visibilityTimeoutSeconds 60 is below/);
    expect(output).not.toContain("[ERROR]");
  });
});
