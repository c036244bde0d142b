import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AWS_PROVIDER_VERSION, findProviderMirror, mirrorOnlyCliConfig } from "../../tools/emulator/provider-mirror";

export { AWS_PROVIDER_VERSION, findProviderMirror } from "../../tools/emulator/provider-mirror";

/** Absolute path of the terraform binary on PATH, or undefined. */
export function findTerraform(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "terraform");
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** What a test needs to run terraform offline, or why it cannot. */
export type TerraformToolchain =
  { ok: true; binary: string; env: NodeJS.ProcessEnv; dir: string; mirror: string } | { ok: false; reason: string };

/**
 * Prepares offline terraform: a CLI config file that installs providers only from the
 * machine's filesystem mirror (the public registry is excluded, so nothing is downloaded)
 * and a shared plugin cache so each stack's init links instead of copying the provider.
 */
export function prepareTerraform(): TerraformToolchain {
  const binary = findTerraform();
  if (!binary) return { ok: false, reason: "no terraform binary on PATH" };
  const mirror = findProviderMirror();
  if (!mirror) {
    return {
      ok: false,
      reason: `no hashicorp/aws ${AWS_PROVIDER_VERSION} provider mirror found (set TF_PROVIDER_MIRROR)`,
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-worker-tf-"));
  const cliConfig = path.join(dir, "terraformrc");
  fs.writeFileSync(cliConfig, mirrorOnlyCliConfig(mirror));
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
  };
  return { ok: true, binary, env, dir, mirror };
}

/** A local state file, read as far as the tests read it. */
export interface TerraformState {
  readonly resources: unknown[];
}

/** The result of a terraform run that is allowed to fail (plan -detailed-exitcode). */
export interface TerraformRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform without blocking the event loop, so several stacks can apply in parallel. */
export function terraformRun(
  tool: Extract<TerraformToolchain, { ok: true }>,
  cwd: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<TerraformRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.binary, args, { cwd, env: { ...tool.env, ...extraEnv } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like {@link terraformRun}, but throws with the output unless terraform exits 0. */
export async function terraformOk(
  tool: Extract<TerraformToolchain, { ok: true }>,
  cwd: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<string> {
  const run = await terraformRun(tool, cwd, args, extraEnv);
  if (run.code !== 0)
    throw new Error(
      `terraform ${args.join(" ")} failed in ${cwd} (exit ${run.code}):\n${run.stdout.slice(-5000)}\n${run.stderr.slice(-5000)}`,
    );
  return run.stdout;
}
