// The last step of `npm run build`: the CDK Terrain build (entry points sqs-worker-cdktf/cdktn and
// sqs-worker-cdktf/cdktn/app). CDK Terrain (cdktn 0.24, @cdktn/provider-aws 25.x) is cdktf's
// continuation under new package names with the same API: the construct's sources type-check
// against it unchanged, but a cdktn app cannot use the cdktf build, because mixing the two gives
// type errors (two unrelated `Construct`/`TerraformStack` declarations) and would install cdktf
// and @cdktf/provider-aws beside cdktn. So dist/modules/ (JavaScript and declarations) is copied
// to dist/cdktn/modules/ with its module specifiers pointed at CDK Terrain:
//
//   "cdktf"                       → "cdktn"
//   "@cdktf/provider-aws[/...]"   → "@cdktn/provider-aws[/...]" (also as a plain string: the
//                                   bound provider's package name, modules/sqs-worker/bound-provider.ts)
//   "./x", "../x"                 → the same file: inside modules/ the copy, outside (lambda-src/,
//                                   shared by both builds) the one file both builds load
//
// Nothing else changes, on purpose: strings such as the `ManagedBy = "cdktf"` tag stay, so that
// migrating an app from cdktf to cdktn plans no change. Any other specifier that names cdktf (a
// new `@cdktf/*` import) stops the build: it would need a decision, not a silent copy.
// A rewrite of the compiled output rather than a second compilation: the sources stay one set,
// and cdktn (whose peer `constructs >=10.6.0 <10.8.0` conflicts with this repository's cdktf
// toolchain) need not be installed to build. The consumer-cdktn e2e lane type-checks and
// synthesizes the result in a real cdktn app.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
/** The cdktf build, as tsc -p tsconfig.build.json writes it. */
const SOURCE = path.join(ROOT, "dist", "modules");
/** The CDK Terrain build. */
const TARGET = path.join(ROOT, "dist", "cdktn", "modules");

/** Package specifiers that name cdktf, and their CDK Terrain names. */
const PACKAGES = [
  ["cdktf", "cdktn"],
  ["@cdktf/provider-aws", "@cdktn/provider-aws"],
];

/** `require("x")`, `import("x")`, `from "x"`, `import "x"`: the places a module is named. */
const SPECIFIER = /(\brequire\(\s*|\bimport\(\s*|\bfrom\s+|\bimport\s+)(["'])([^"'\n]+)\2/g;
/** A one-line double-quoted string literal (tsc writes double quotes). */
const STRING = /"((?:[^"\\\n]|\\.)*)"/g;

/** The CDK Terrain name of a package specifier, or undefined when it names no cdktf package. */
function renamePackage(specifier) {
  for (const [from, to] of PACKAGES) {
    if (specifier === from || specifier.startsWith(`${from}/`)) return to + specifier.slice(from.length);
  }
  return undefined;
}

/**
 * The text of one compiled file (.js or .d.ts) moved from `fromFile` (under `sourceRoot`) to
 * `toFile` (under `targetRoot`), with its specifiers pointed at CDK Terrain. Throws on a
 * specifier that names cdktf in a way this build does not know.
 */
function rewrite(text, fromFile, toFile, sourceRoot = SOURCE, targetRoot = TARGET) {
  const withSpecifiers = text.replace(SPECIFIER, (match, keyword, quote, specifier) => {
    if (specifier.startsWith(".")) {
      const target = path.resolve(path.dirname(fromFile), specifier);
      const inside = !path.relative(sourceRoot, target).startsWith("..");
      const moved = inside ? path.join(targetRoot, path.relative(sourceRoot, target)) : target;
      let relative = path.relative(path.dirname(toFile), moved).split(path.sep).join("/");
      if (!relative.startsWith(".")) relative = `./${relative}`;
      return `${keyword}${quote}${relative}${quote}`;
    }
    const renamed = renamePackage(specifier);
    if (renamed !== undefined) return `${keyword}${quote}${renamed}${quote}`;
    if (/^(@cdktf\/|cdktf\/|cdktf-)/.test(specifier)) {
      throw new Error(
        `build-cdktn: ${path.relative(ROOT, fromFile)} imports ${specifier}, which has no CDK Terrain name in scripts/build-cdktn.js`,
      );
    }
    return match;
  });
  // The bindings' name as a value (bound-provider.ts labels what it reads with it).
  return withSpecifiers.replace(STRING, (match, content) => {
    const renamed = content.startsWith("@cdktf/provider-aws") ? renamePackage(content) : undefined;
    return renamed === undefined ? match : `"${renamed}"`;
  });
}

/** The specifiers of `text` that still name cdktf (an empty list for a correct rewrite). */
function cdktfSpecifiers(text) {
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[3])
    .filter((s) => s === "cdktf" || /^(@cdktf\/provider-aws|cdktf\/)/.test(s));
}

/** Every file under `dir`, relative paths. */
function filesUnder(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)));
}

/** Writes dist/cdktn/modules from dist/modules; returns the number of files written. */
function build(sourceRoot = SOURCE, targetRoot = TARGET) {
  if (!fs.existsSync(sourceRoot))
    throw new Error(
      `build-cdktn: ${path.relative(ROOT, sourceRoot)} does not exist (run tsc -p tsconfig.build.json first)`,
    );
  fs.rmSync(targetRoot, { recursive: true, force: true });
  const files = filesUnder(sourceRoot).filter((file) => file.endsWith(".js") || file.endsWith(".d.ts"));
  for (const file of files) {
    const from = path.join(sourceRoot, file);
    const to = path.join(targetRoot, file);
    const text = rewrite(fs.readFileSync(from, "utf8"), from, to, sourceRoot, targetRoot);
    const left = cdktfSpecifiers(text);
    if (left.length > 0) throw new Error(`build-cdktn: ${file} still imports ${left.join(", ")}`);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, text);
  }
  return files.length;
}

module.exports = { rewrite, cdktfSpecifiers, build, SOURCE, TARGET };

if (require.main === module) build();
