/**
 * The on-disk cache of worker bundles: a synth whose worker inputs did not change since the last
 * one reuses the zip instead of running esbuild again (docs/performance.md, "Bundle cache").
 *
 * One file per bundle identity (entry, esbuild's options, esbuild's version, this package's
 * version and bundler sources), named by the SHA-256 of that identity: a line of JSON (the
 * identity, the SHA-256 of every file the previous build read, the zip's SHA-256 and size) and
 * then the zip's bytes. An entry is used only when every recorded file still has the recorded
 * contents and the zip's bytes still hash to the recorded SHA-256; anything else (a missing, torn,
 * edited or foreign file) is a miss, and the bundle is built again and the entry replaced.
 * Entries are written to a temporary file and renamed into place, so two synths at once each
 * read either the old entry or the new one, never half of one.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The layout of an entry; bumped when it changes, so an older entry is a miss. */
const ENTRY_FORMAT = 1;

/** What a build leaves for the next synth: its zip and the files it read. */
export interface CachedZip {
  readonly zip: Buffer;
  /** Size of the bundled JavaScript inside the zip, in bytes. */
  readonly codeSizeBytes: number;
  /** Absolute paths of the files whose contents the entry was checked against. */
  readonly inputs: readonly string[];
}

/** The first line of an entry file. */
interface EntryHeader {
  readonly format: number;
  readonly identity: string;
  /** [absolute path, hex SHA-256 of its contents] for every file the build depended on. */
  readonly files: readonly (readonly [string, string])[];
  /** [absolute folder, mtimeMs] of the app's own source folders (see {@link folderTimes}). */
  readonly folders: readonly (readonly [string, number])[];
  readonly zipSha256: string;
  readonly codeSizeBytes: number;
}

function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function inNodeModules(file: string): boolean {
  return file.split(path.sep).includes("node_modules");
}

/**
 * The files a bundle's bytes depend on besides the sources esbuild lists: the nearest
 * package.json of every source (its `sideEffects`, `module`/`main` and `exports` fields steer
 * esbuild's resolution and tree-shaking without being listed as inputs).
 */
function withPackageManifests(inputs: readonly string[]): string[] {
  const all = new Set(inputs);
  const nearest = new Map<string, string | null>();
  const manifestFor = (dir: string): string | null => {
    const known = nearest.get(dir);
    if (known !== undefined) return known;
    const candidate = path.join(dir, "package.json");
    const parent = path.dirname(dir);
    const found = fs.existsSync(candidate) ? candidate : parent === dir ? null : manifestFor(parent);
    nearest.set(dir, found);
    return found;
  };
  for (const input of inputs) {
    const manifest = manifestFor(path.dirname(input));
    if (manifest) all.add(manifest);
  }
  return [...all].sort();
}

/**
 * The modification times of the folders holding the app's own sources (not node_modules): a file
 * added beside an imported one can change what an import resolves to (`./util` finds a new
 * util.ts before util.js) without changing any file the last build read; adding it changes its
 * folder's time. Costs a rebuild when anything else in those folders is added or renamed.
 */
function folderTimes(inputs: readonly string[]): [string, number][] {
  const folders = [...new Set(inputs.filter((file) => !inNodeModules(file)).map((file) => path.dirname(file)))].sort();
  return folders.map((folder) => [folder, fs.statSync(folder).mtimeMs]);
}

/**
 * The cache folder for bundles of `entry` when none is given: `.cache/sqs-worker-cdktf/bundles`
 * in the nearest node_modules above the entry (the folder esbuild resolves the worker's imports
 * from, so each app has its own, and removing node_modules removes it), or undefined when the
 * entry has no node_modules above it (no disk cache then).
 */
export function defaultBundleCacheDir(entry: string): string | undefined {
  let dir = path.dirname(path.resolve(entry));
  for (;;) {
    const nodeModules = path.basename(dir) === "node_modules" ? dir : path.join(dir, "node_modules");
    if (fs.existsSync(nodeModules)) return path.join(nodeModules, ".cache", "sqs-worker-cdktf", "bundles");
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The entry file of `identity` in `cacheDir`. */
function entryPath(cacheDir: string, identity: string): string {
  return path.join(cacheDir, `${sha256Hex(identity)}.bundle`);
}

/**
 * The zip cached for `identity`, or undefined when there is none or it cannot be trusted: a
 * file the build read has other contents now (or is gone), a source folder changed, or the
 * entry is torn or altered (its zip no longer hashes to the recorded SHA-256).
 */
export function readCachedZip(cacheDir: string, identity: string): CachedZip | undefined {
  try {
    const bytes = fs.readFileSync(entryPath(cacheDir, identity));
    const newline = bytes.indexOf(0x0a);
    if (newline < 0) return undefined;
    const header = JSON.parse(bytes.subarray(0, newline).toString("utf8")) as EntryHeader;
    if (header.format !== ENTRY_FORMAT || header.identity !== identity) return undefined;
    const zip = bytes.subarray(newline + 1);
    if (sha256Hex(zip) !== header.zipSha256) return undefined;
    for (const [folder, mtimeMs] of header.folders) {
      if (fs.statSync(folder).mtimeMs !== mtimeMs) return undefined;
    }
    for (const [file, hash] of header.files) {
      if (sha256Hex(fs.readFileSync(file)) !== hash) return undefined;
    }
    return { zip: Buffer.from(zip), codeSizeBytes: header.codeSizeBytes, inputs: header.files.map(([file]) => file) };
  } catch {
    // Missing, unreadable or not JSON: a miss. The cache only ever saves work.
    return undefined;
  }
}

/**
 * How long before the build started a file must have last changed to be trusted: the hashes are
 * taken after the build, so a file edited while esbuild ran would otherwise be recorded with
 * contents the zip does not hold. The slack covers file systems with coarse timestamps.
 */
const SETTLED_MS = 2000;

/**
 * Records `zip`, built for `identity` from `inputs` (absolute paths of the files esbuild read,
 * from its metafile) by a build that started at `buildStartedMs` (Date.now()), replacing any
 * earlier entry atomically. Nothing is recorded when an input changed less than two seconds
 * before the build started or since (its recorded contents might not be what esbuild read).
 * Failing to write (a read-only node_modules, a full disk) is not an error: the next synth
 * builds again.
 */
export function writeCachedZip(
  cacheDir: string,
  identity: string,
  inputs: readonly string[],
  zip: Buffer,
  codeSizeBytes: number,
  buildStartedMs: number,
): void {
  let partial: string | undefined;
  try {
    const dependencies = withPackageManifests(inputs);
    const files = dependencies.map((file): [string, string] => [file, sha256Hex(fs.readFileSync(file))]);
    // After hashing: an edit between esbuild's read and the hash leaves a recent time here.
    if (dependencies.some((file) => fs.statSync(file).mtimeMs > buildStartedMs - SETTLED_MS)) return;
    const header: EntryHeader = {
      format: ENTRY_FORMAT,
      identity,
      files,
      folders: folderTimes(inputs),
      zipSha256: sha256Hex(zip),
      codeSizeBytes,
    };
    fs.mkdirSync(cacheDir, { recursive: true });
    const target = entryPath(cacheDir, identity);
    partial = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(partial, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), zip]), { flag: "wx" });
    fs.renameSync(partial, target);
    partial = undefined;
  } catch {
    // Not cached this time; see above.
  } finally {
    if (partial) fs.rmSync(partial, { force: true });
  }
}
