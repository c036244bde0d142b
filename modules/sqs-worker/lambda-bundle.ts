import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildSync, version as esbuildVersion, type BuildFailure, type BuildOptions } from "esbuild";
import { IDEMPOTENCY_RUNTIME_PACKAGES } from "../../lambda-src/idempotency-settings";
import { defaultBundleCacheDir, readCachedZip, writeCachedZip } from "./bundle-cache";
import { readHandlerExport } from "./handler-export";
import { LAMBDA_PACKAGE_LIMIT_BYTES } from "./limits";
import { createReproducibleZip } from "./reproducible-zip";

/** The bundled worker code: a zip on disk and the hash Lambda compares. */
export interface LambdaBundle {
  /** Absolute path of the zip: `<sha256>/lambda.zip` under a folder only this process writes to. */
  readonly zipPath: string;
  /** Base64 SHA-256 of exactly the zip's bytes: the function's `source_code_hash`. */
  readonly sourceCodeHash: string;
  /** Hex SHA-256 of the zip, used as the asset hash. */
  readonly sha256Hex: string;
  /** Size of the zip in bytes. */
  readonly sizeBytes: number;
  /** Size of the bundled JavaScript in bytes. */
  readonly codeSizeBytes: number;
}

/** The file inside the zip; the function's handler is `index.handler`. */
export const BUNDLE_FILE_NAME = "index.js";
/** Lambda's `handler` setting for the bundle. */
export const BUNDLE_HANDLER = "index.handler";
/** The export the bundle's entry must have: Lambda calls `index.handler`. */
export const HANDLER_EXPORT = "handler";

/** Why an entry could not be bundled: one line, esbuild's first message, the missing export or what the export is instead of a function. */
export class LambdaBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LambdaBundleError";
  }
}

/** A size in AWS's MB (MiB), one decimal: 57,147,392 bytes is "54.5 MB". */
function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`;
}

/**
 * What Lambda would refuse about the bundle's size, one rule per line (empty when it fits):
 * the zip over the direct upload limit, the unzipped code over the unzipped limit. Checked at
 * synth because CreateFunction only refuses it at apply, after other resources exist. `limits`
 * is a parameter so that a test can check the wording without building a 50 MB bundle.
 */
export function bundleSizeProblems(
  bundle: Pick<LambdaBundle, "sizeBytes" | "codeSizeBytes">,
  limits: { readonly zipped: number; readonly unzipped: number } = LAMBDA_PACKAGE_LIMIT_BYTES,
): string[] {
  const problems: string[] = [];
  if (bundle.sizeBytes > limits.zipped) {
    problems.push(
      `bundles to a ${megabytes(bundle.sizeBytes)} zip (${bundle.sizeBytes} bytes); Lambda takes at most ${megabytes(limits.zipped)} zipped by direct upload`,
    );
  }
  if (bundle.codeSizeBytes > limits.unzipped) {
    problems.push(
      `bundles to ${megabytes(bundle.codeSizeBytes)} of code unzipped (${bundle.codeSizeBytes} bytes); Lambda takes at most ${megabytes(limits.unzipped)} unzipped`,
    );
  }
  return problems;
}

/** A bundle, its bytes, and the fingerprint of the source files it was built from. */
interface CachedBundle {
  readonly bundle: LambdaBundle;
  readonly zip: Buffer;
  readonly inputs: readonly string[];
  readonly fingerprint: string;
}

const cache = new Map<string, CachedBundle>();

/**
 * Size and modification time of every source file: changes when a source is edited. Stats,
 * not contents: this runs once per stack, and an app of 1,000 services hits the cache 999
 * times, each of which would otherwise read and hash every source. The zip's own hash still
 * comes from its bytes.
 */
function fingerprintOf(files: readonly string[]): string {
  return files
    .map((file) => {
      const stat = fs.statSync(file);
      return `${file}\0${stat.size}\0${stat.mtimeMs}`;
    })
    .join("\n");
}

/** What the construct's configuration changes in a bundle. */
export interface BundleOptions {
  /**
   * Whether the worker plumbing's idempotency code (Powertools idempotency, its JMESPath and
   * commons) is in the bundle. Off: `process.env.SQS_WORKER_BUNDLE_IDEMPOTENCY` is defined as
   * "off", and esbuild drops the branch of makeHandler that loads it, so a worker without
   * idempotency ships exactly what it did before the feature existed. On: the AWS SDK packages
   * it loads stay external, since every Lambda Node.js runtime provides them.
   * @default false
   */
  readonly idempotency?: boolean;
}

/** esbuild's settings for the bundle: everything the output bytes depend on besides the sources. */
function buildOptions(entry: string, options: BundleOptions = {}): BuildOptions {
  return {
    entryPoints: [entry],
    absWorkingDir: path.dirname(entry),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    charset: "utf8",
    mainFields: ["module", "main"],
    // A fixed tsconfig instead of whichever tsconfig.json lies near the entry: the same
    // sources then give the same bytes in this repository and in a consumer's app, whose
    // tsconfig (or none, inside node_modules) would otherwise decide, e.g., "use strict".
    // Path aliases (compilerOptions.paths) are therefore not applied: import by relative path.
    tsconfigRaw: { compilerOptions: { alwaysStrict: true } },
    write: false,
    outfile: BUNDLE_FILE_NAME,
    logLevel: "silent",
    metafile: true,
    define: { "process.env.SQS_WORKER_BUNDLE_IDEMPOTENCY": JSON.stringify(options.idempotency ? "on" : "off") },
    external: options.idempotency ? [...IDEMPOTENCY_RUNTIME_PACKAGES] : [],
  };
}

let bundlerSources: string | undefined;

/**
 * This package's version and the SHA-256 of the code that turns esbuild's output into a zip
 * (this file and the zip writer, as loaded: .ts here, .js in the package), so that a changed
 * bundler, released or not, never reuses a zip an older one made.
 */
function bundlerIdentity(): string {
  if (bundlerSources === undefined) {
    const hash = createHash("sha256");
    for (const file of [__filename, require.resolve("./reproducible-zip")]) hash.update(fs.readFileSync(file));
    bundlerSources = `${packageVersion()}\0${hash.digest("hex")}`;
  }
  return bundlerSources;
}

/** The version in this package's package.json, found upwards from this file (modules/ here, dist/modules/ when installed). */
function packageVersion(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (!fs.existsSync(manifest)) continue;
    const { name, version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version?: string };
    if (name === "sqs-worker-cdktf") return String(version);
  }
  return "unknown";
}

/**
 * Everything besides the files it reads that decides a bundle's bytes: the entry, esbuild's
 * options (which carry the bundle options), esbuild's version and the bundler's own identity.
 * The key of the on-disk cache, together with the contents of the files the build read.
 */
function bundleIdentity(entry: string, options: BundleOptions): string {
  return JSON.stringify({
    entry,
    build: buildOptions(entry, options),
    esbuild: esbuildVersion,
    bundler: bundlerIdentity(),
  });
}

/** esbuild's first error as one line: `file:line:column: text`. */
function firstBuildError(error: unknown): string {
  const first = (error as BuildFailure).errors?.[0];
  if (!first) return (error as Error).message.split("\n")[0];
  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : "";
  return `${where}${first.text}`;
}

/**
 * Fails when an ES module entry does not export `handler`, or exports one that is statically
 * not a function (Lambda calls `index.handler`; the function would fail every invocation with
 * HandlerNotFound or a TypeError). The CommonJS bundle's metafile lists no exports, so the
 * entry's own modules are bundled once more as ESM, node_modules left out, and that output is
 * read with acorn, never run (see {@link readHandlerExport} for exactly which values are
 * refused and which are accepted).
 * Accepted without a decision: a CommonJS entry (`exports.handler = ...`, which cannot be read
 * statically), and an entry without a listed `handler` that has `export * from "<package>"`.
 * A default export never counts: Lambda calls `handler`.
 */
function checkHandlerExport(entry: string): void {
  const result = buildSync({ ...buildOptions(entry), format: "esm", minify: false, packages: "external" });
  const entryInput = Object.entries(result.metafile!.inputs).find(
    ([file]) => path.resolve(path.dirname(entry), file) === entry,
  )?.[1];
  if (entryInput?.format === "cjs") return;
  // Not named `exports`: in CommonJS output that would shadow the module's own exports object.
  const exported = Object.values(result.metafile!.outputs)[0].exports;
  const reading = readHandlerExport(result.outputFiles![0].text, HANDLER_EXPORT);
  if (!exported.includes(HANDLER_EXPORT)) {
    if (reading.reExportsAllFromPackage) return;
    const notDefault = exported.includes("default") ? ", not the default export" : "";
    throw new LambdaBundleError(
      `does not export \`${HANDLER_EXPORT}\` (its exports: ${exported.length ? exported.join(", ") : "none"}); Lambda calls index.handler${notDefault}`,
    );
  }
  if (reading.nonFunction === "a class") {
    throw new LambdaBundleError(
      `exports \`${HANDLER_EXPORT}\` as a class, not a function; Lambda calls index.handler without \`new\`, which throws a TypeError`,
    );
  }
  if (reading.nonFunction) {
    throw new LambdaBundleError(
      `exports \`${HANDLER_EXPORT}\` as ${reading.nonFunction}, not a function; Lambda calls index.handler`,
    );
  }
}

/**
 * Makes sure `zipPath` holds exactly `zip`: a file already there (from this process, or planted
 * by anyone) is used only when its SHA-256 is the one just computed, and otherwise replaced
 * through an exclusive temporary file and a rename, so a concurrent reader never sees half a
 * zip and nothing someone else created is trusted.
 */
function ensureZipOnDisk(zipPath: string, zip: Buffer, sha256Hex: string): void {
  const existing = fs.statSync(zipPath, { throwIfNoEntry: false });
  if (
    existing?.isFile() &&
    existing.size === zip.length &&
    createHash("sha256").update(fs.readFileSync(zipPath)).digest("hex") === sha256Hex
  )
    return;
  fs.mkdirSync(path.dirname(zipPath), { recursive: true, mode: 0o700 });
  const partial = `${zipPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(partial, zip, { flag: "wx", mode: 0o600 });
  fs.renameSync(partial, zipPath);
}

/**
 * Bundles `entry` with esbuild (minified CommonJS for Node.js 20+, every dependency inlined
 * except the AWS SDK packages idempotency loads, see {@link BundleOptions})
 * into a byte-for-byte reproducible zip.
 *
 * Built once per entry per process: a platform app with hundreds of services sharing a worker
 * file bundles it once (the size and modification time of every source the bundle read are
 * checked, so an edited source is bundled again). And once across processes: the zip is kept in
 * `cacheDir` (by default `node_modules/.cache/sqs-worker-cdktf/bundles` above the entry, see
 * {@link defaultBundleCacheDir}; `null` for none) with the SHA-256 of every file the build read
 * (esbuild's metafile, plus their package.json files), and reused while all of them, the entry,
 * the options, esbuild's version and this package's version are the same and the cached zip
 * still hashes to what was recorded; see bundle-cache.ts. A reused zip is the same bytes, so
 * the same `source_code_hash`, as a new build would give.
 *
 * The zip that is returned is always bytes whose SHA-256 this process computed: the default
 * folder is private to the process (created by mkdtemp, mode 0700, unpredictable name), and a
 * file found at the zip's path is verified against the hash before every use (see
 * {@link ensureZipOnDisk}). Throws {@link LambdaBundleError} (one line) when esbuild cannot
 * bundle the entry, or it does not export `handler`, or exports one that is statically not a
 * function (see checkHandlerExport; a cached zip passed that check on the same files).
 *
 * Reproducible because esbuild's output depends only on the sources (minified, so no path
 * comments; no source map; no legal comments; a fixed tsconfig) and the zip writer stamps no time.
 */
export function bundleLambda(
  entry: string,
  outDir: string = privateBundleDir(),
  options: BundleOptions = {},
  cacheDir: string | null = defaultBundleCacheDir(entry) ?? null,
): LambdaBundle {
  const absoluteEntry = path.resolve(entry);
  const memoKey = `${absoluteEntry}\0${path.resolve(outDir)}\0${options.idempotency ? "idempotency" : ""}\0${cacheDir ?? ""}`;
  const memo = cache.get(memoKey);
  if (memo && fingerprintOf(memo.inputs) === memo.fingerprint) {
    ensureZipOnDisk(memo.bundle.zipPath, memo.zip, memo.bundle.sha256Hex);
    return memo.bundle;
  }

  const identity = cacheDir === null ? undefined : bundleIdentity(absoluteEntry, options);
  const cached = identity === undefined ? undefined : readCachedZip(cacheDir!, identity);
  let zip: Buffer;
  let codeSizeBytes: number;
  let inputs: readonly string[];
  if (cached) {
    ({ zip, codeSizeBytes, inputs } = cached);
  } else {
    const startedMs = Date.now();
    let result;
    try {
      result = buildSync(buildOptions(absoluteEntry, options));
      checkHandlerExport(absoluteEntry);
    } catch (error) {
      if (error instanceof LambdaBundleError) throw error;
      throw new LambdaBundleError(`cannot be bundled: ${firstBuildError(error)}`);
    }
    const code = Buffer.from(result.outputFiles![0].contents);
    zip = createReproducibleZip([{ name: BUNDLE_FILE_NAME, data: code }]);
    codeSizeBytes = code.length;
    const workingDir = path.dirname(absoluteEntry);
    inputs = Object.keys(result.metafile!.inputs)
      .map((file) => path.resolve(workingDir, file))
      .sort();
    if (identity !== undefined) writeCachedZip(cacheDir!, identity, inputs, zip, codeSizeBytes, startedMs);
  }
  const digest = createHash("sha256").update(zip);
  const sha256Hex = digest.copy().digest("hex");
  const bundle: LambdaBundle = {
    zipPath: path.join(outDir, sha256Hex, "lambda.zip"),
    sourceCodeHash: digest.digest("base64"),
    sha256Hex,
    sizeBytes: zip.length,
    codeSizeBytes,
  };
  ensureZipOnDisk(bundle.zipPath, zip, sha256Hex);
  cache.set(memoKey, { bundle, zip, inputs, fingerprint: fingerprintOf(inputs) });
  return bundle;
}

let privateDir: string | undefined;

/**
 * Where zips wait before cdktf copies them into each stack's assets folder: a folder this
 * process created (mkdtemp: a fresh, unpredictable name, mode 0700), never a fixed path in the
 * shared temp folder that another user could have created first and filled. Removed when the
 * process exits; cdktf has copied the zips by then.
 */
function privateBundleDir(): string {
  if (!privateDir) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-worker-bundles-"));
    privateDir = dir;
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return privateDir;
}
