import * as fs from "fs";
import * as path from "path";
import type { ISynthesisSession, TerraformStack } from "cdktf";
import { AWS_PROVIDER_LOCK, AWS_PROVIDER_LOCK_VERSION } from "./aws-provider-lock";
import { boundProvider } from "./sqs-worker/bound-provider";

/** The Terraform configuration file of each synth mode: `cdktf synth` writes one, `--hcl` the other. */
const CONFIG_FILES = ["cdk.tf.json", "cdk.tf"] as const;

/**
 * Keeps a stack's folder deployable whatever order `npm run synth`, `cdktf synth`,
 * `cdktf synth --hcl` and `cdktf deploy` run in, by acting right after the stack's own
 * synthesizer wrote its configuration (so a synth that fails validation changes nothing):
 *
 * - removes the configuration file of the other synth mode. cdktf never cleans the folder, and
 *   Terraform loads every `*.tf` and `*.tf.json` in it, so a `cdk.tf` next to a `cdk.tf.json`
 *   fails with "Duplicate resource" errors;
 * - in HCL mode, writes `precondition` as the block Terraform requires: cdktf 0.21 renders a
 *   lifecycle precondition as a list attribute (`precondition = [{...}]`), which Terraform
 *   rejects ("An argument named "precondition" is not expected here");
 * - writes the provider lock file ({@link AWS_PROVIDER_LOCK}) when the bound provider is the
 *   version it locks. Without it `cdktf deploy` runs `terraform providers lock`, which asks the
 *   public registry even when providers come from a mirror (the first deploy fails offline), and
 *   hashes would not be pinned. With other bindings (aws 6.x) a lock we wrote earlier is removed:
 *   it would contradict the stack's version constraint and stop `terraform init`; Terraform then
 *   locks the bound version itself (from the registry). A lock file of other content is left.
 */
export function keepStackFolderConsistent(stack: TerraformStack): void {
  const inner = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession) {
      inner.synthesize(session);
      const manifest = session.manifest.forStack(stack);
      const folder = path.join(session.outdir, manifest.workingDirectory);
      const written = path.basename(manifest.synthesizedStackPath);
      for (const file of CONFIG_FILES) {
        if (file !== written) fs.rmSync(path.join(folder, file), { force: true });
      }
      if (written === "cdk.tf.json") {
        // metadata.json belongs to HCL output only; a JSON synth must not leave a stale one.
        fs.rmSync(path.join(session.outdir, manifest.stackMetadataPath), { force: true });
      } else {
        const file = path.join(session.outdir, manifest.synthesizedStackPath);
        fs.writeFileSync(file, preconditionsAsBlocks(fs.readFileSync(file, "utf8")));
      }
      writeProviderLock(path.join(folder, ".terraform.lock.hcl"));
    },
  };
}

function writeProviderLock(file: string): void {
  if (boundProvider().awsVersion === AWS_PROVIDER_LOCK_VERSION) {
    fs.writeFileSync(file, AWS_PROVIDER_LOCK);
    return;
  }
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(file, "utf8");
  } catch {
    return; // none: nothing to remove
  }
  if (existing === AWS_PROVIDER_LOCK) fs.rmSync(file, { force: true });
}

/**
 * Rewrites cdktf's `precondition = [ {...}, ... ]` (unformatted HCL, as its renderer writes
 * it) into one `precondition { ... }` block per entry. Exported for its unit test.
 */
export function preconditionsAsBlocks(hcl: string): string {
  return hcl.replace(
    /^([ \t]*)precondition = \[\n((?:[ \t]*\{\n[\s\S]*?\n[ \t]*\},\n)+)[ \t]*\]\n/gm,
    (_, indent: string, entries: string) =>
      entries.replace(
        /[ \t]*\{\n([\s\S]*?)\n[ \t]*\},\n/g,
        (__, body: string) => `${indent}precondition {\n${body}\n${indent}}\n`,
      ),
  );
}
