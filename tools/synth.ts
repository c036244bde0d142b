/**
 * npm run synth: synthesizes this repository's app (main.ts) without the cdktf CLI, then says
 * which stacks it wrote and where. Its knobs are environment variables (README: AWS_REGION,
 * SQS_WORKER_STAGE, TF_STATE_BUCKET...); `--help` prints them and synthesizes nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { runWithoutArguments, type CliSpec } from "./shared/cli";
import { DEFAULT_REGION } from "./shared/region";

/** The command line of `npm run synth`. */
export const SYNTH_CLI: CliSpec = {
  usage: "npm run synth",
  summary:
    "Synthesizes every example service's stack into cdktf.out/stacks/<stack> (Terraform JSON), as `cdktf synth` does, and lists them.",
  options: {},
  more: [
    "environment:",
    `  AWS_REGION           the stacks' region (default ${DEFAULT_REGION})`,
    "  SQS_WORKER_STAGE     a stage such as dev: stacks dev-<service>, names dev-... (docs/stages.md)",
    "  TF_STATE_BUCKET      S3 state instead of local (with TF_STATE_REGION, TF_STATE_KEY_PREFIX, TF_STATE_LOCK_TABLE)",
    "  SQS_WORKER_DEBUG=1   show a config error's stack trace",
    "",
    "HCL for review: npm run synth:hcl (cdktf synth --hcl). Exit 1 on a config error, with its lines.",
  ].join("\n"),
};

/** The stacks cdktf's manifest lists, as `<name> (<folder>)` lines. */
export function writtenStacks(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  return Object.entries(manifest.stacks).map(
    ([name, stack]) => `${name}  ${path.join(path.relative(process.cwd(), outdir), stack.synthesizedStackPath)}`,
  );
}

if (require.main === module) {
  runWithoutArguments(SYNTH_CLI, process.argv.slice(2), "synth", () => {
    // cdktf's App writes to CDKTF_OUTDIR when set (the cdktf CLI and the tests set it), else cdktf.out.
    const outdir = path.resolve(process.env.CDKTF_OUTDIR || path.join(__dirname, "..", "cdktf.out"));
    const started = Date.now();
    // main.ts synthesizes when loaded: so only here, after --help was ruled out, and synchronously.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a load for its effect, timed above
    require("../main");
    if (process.exitCode) return; // a config error: main.ts printed its lines
    const stacks = writtenStacks(outdir);
    process.stderr.write(
      `wrote ${stacks.length} stacks in ${Date.now() - started} ms:\n${stacks.map((line) => `  ${line}\n`).join("")}`,
    );
  });
}
