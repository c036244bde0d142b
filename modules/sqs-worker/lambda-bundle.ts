import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildSync } from "esbuild";
import { createReproducibleZip } from "./reproducible-zip";

/** The bundled worker code: a zip on disk and the hash Lambda compares. */
export interface LambdaBundle {
  /** Absolute path of the zip (content-addressed: the folder is the SHA-256). */
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

/** A bundle and the fingerprint of the source files it was built from. */
interface CachedBundle {
  readonly bundle: LambdaBundle;
  readonly inputs: readonly string[];
  readonly fingerprint: string;
}

const cache = new Map<string, CachedBundle>();

/**
 * Size and modification time of every source file: changes when a source is edited. Stats,
 * not contents: this runs once per stack, and an app of 1,000 services hits the cache 999
 * times (reading and hashing the ~30 sources each time cost 0.2 ms per stack). The zip's own
 * hash still comes from its bytes.
 */
function fingerprintOf(files: readonly string[]): string {
  return files
    .map((file) => {
      const stat = fs.statSync(file);
      return `${file}\0${stat.size}\0${stat.mtimeMs}`;
    })
    .join("\n");
}

/**
 * Bundles `entry` with esbuild (minified CommonJS for Node.js 20+, every dependency
 * inlined) into a byte-for-byte reproducible zip, once per entry per process: a platform
 * app with hundreds of services using the same code bundles it once. The cache checks the
 * size and modification time of every source file the bundle read, so an edited source is
 * bundled again.
 *
 * Reproducible because esbuild's output depends only on the sources (minified, so no
 * path comments; no source map; no legal comments) and the zip writer stamps no time.
 */
export function bundleLambda(entry: string, outDir: string = defaultBundleDir()): LambdaBundle {
  const absoluteEntry = path.resolve(entry);
  const cacheKey = `${absoluteEntry}\0${path.resolve(outDir)}`;
  const cached = cache.get(cacheKey);
  if (cached && fs.existsSync(cached.bundle.zipPath) && fingerprintOf(cached.inputs) === cached.fingerprint) {
    return cached.bundle;
  }

  const result = buildSync({
    entryPoints: [absoluteEntry],
    absWorkingDir: path.dirname(absoluteEntry),
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
  });
  const code = Buffer.from(result.outputFiles[0].contents);
  const zip = createReproducibleZip([{ name: BUNDLE_FILE_NAME, data: code }]);
  const digest = createHash("sha256").update(zip);
  const sha256Hex = digest.copy().digest("hex");
  const bundle: LambdaBundle = {
    zipPath: path.join(outDir, sha256Hex, "lambda.zip"),
    sourceCodeHash: digest.digest("base64"),
    sha256Hex,
    sizeBytes: zip.length,
    codeSizeBytes: code.length,
  };
  if (!fs.existsSync(bundle.zipPath)) {
    fs.mkdirSync(path.dirname(bundle.zipPath), { recursive: true });
    // Write then rename, so a concurrent synth never reads a half-written zip.
    const partial = `${bundle.zipPath}.${process.pid}.tmp`;
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, bundle.zipPath);
  }
  const workingDir = path.dirname(absoluteEntry);
  const inputs = Object.keys(result.metafile.inputs).map((file) => path.resolve(workingDir, file)).sort();
  cache.set(cacheKey, { bundle, inputs, fingerprint: fingerprintOf(inputs) });
  return bundle;
}

/** Where zips wait before cdktf copies them into each stack's assets folder. */
function defaultBundleDir(): string {
  return path.join(os.tmpdir(), "sqs-worker-cdktf-bundles");
}
