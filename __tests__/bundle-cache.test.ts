import * as fs from "fs";
import * as path from "path";
import { bundleLambda, type LambdaBundle } from "../modules/sqs-worker/lambda-bundle";
import { defaultBundleCacheDir } from "../modules/sqs-worker/bundle-cache";
import { tempDirsRemovedAfterAll } from "./helpers/synth";

// The on-disk bundle cache: a synth reuses the zip of an earlier one only while every file that
// build read, the entry, the options and the bundler are the same, and only when the cached
// bytes are intact. A hit is seen from outside by the cache entry not being rewritten (a miss
// replaces it through a rename, which gives a new inode).
const tempDir = tempDirsRemovedAfterAll();
const LONG_AGO = new Date("2020-01-01T00:00:00Z");

/**
 * A worker of four files, each importing the next (entry → a → b → c), dated long ago (the cache
 * records only inputs that had settled before the build began), and a cache folder of its own.
 */
function worker(): { dir: string; entry: string; cacheDir: string } {
  const dir = tempDir("cache-worker");
  const files: Record<string, string> = {
    "entry.ts": `import { a } from "./a";\nexport const handler = async () => [a(), process.env.SQS_WORKER_BUNDLE_IDEMPOTENCY];`,
    "a.ts": `import { b } from "./b";\nexport const a = () => "a" + b();`,
    "b.ts": `import { c } from "./c";\nexport const b = () => "b" + c;`,
    "c.ts": `export const c = "c-original";`,
  };
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
    fs.utimesSync(path.join(dir, name), LONG_AGO, LONG_AGO);
  }
  fs.utimesSync(dir, LONG_AGO, LONG_AGO);
  return { dir, entry: path.join(dir, "entry.ts"), cacheDir: tempDir("cache-dir") };
}

/** The cache's entry files and their inodes. */
function entries(cacheDir: string): Map<string, number> {
  if (!fs.existsSync(cacheDir)) return new Map();
  return new Map(fs.readdirSync(cacheDir).map((file) => [file, fs.statSync(path.join(cacheDir, file)).ino]));
}

/** What a bundle is apart from where its zip was put. */
function identity(bundle: LambdaBundle): Omit<LambdaBundle, "zipPath"> & { bytes: Buffer } {
  const { zipPath, ...rest } = bundle;
  return { ...rest, bytes: fs.readFileSync(zipPath) };
}

/** The bundle built from scratch, without any cache. */
function uncached(entry: string, options = {}): Omit<LambdaBundle, "zipPath"> & { bytes: Buffer } {
  return identity(bundleLambda(entry, tempDir("uncached-out"), options, null));
}

describe("the bundle cache", () => {
  test("a hit gives the same zip bytes, source_code_hash and sizes as a build, without rebuilding", () => {
    const { entry, cacheDir } = worker();
    const first = bundleLambda(entry, tempDir("out-1"), {}, cacheDir);
    const written = entries(cacheDir);
    expect(written.size).toBe(1);
    // Another output folder: not this process's in-memory copy, the one on disk.
    const second = bundleLambda(entry, tempDir("out-2"), {}, cacheDir);
    expect(entries(cacheDir)).toEqual(written);
    expect(identity(second)).toEqual(identity(first));
    expect(identity(second)).toEqual(uncached(entry));
  });

  test("misses when a file three imports deep changes, and gives that file's new bundle", () => {
    const { dir, entry, cacheDir } = worker();
    const before = bundleLambda(entry, tempDir("out-deep-1"), {}, cacheDir);
    fs.writeFileSync(path.join(dir, "c.ts"), `export const c = "c-changed";`);
    fs.utimesSync(path.join(dir, "c.ts"), LONG_AGO, new Date(LONG_AGO.getTime() + 1000));
    const after = bundleLambda(entry, tempDir("out-deep-2"), {}, cacheDir);
    expect(after.sha256Hex).not.toBe(before.sha256Hex);
    expect(identity(after)).toEqual(uncached(entry));
    expect(identity(after).bytes.toString("latin1")).toContain("c-changed");
  });

  test("misses when the bundle options change (idempotency), each kept under its own entry", () => {
    const { entry, cacheDir } = worker();
    const off = bundleLambda(entry, tempDir("out-off"), {}, cacheDir);
    const on = bundleLambda(entry, tempDir("out-on"), { idempotency: true }, cacheDir);
    expect(on.sha256Hex).not.toBe(off.sha256Hex);
    expect(identity(on)).toEqual(uncached(entry, { idempotency: true }));
    expect(entries(cacheDir).size).toBe(2);
  });

  test("misses for another entry, even one with the same imports", () => {
    const { dir, entry, cacheDir } = worker();
    bundleLambda(entry, tempDir("out-entry-1"), {}, cacheDir);
    const other = path.join(dir, "other.ts");
    fs.writeFileSync(other, `import { a } from "./a";\nexport const handler = async () => a() + "!";`);
    fs.utimesSync(other, LONG_AGO, LONG_AGO);
    const bundle = bundleLambda(other, tempDir("out-entry-2"), {}, cacheDir);
    expect(identity(bundle)).toEqual(uncached(other));
    expect(entries(cacheDir).size).toBe(2);
  });

  test("misses when a new file beside an input changes what an import resolves to (./b finds b.ts before b.js)", () => {
    const { dir, entry, cacheDir } = worker();
    fs.renameSync(path.join(dir, "b.ts"), path.join(dir, "b.js"));
    fs.writeFileSync(path.join(dir, "b.js"), `const { c } = require("./c");\nexports.b = () => "js" + c;`);
    fs.utimesSync(path.join(dir, "b.js"), LONG_AGO, LONG_AGO);
    fs.utimesSync(dir, LONG_AGO, LONG_AGO);
    bundleLambda(entry, tempDir("out-shadow-1"), {}, cacheDir);
    fs.writeFileSync(path.join(dir, "b.ts"), `export const b = () => "ts-shadow";`);
    const after = bundleLambda(entry, tempDir("out-shadow-2"), {}, cacheDir);
    expect(identity(after).bytes.toString("latin1")).toContain("ts-shadow");
  });

  test("ignores an entry whose zip bytes were altered, builds again and replaces it", () => {
    const { entry, cacheDir } = worker();
    bundleLambda(entry, tempDir("out-corrupt-1"), {}, cacheDir);
    const [name, inode] = [...entries(cacheDir)][0];
    const file = path.join(cacheDir, name);
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf("c-original");
    bytes.write("X", at, "latin1");
    fs.writeFileSync(file, bytes);
    const bundle = bundleLambda(entry, tempDir("out-corrupt-2"), {}, cacheDir);
    expect(identity(bundle)).toEqual(uncached(entry));
    expect(identity(bundle).bytes.toString("latin1")).toContain("c-original");
    expect(entries(cacheDir).get(name)).not.toBe(inode);
  });

  test("ignores a torn or foreign entry (not the header it should have)", () => {
    const { entry, cacheDir } = worker();
    bundleLambda(entry, tempDir("out-torn-1"), {}, cacheDir);
    const [name] = [...entries(cacheDir)][0];
    for (const damaged of [
      "",
      '{"format":1',
      "not json\nPK",
      `${JSON.stringify({ format: 1, identity: "another", files: [], folders: [], zipSha256: "", codeSizeBytes: 1 })}\n`,
    ]) {
      fs.writeFileSync(path.join(cacheDir, name), damaged);
      expect(identity(bundleLambda(entry, tempDir("out-torn-2"), {}, cacheDir))).toEqual(uncached(entry));
    }
  });

  test("records nothing for inputs changed just before or during the build (their recorded contents might not be what esbuild read)", () => {
    const { dir, entry, cacheDir } = worker();
    fs.writeFileSync(path.join(dir, "c.ts"), `export const c = "just edited";`);
    bundleLambda(entry, tempDir("out-fresh"), {}, cacheDir);
    expect(entries(cacheDir).size).toBe(0);
  });

  test("lives in node_modules/.cache/sqs-worker-cdktf/bundles above the entry, and is off without a node_modules", () => {
    expect(defaultBundleCacheDir(path.join(__dirname, "..", "lambda-src", "orders.ts"))).toBe(
      path.join(__dirname, "..", "node_modules", ".cache", "sqs-worker-cdktf", "bundles"),
    );
    expect(defaultBundleCacheDir(worker().entry)).toBeUndefined();
  });
});
