import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

// What the consumer lanes share (each toolchain is checked from the packed
// tarball in a consumer app of its own): the tarball, the app laid out from a fixture, and
// Node 22 from the npm registry for the lanes that need it.

/** execFile as a promise, with room for npm's output. */
export const run = promisify(execFile);
/** The repository being packed. */
export const ROOT = path.resolve(__dirname, "..", "..");
/** The 20.1.0 consumer (fixtures/consumer-app): its worker files and tsconfig (the cdktf template's) are reused as is. */
export const CONSUMER_APP = path.join(ROOT, "__tests__", "fixtures", "consumer-app");
/** Room for npm's and tsc's output. */
export const MAX_BUFFER = 64 << 20;

/** The environment of a consumer's commands: no telemetry, no audit or funding chatter. */
export const consumerEnv: NodeJS.ProcessEnv = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  CI: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
};

/** `npm pack` of this repository into `work` (its prepare script builds dist/); the tarball's path. */
export async function packRepository(work: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: ROOT,
    env: consumerEnv,
    maxBuffer: MAX_BUFFER,
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string }[];
  return path.join(work, packed.filename);
}

/**
 * A consumer app at `<work>/app` from `fixture`: its files, the 20.1.0 consumer's workers/ and
 * tsconfig.json (the 20.1.0 consumer itself has them), `package.template.json` as package.json
 * depending on `tarball`, and `main.ts.template`, where the fixture has one, as main.ts (a
 * template so that this repository's tsc, which cannot resolve the consumer's packages, skips it;
 * tsconfig.json excludes the 20.1.0 consumer's folder instead). Returns the app's folder.
 */
export function layOutConsumerApp(work: string, fixture: string, tarball: string): string {
  const app = path.join(work, "app");
  fs.cpSync(fixture, app, { recursive: true });
  if (fixture !== CONSUMER_APP) {
    fs.cpSync(path.join(CONSUMER_APP, "workers"), path.join(app, "workers"), { recursive: true });
    fs.copyFileSync(path.join(CONSUMER_APP, "tsconfig.json"), path.join(app, "tsconfig.json"));
  }
  const template = fs.readFileSync(path.join(app, "package.template.json"), "utf8");
  fs.writeFileSync(path.join(app, "package.json"), template.replace("file:TARBALL", `file:${tarball}`));
  fs.rmSync(path.join(app, "package.template.json"));
  const mainTemplate = path.join(app, "main.ts.template");
  if (fs.existsSync(mainTemplate)) fs.renameSync(mainTemplate, path.join(app, "main.ts"));
  return app;
}

/**
 * A plain `npm install` in the app (no --force, no --legacy-peer-deps: a peer conflict fails
 * here, as it would for the user), from the npm cache when it holds the packages.
 */
export function installConsumerApp(
  app: string,
  env: NodeJS.ProcessEnv = consumerEnv,
): Promise<{ stdout: string; stderr: string }> {
  return run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: app,
    env,
    maxBuffer: MAX_BUFFER,
  });
}

/** npm's words for a peer conflict it failed on or forced its way past. */
export const PEER_CONFLICT = /ERESOLVE|overriding peer dependency|Conflicting peer dependency/i;

/** The Node 22 of the lanes and of scripts/with-node22.sh (CI's `npm test` on Node 22). */
export const NODE22_VERSION = "22.23.3";

/**
 * The folder of Node 22's binary, installed from the npm registry (the `node` package, pinned)
 * into the same cache folder as scripts/with-node22.sh, once; later runs reuse it.
 */
export async function installNode22(): Promise<string> {
  const prefix = path.join(
    process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
    "sqs-worker",
    `node-${NODE22_VERSION}`,
  );
  const bin = path.join(prefix, "node_modules", ".bin");
  const version = async () =>
    (await run(path.join(bin, "node"), ["--version"]).catch(() => ({ stdout: "" }))).stdout.trim();
  if ((await version()) !== `v${NODE22_VERSION}`) {
    fs.mkdirSync(prefix, { recursive: true });
    await run(
      "npm",
      [
        "install",
        "--prefix",
        prefix,
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `node@${NODE22_VERSION}`,
      ],
      { env: consumerEnv, maxBuffer: MAX_BUFFER },
    );
    const installed = await version();
    if (installed !== `v${NODE22_VERSION}`)
      throw new Error(`node@${NODE22_VERSION} from the npm registry runs as ${installed || "nothing"}`);
  }
  return bin;
}

/** `env` with `bin` first on PATH: npm (a `#!/usr/bin/env node` script), npx and the app's scripts run on that node. */
export function withNodeFirst(bin: string, env: NodeJS.ProcessEnv = consumerEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ""}` };
}
