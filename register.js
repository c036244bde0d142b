// sqs-worker-cdktf/register: runs a cdktf app written in TypeScript without type-checking it.
//
//   cdktf.json  "app": "node -r sqs-worker-cdktf/register main.ts"
//
// Each .ts file (main.ts and every .ts file it requires) is transpiled to CommonJS by esbuild's
// transformSync when Node requires it. Nothing is type-checked here: that is `tsc --noEmit`'s
// job, run once by a test or CI step, not on every synth (ts-node, the cdktf template's default,
// type-checks the whole program each time). One implementation, used by this repository too.
//
// What it honours, and what not (docs/performance.md, "The loader"):
// - The compilerOptions of the tsconfig.json nearest to each file (searched upwards from the
//   file's folder, stopping at a package boundary inside node_modules) are passed to esbuild,
//   which takes the ones that change emitted code (target for class field semantics,
//   useDefineForClassFields, experimentalDecorators, verbatimModuleSyntax, jsx...). `extends`
//   is not followed: esbuild's transform API reads no files.
// - Path aliases (compilerOptions.paths) are not applied: Node resolves every require, and
//   transpiling does not rewrite import specifiers. Use relative imports, or package.json
//   "imports" (#alias), which Node resolves itself.
// - .ts files inside node_modules are transpiled too (a package that ships TypeScript sources
//   then runs; ts-node would refuse it), with that package's own tsconfig.json if it has one.
// - Source maps are inline: Node reads them only with --enable-source-maps (TypeScript line
//   numbers in a stack trace), which costs time on every synth and is therefore not switched on.
// - Transpiled files are kept in node_modules/.cache/sqs-worker-cdktf/ts, under the SHA-256 of
//   everything that decides the output (source text, path, tsconfig text, esbuild's version,
//   these options): an unchanged app then runs without starting esbuild at all, whose service
//   process costs more than transpiling. An entry whose recorded hash does not match its text
//   is ignored and rewritten; writes go through a temporary file and a rename.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** esbuild's options besides the file's own; part of every cache key. */
const OPTIONS = { loader: "ts", format: "cjs", target: "node20", sourcemap: "inline" };
/** Bumped when the cache's layout or the way code is produced changes. */
const CACHE_FORMAT = "1";

/**
 * Where transpiled files are kept: the node_modules this package is installed in (the app's),
 * or this repository's own; null (no cache) when there is none.
 */
const CACHE_DIR = (() => {
  const installedIn = path.dirname(__dirname);
  const nodeModules =
    path.basename(installedIn) === "node_modules" ? installedIn : path.join(__dirname, "node_modules");
  return fs.existsSync(nodeModules) ? path.join(nodeModules, ".cache", "sqs-worker-cdktf", "ts") : null;
})();

let esbuild;
/** esbuild, loaded on the first file the cache does not have. */
function transformSync(source, options) {
  esbuild ??= require("esbuild");
  return esbuild.transformSync(source, options);
}

let esbuildVersion;
/** The installed esbuild's version, without loading esbuild. */
function installedEsbuildVersion() {
  esbuildVersion ??= JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
  return esbuildVersion;
}

function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** The JavaScript cached in `file`, or undefined when it is missing or not what was written. */
function readCached(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  // First line: "//" and the SHA-256 of the rest; a torn or altered entry fails it.
  const newline = text.indexOf("\n");
  const code = text.slice(newline + 1);
  return newline === 66 && text.slice(2, 66) === sha256(code) ? code : undefined;
}

/** Puts `code` in `file` whole (temporary file and rename), so a concurrent reader never sees half. */
function writeCached(file, code) {
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(partial, `//${sha256(code)}\n${code}`, { flag: "wx" });
    fs.renameSync(partial, file);
  } catch {
    // A read-only or full disk: not cached, transpiled again next time.
    fs.rmSync(partial, { force: true });
  }
}

/** Folder → raw tsconfig.json text that applies to files in it ("" for none). */
const tsconfigByDir = new Map();

/** The text of the tsconfig.json nearest to `dir`; "" when there is none up to the root or the package boundary. */
function tsconfigFor(dir) {
  const known = tsconfigByDir.get(dir);
  if (known !== undefined) return known;
  let found = "";
  const candidate = path.join(dir, "tsconfig.json");
  if (fs.existsSync(candidate)) {
    found = fs.readFileSync(candidate, "utf8");
  } else {
    const parent = path.dirname(dir);
    // Inside node_modules a package's own folder is the boundary: the app's tsconfig.json is
    // not the package's. (node_modules/<name> or node_modules/@scope/<name>.)
    const atPackageRoot =
      path.basename(parent) === "node_modules" ||
      (path.basename(parent).startsWith("@") && path.basename(path.dirname(parent)) === "node_modules");
    if (parent !== dir && !atPackageRoot) found = tsconfigFor(parent);
  }
  tsconfigByDir.set(dir, found);
  return found;
}

/** Transpiles one .ts file to CommonJS and runs it as Node runs a .js file. */
function compileTypeScript(module, filename) {
  // Given as text: tsconfig.json is JSON with comments and trailing commas, which esbuild parses
  // as tsc does, keeping the compilerOptions and ignoring the rest (include, exclude...).
  const tsconfigRaw = tsconfigFor(path.dirname(filename));
  const source = fs.readFileSync(filename, "utf8");
  const cached =
    CACHE_DIR &&
    path.join(
      CACHE_DIR,
      `${sha256([CACHE_FORMAT, installedEsbuildVersion(), JSON.stringify(OPTIONS), filename, tsconfigRaw, source].join("\0"))}.js`,
    );
  let code = cached ? readCached(cached) : undefined;
  if (code === undefined) {
    code = transformSync(source, { ...OPTIONS, sourcefile: filename, ...(tsconfigRaw ? { tsconfigRaw } : {}) }).code;
    if (cached) writeCached(cached, code);
  }
  module._compile(code, filename);
}

require.extensions[".ts"] = compileTypeScript;
require.extensions[".cts"] = compileTypeScript;
