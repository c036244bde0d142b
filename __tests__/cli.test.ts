import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { BENCH_CLI } from "../tools/bench/bench-cli";
import { DLQ_CLI } from "../tools/dlq";
import { DOCS_CLI } from "../tools/docs/generate";
import { EMULATOR_CLI } from "../tools/emulator";
import { PROVIDER_LOCK_CLI } from "../tools/provider-lock";
import { SYNTH_CLI } from "../tools/synth";
import { CliUsageError, integerOption, parseCli, type CliSpec } from "../tools/shared/cli";
import { WORKER_LOCAL_CLI } from "../tools/worker-local";

// Every command of the README answers --help and -h with its usage and every option, exit 0,
// and refuses an unknown option with one line naming it and the usage (exit codes as documented).
// dlq, worker:local and emulator are commands of tools/sqs-worker.ts (its own test:
// sqs-worker-cli.test.ts); run as npm runs them, their usage says `npm run <script> --`.

const ROOT = path.resolve(__dirname, "..");
const run = promisify(execFile);
const SCRIPTS = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

/** The last line a tool wrote to stderr (the AWS SDK may print a Node version advisory first). */
const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";

const TOOLS: [script: string, spec: CliSpec, usageExit: number][] = [
  ["dlq", DLQ_CLI, 2],
  ["worker:local", WORKER_LOCAL_CLI, 2],
  ["emulator", EMULATOR_CLI, 2],
  ["bench", BENCH_CLI, 2],
  ["docs", DOCS_CLI, 2],
  ["provider-lock", PROVIDER_LOCK_CLI, 2],
  ["synth", SYNTH_CLI, 2],
];

/** Runs an npm script's command as npm would (its arguments after `node`, npm's variables), without npm's own start-up. */
async function tool(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [node, ...scriptArgs] = SCRIPTS[script].split(" ");
  expect(node).toBe("node");
  const env = { ...process.env, npm_lifecycle_event: script, npm_lifecycle_script: SCRIPTS[script] };
  try {
    const { stdout, stderr } = await run(process.execPath, [...scriptArgs, ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(TOOLS)("npm run %s", (script, spec, usageExit) => {
  test.each(["--help", "-h"])("%s prints the usage and every option, and exits 0", async (flag) => {
    const { code, stdout } = await tool(script, flag);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: npm run ${script.replace(":", "\\:")}`));
    for (const [name, option] of Object.entries(spec.options)) {
      expect(stdout).toContain(`${option.short ? `-${option.short}, ` : ""}--${name}`);
    }
    expect(stdout).toContain("-h, --help");
  });

  test(`an unknown option is one line naming it, exit ${usageExit}`, async () => {
    const { code, stderr } = await tool(script, "--frobnicate");
    expect(code).toBe(usageExit);
    expect(lastLine(stderr)).toMatch(
      /: unknown option --frobnicate\. usage: npm run .* \(--help lists every option\)$/,
    );
  });
});

describe("the shared argument parser", () => {
  const spec: CliSpec = {
    usage: "npm run x -- <a>",
    summary: "x",
    options: { n: { type: "string", description: "n" }, flag: { type: "boolean", description: "f" } },
  };

  test("reads options and positionals with util.parseArgs", () => {
    expect(parseCli(spec, ["a", "--n", "3", "--flag"])).toEqual({
      help: false,
      values: { n: "3", flag: true },
      positionals: ["a"],
    });
  });

  test("says which option lacks its value", () => {
    expect(() => parseCli(spec, ["--n"])).toThrow(
      new CliUsageError("--n needs a value. usage: npm run x -- <a> (--help lists every option)"),
    );
  });

  test("integer options: the range and the given value in the message, the fallback when absent", () => {
    expect(integerOption(spec, { n: "7" }, "n", { min: 1, max: 10 }, 5)).toBe(7);
    expect(integerOption(spec, {}, "n", { min: 1, max: 10 }, 5)).toBe(5);
    for (const given of ["0", "11", "1.5", "abc", "", " 3x"]) {
      expect(() => integerOption(spec, { n: given }, "n", { min: 1, max: 10 }, undefined)).toThrow(
        `--n must be an integer from 1 to 10 (given ${JSON.stringify(given)})`,
      );
    }
    expect(() => integerOption(spec, { n: "-1" }, "n", { min: 0 }, undefined)).toThrow(
      "--n must be an integer of 0 or more",
    );
  });
});

// npm run scan is a shell script: it answers --help without synthesizing or scanning, and refuses anything else.
describe("npm run scan", () => {
  const scan = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run("bash", [path.join(ROOT, "scripts", "scan.sh"), ...args], { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  test.each(["--help", "-h"])("%s prints the usage and exits 0, touching nothing", async (flag) => {
    const before = fs.existsSync(path.join(ROOT, "cdktf.out", "manifest.json"))
      ? fs.statSync(path.join(ROOT, "cdktf.out", "manifest.json")).mtimeMs
      : 0;
    const { code, stdout } = await scan(flag);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run scan\n/);
    const after = fs.existsSync(path.join(ROOT, "cdktf.out", "manifest.json"))
      ? fs.statSync(path.join(ROOT, "cdktf.out", "manifest.json")).mtimeMs
      : 0;
    expect(after).toBe(before);
  });
  test("an unknown argument is one line, exit 2", async () => {
    expect(await scan("--frobnicate")).toMatchObject({
      code: 2,
      stderr: "scan: unknown argument --frobnicate. usage: npm run scan (--help lists every option)\n",
    });
  });
});

test("npm run synth says which stacks it wrote and where", async () => {
  const outdir = fs.mkdtempSync(path.join(ROOT, ".synth-listing-")); // inside the repo: the listing shows paths relative to it
  try {
    const saved = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    const { code, stderr } = await tool("synth").finally(() => {
      if (saved === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = saved;
    });
    expect(code).toBe(0);
    const folder = path.basename(outdir).replace(/\./g, "\\.");
    const lines = ["ledger", "orders", "thumbnails"]
      .map((stack) => ` {2}${stack} {2}${folder}\\/stacks\\/${stack}\\/cdk\\.tf\\.json\\n`)
      .join("");
    expect(stderr).toMatch(new RegExp(`^wrote 3 stacks in \\d+ ms:\\n${lines}$`, "m"));
    expect(fs.existsSync(path.join(outdir, "stacks", "orders", "cdk.tf.json"))).toBe(true);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
