import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { BENCH_CLI } from "../tools/bench/bench-cli";
import { DLQ_CLI } from "../tools/dlq";
import { DOCS_CLI } from "../tools/docs/generate";
import { EMULATOR_CLI } from "../tools/emulator";
import { PROVIDER_LOCK_CLI } from "../tools/provider-lock";
import { CliUsageError, integerOption, parseCli, type CliSpec } from "../tools/shared/cli";
import { WORKER_LOCAL_CLI } from "../tools/worker-local";

// Every command of the README answers --help and -h with its usage and every option, exit 0,
// and refuses an unknown option with one line naming it and the usage (exit codes as documented).

const ROOT = path.resolve(__dirname, "..");
const run = promisify(execFile);

/** The last line a tool wrote to stderr (the AWS SDK may print a Node version advisory first). */
const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";

const TOOLS: [script: string, file: string, spec: CliSpec, usageExit: number][] = [
  ["dlq", "tools/dlq.ts", DLQ_CLI, 2],
  ["worker:local", "tools/worker-local.ts", WORKER_LOCAL_CLI, 1],
  ["emulator", "tools/emulator.ts", EMULATOR_CLI, 2],
  ["bench", "tools/bench/bench.ts", BENCH_CLI, 2],
  ["docs", "tools/docs/generate.ts", DOCS_CLI, 2],
  ["provider-lock", "tools/provider-lock.ts", PROVIDER_LOCK_CLI, 2],
];

async function tool(file: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["-r", "./scripts/register-ts.js", file, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(TOOLS)("npm run %s", (script, file, spec, usageExit) => {
  test.each(["--help", "-h"])("%s prints the usage and every option, and exits 0", async (flag) => {
    const { code, stdout } = await tool(file, flag);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: npm run ${script.replace(":", "\\:")}`));
    for (const [name, option] of Object.entries(spec.options)) {
      expect(stdout).toContain(`${option.short ? `-${option.short}, ` : ""}--${name}`);
    }
    expect(stdout).toContain("-h, --help");
  });

  test(`an unknown option is one line naming it, exit ${usageExit}`, async () => {
    const { code, stderr } = await tool(file, "--frobnicate");
    expect(code).toBe(usageExit);
    expect(lastLine(stderr)).toMatch(/: unknown option --frobnicate\. usage: npm run .* \(--help lists every option\)$/);
  });
});

describe("the shared argument parser", () => {
  const spec: CliSpec = { usage: "npm run x -- <a>", summary: "x", options: { n: { type: "string", description: "n" }, flag: { type: "boolean", description: "f" } } };

  test("reads options and positionals with util.parseArgs", () => {
    expect(parseCli(spec, ["a", "--n", "3", "--flag"])).toEqual({ help: false, values: { n: "3", flag: true }, positionals: ["a"] });
  });

  test("says which option lacks its value", () => {
    expect(() => parseCli(spec, ["--n"])).toThrow(new CliUsageError("--n needs a value. usage: npm run x -- <a> (--help lists every option)"));
  });

  test("integer options: the range and the given value in the message, the fallback when absent", () => {
    expect(integerOption(spec, { n: "7" }, "n", { min: 1, max: 10 }, 5)).toBe(7);
    expect(integerOption(spec, {}, "n", { min: 1, max: 10 }, 5)).toBe(5);
    for (const given of ["0", "11", "1.5", "abc", "", " 3x"]) {
      expect(() => integerOption(spec, { n: given }, "n", { min: 1, max: 10 }, undefined)).toThrow(`--n must be an integer from 1 to 10 (given ${JSON.stringify(given)})`);
    }
    expect(() => integerOption(spec, { n: "-1" }, "n", { min: 0 }, undefined)).toThrow("--n must be an integer of 0 or more");
  });
});
