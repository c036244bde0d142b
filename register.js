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
"use strict";
const fs = require("fs");
const path = require("path");
const { transformSync } = require("esbuild");

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
    const atPackageRoot = path.basename(parent) === "node_modules" || (path.basename(parent).startsWith("@") && path.basename(path.dirname(parent)) === "node_modules");
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
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
    sourcemap: "inline",
    ...(tsconfigRaw ? { tsconfigRaw } : {}),
  });
  module._compile(code, filename);
}

require.extensions[".ts"] = compileTypeScript;
require.extensions[".cts"] = compileTypeScript;
