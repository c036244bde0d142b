/**
 * npm run provider-lock      (needs access to registry.terraform.io)
 *
 * Rewrites modules/aws-provider-lock.ts, the Terraform lock every stack folder gets, for the
 * hashicorp/aws version @cdktf/provider-aws binds: `terraform providers lock` for the platforms
 * teams deploy from, which records an `h1:` hash per listed platform and the registry's `zh:`
 * hashes for all. Run it after upgrading @cdktf/provider-aws, then review the diff and
 * `npm test` (which checks the version and, against a local mirror, the linux_amd64 hash).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runWithoutArguments, type CliSpec } from "./shared/cli";

const PLATFORMS = ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64"];
const TARGET = path.join(__dirname, "..", "modules", "aws-provider-lock.ts");

/** `npm run provider-lock` takes no options; `--help` says what it does. */
export const PROVIDER_LOCK_CLI: CliSpec = {
  usage: "npm run provider-lock [-- --help]",
  summary:
    "Rewrites modules/aws-provider-lock.ts with `terraform providers lock` for the hashicorp/aws version @cdktf/provider-aws " +
    `binds, for ${PLATFORMS.join(", ")}. Needs access to registry.terraform.io.`,
  options: {},
};

/** Locks the provider in a scratch folder and writes the lock into modules/aws-provider-lock.ts. */
function refreshLock(): void {
  const manifest = fs.readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8");
  const bound = (JSON.parse(manifest) as { cdktf: { provider: { name: string; version: string } } }).cdktf.provider;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "provider-lock-"));
  try {
    fs.writeFileSync(
      path.join(work, "main.tf"),
      `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "${bound.version}" }\n  }\n}\n`,
    );
    execFileSync("terraform", ["providers", "lock", ...PLATFORMS.map((p) => `-platform=${p}`)], {
      cwd: work,
      stdio: "inherit",
    });
    const lock = fs.readFileSync(path.join(work, ".terraform.lock.hcl"), "utf8");
    const source = fs.readFileSync(TARGET, "utf8");
    const updated = source.replace(
      /export const AWS_PROVIDER_LOCK = `[\s\S]*?`;\n/,
      () => `export const AWS_PROVIDER_LOCK = \`${lock}\`;\n`,
    );
    if (updated === source && !source.includes(lock)) throw new Error(`could not find AWS_PROVIDER_LOCK in ${TARGET}`);
    fs.writeFileSync(TARGET, updated);
    process.stdout.write(`wrote the lock for ${bound.name} ${bound.version} (${PLATFORMS.join(", ")}) to ${TARGET}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module)
  runWithoutArguments(PROVIDER_LOCK_CLI, process.argv.slice(2), "provider-lock", refreshLock);
