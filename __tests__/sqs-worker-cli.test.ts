import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { MOTO_VERSION, motoPython } from "../tools/emulator/moto";
import { programName, USAGE_EXIT } from "../tools/shared/cli";
import { nodeSupportLine } from "../tools/shared/node-support";
import { COMMANDS } from "../tools/sqs-worker";
import { defaultOutdir } from "../tools/shared/stage";

// `sqs-worker <command>`: one command table drives --help and the usage errors. Every command's
// help lists exactly its options; an option of another command, an unknown command or no
// command is exit 2 naming what is wrong; both bins (sqs-worker, and the sqs-worker-dlq alias)
// run the same table. The bins are run against the sources (their require of dist/ is pointed
// at tools/sqs-worker.ts), so this does not depend on a fresh build; the consumer e2e runs them
// from the packed tarball.

const ROOT = path.resolve(__dirname, "..");
const run = promisify(execFile);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-worker-cli-"));
const PRELOAD = path.join(temp, "dist-to-sources.js");
fs.writeFileSync(
  PRELOAD,
  `const Module = require("module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "../dist/tools/sqs-worker.js" ? ${JSON.stringify(path.join(ROOT, "tools", "sqs-worker.ts"))} : resolve.call(this, request, ...rest);
};
`,
);
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Neither npm's variables (they would make the usage say `npm run ...`) nor a stage. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") && name !== "SQS_WORKER_STAGE"),
  );

async function bin(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["-r", "./scripts/register-ts.js", "-r", PRELOAD, file, ...args],
      { cwd: ROOT, env },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const sqsWorker = (...args: string[]) => bin("bin/sqs-worker.js", args);

/** The last line a command wrote to stderr (the AWS SDK may print a Node version advisory first). */
const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";

/** The long option names listed under "options:" in a help text. */
function listedOptions(help: string): string[] {
  const section = help.split("\noptions:\n")[1].split("\n\n")[0];
  return section.split("\n").map((line) => /--([a-z-]+)/.exec(line)![1]);
}

describe("sqs-worker --help", () => {
  test("lists every command of the table with its summary, exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const { code, stdout } = await sqsWorker(flag);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^usage: sqs-worker <command>/);
      for (const command of COMMANDS) expect(stdout).toContain(`  ${command.name.padEnd(8)}  ${command.summary}`);
    }
    expect(COMMANDS.map((command) => command.name)).toEqual(["dlq", "run", "emulator"]);
  });

  test("an unknown command, no command, or an option before the command: one line, exit 2", async () => {
    const unknown = await sqsWorker("deploy");
    expect(unknown.code).toBe(USAGE_EXIT);
    expect(lastLine(unknown.stderr)).toBe(
      "sqs-worker: unknown command deploy. usage: sqs-worker <command> [arguments] [options] (sqs-worker --help lists the commands)",
    );
    const none = await sqsWorker();
    expect(none.code).toBe(USAGE_EXIT);
    expect(lastLine(none.stderr)).toMatch(/^sqs-worker: give a command: dlq, run, emulator\. /);
    const early = await sqsWorker("--region", "eu-west-1", "dlq");
    expect(early.code).toBe(USAGE_EXIT);
    expect(lastLine(early.stderr)).toMatch(/^sqs-worker: the command comes first, before options such as --region\. /);
  });
});

describe.each(COMMANDS.map((command) => [command.name, command] as const))("sqs-worker %s", (name, command) => {
  test("--help lists exactly the command's options, with its usage, exit 0", async () => {
    const { code, stdout } = await sqsWorker(name, "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: sqs-worker ${name} `));
    expect(listedOptions(stdout).sort()).toEqual([...Object.keys(command.spec.options), "help"].sort());
  });

  test("an option of another command is a usage error naming it, exit 2", async () => {
    const own = new Set(Object.keys(command.spec.options));
    const foreign = COMMANDS.flatMap((other) => Object.keys(other.spec.options)).find((option) => !own.has(option))!;
    const argv =
      name === "emulator"
        ? [name, `--${foreign}`]
        : [name, "orders", ...(name === "dlq" ? ["status"] : []), `--${foreign}`];
    const { code, stdout, stderr } = await sqsWorker(
      ...argv,
      ...(COMMANDS.find((other) => other.spec.options[foreign])!.spec.options[foreign].type === "string" ? ["1"] : []),
    );
    expect({ foreign, code }).toEqual({ foreign, code: USAGE_EXIT });
    expect(stdout).toBe("");
    expect(lastLine(stderr)).toMatch(
      new RegExp(`unknown option --${foreign}\\. usage: sqs-worker ${name} .*\\(--help lists every option\\)$`),
    );
  });
});

describe("an option of another command is a usage error", () => {
  test("sqs-worker run --count 3 and sqs-worker emulator --client-side: exit 2, naming the option", async () => {
    const runCount = await sqsWorker("run", "--count", "3");
    expect(runCount.code).toBe(USAGE_EXIT);
    expect(lastLine(runCount.stderr)).toMatch(/unknown option --count\. usage: sqs-worker run <service>/);
    const emulator = await sqsWorker("emulator", "--client-side");
    expect(emulator.code).toBe(USAGE_EXIT);
    expect(lastLine(emulator.stderr)).toMatch(/unknown option --client-side\. usage: sqs-worker emulator/);
  });
});

describe("sqs-worker dlq's own commands", () => {
  test("an option of another dlq command is a usage error naming it and its command", async () => {
    const { code, stderr } = await sqsWorker("dlq", "orders", "status", "--count", "3");
    expect(code).toBe(USAGE_EXIT);
    expect(lastLine(stderr)).toMatch(/^dlq: --count is an option of peek, not of status\. usage: sqs-worker dlq /);
  });

  test("<service> <command> --help lists only the options that apply to that command", async () => {
    const { code, stdout } = await sqsWorker("dlq", "orders", "send", "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: sqs-worker dlq <service> send \[options\]/);
    expect(listedOptions(stdout).sort()).toEqual([
      "attribute",
      "body",
      "dedup-id",
      "endpoint-url",
      "file",
      "group-id",
      "help",
      "name-prefix",
      "queue-url",
      "region",
      "stage",
    ]);
  });
});

describe("the sqs-worker-dlq alias", () => {
  test("runs sqs-worker dlq with the same arguments, after a one-line notice on stderr", async () => {
    const help = await bin("bin/sqs-worker-dlq.js", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await sqsWorker("dlq", "--help")).stdout);
    expect(help.stderr.trim().split("\n")).toEqual([
      "sqs-worker-dlq is deprecated: use `sqs-worker dlq` (same arguments); the alias goes in a later minor version",
    ]);
    const usage = await bin("bin/sqs-worker-dlq.js", ["orders", "nuke"]);
    expect(usage.code).toBe(USAGE_EXIT);
    expect(lastLine(usage.stderr)).toMatch(/^dlq: unknown command nuke\. usage: sqs-worker dlq /);
  });
});

describe("usage lines", () => {
  test("say npm run <script> -- under this repository's npm scripts, sqs-worker <command> everywhere else", () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    for (const [script, command] of [
      ["dlq", "dlq"],
      ["worker:local", "run"],
      ["emulator", "emulator"],
    ]) {
      expect(scripts[script]).toBe(`node -r ./scripts/register-ts.js tools/sqs-worker.ts ${command}`);
      expect(programName(command, { npm_lifecycle_event: script, npm_lifecycle_script: scripts[script] })).toBe(
        `npm run ${script} --`,
      );
    }
    // A consumer's own script that calls the bin, npx, or no npm at all.
    expect(programName("dlq", { npm_lifecycle_event: "dlq", npm_lifecycle_script: "sqs-worker dlq" })).toBe(
      "sqs-worker dlq",
    );
    expect(programName("run", { npm_lifecycle_event: "npx", npm_lifecycle_script: "sqs-worker" })).toBe(
      "sqs-worker run",
    );
    expect(programName("emulator", {})).toBe("sqs-worker emulator");
  });

  test("npm run dlq -- --help in this repository says npm run dlq --", async () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    const env = { ...cleanEnv(), npm_lifecycle_event: "dlq", npm_lifecycle_script: scripts.dlq };
    const { stdout } = await run(
      process.execPath,
      ["-r", "./scripts/register-ts.js", "tools/sqs-worker.ts", "dlq", "--help"],
      { cwd: ROOT, env },
    );
    expect(stdout).toMatch(/^usage: npm run dlq -- <service> /);
  });
});

describe("sqs-worker run", () => {
  test("reads the synth output named by cdktf.json in the current folder, else cdktf.out", () => {
    const app = fs.mkdtempSync(path.join(temp, "app-"));
    expect(defaultOutdir(app)).toBe("cdktf.out");
    fs.writeFileSync(path.join(app, "cdktf.json"), JSON.stringify({ app: "npx ts-node main.ts", output: "synth-out" }));
    expect(defaultOutdir(app)).toBe("synth-out");
    fs.writeFileSync(path.join(app, "cdktf.json"), "{ not json");
    expect(defaultOutdir(app)).toBe("cdktf.out");
  });
});

describe("sqs-worker emulator's Python", () => {
  test("without python3 (and no MOTO_PYTHON, no installed venv), one line saying what to install", () => {
    const emptyPath = fs.mkdtempSync(path.join(temp, "no-python-"));
    const said: string[] = [];
    let message = "";
    try {
      motoPython({
        env: { PATH: emptyPath, MOTO_PYTHON: "" },
        venv: path.join(temp, "venv"),
        say: (line) => said.push(line),
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      "moto needs Python 3 and python3 is not on PATH: install python3 with its venv module " +
        `(e.g. apt-get install python3 python3-venv, or brew install python), or set MOTO_PYTHON to a Python that has moto[server]==${MOTO_VERSION}`,
    );
    expect(message).not.toContain("\n");
    expect(said).toEqual([]);
    expect(fs.existsSync(path.join(temp, "venv"))).toBe(false);
  });

  test("MOTO_PYTHON comes first, before python3 and any venv", () => {
    const fake = path.join(temp, "fake-python");
    fs.writeFileSync(fake, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    expect(motoPython({ env: { MOTO_PYTHON: fake }, venv: path.join(temp, "unused-venv") })).toBe(fake);
  });
});

describe("what the commands say about Node.js", () => {
  test("sqs-worker dlq on Node < 22: one line of its own, not the AWS SDK's eight-line NodeVersionSupportWarning", async () => {
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    // An endpoint nothing listens on: the SDK's client is built (its warning would show), the call fails at once.
    const { code, stderr } = await bin(
      "bin/sqs-worker.js",
      ["dlq", "orders", "status", "--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1"],
      env,
    );
    expect(code).toBe(3);
    expect(stderr).not.toContain("NodeVersionSupportWarning");
    const lines = stderr.trim().split("\n");
    expect(lines).toEqual([
      ...(nodeSupportLine() ? [nodeSupportLine()] : []),
      expect.stringMatching(/^dlq: cannot reach the AWS endpoint \(ECONNREFUSED\)/),
    ]);
  });
});

describe("what the commands load", () => {
  test("sqs-worker starts without cdktf: an app built with cdktn has none (cdktf is an optional peer)", async () => {
    // Every command's module, loaded as the bin loads them; then the files Node has read.
    const script = [
      `require(${JSON.stringify(path.join(ROOT, "tools", "sqs-worker.ts"))});`,
      "const loaded = Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/](cdktf|@cdktf|constructs|esbuild)[\\\\/]/.test(file));",
      "process.stdout.write(JSON.stringify(loaded));",
    ].join("\n");
    const { stdout } = await run(process.execPath, ["-r", "./scripts/register-ts.js", "-e", script], {
      cwd: ROOT,
      env: cleanEnv(),
    });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
