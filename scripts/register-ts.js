// Runs TypeScript files in Node without type-checking: each .ts file is transpiled by
// esbuild's transformSync when required. This keeps `npm run synth` fast (type-checking is
// `npm test`'s job, via `tsc --noEmit`). Used as `node -r ./scripts/register-ts.js main.ts`.
// The inline source maps cost nothing measurable; Node only reads them when asked
// (NODE_OPTIONS=--enable-source-maps, for TypeScript line numbers in a stack trace), which
// is left off by default because it adds about 90 ms to every synth.
"use strict";
const fs = require("fs");
const { transformSync } = require("esbuild");

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
    sourcemap: "inline",
  });
  module._compile(code, filename);
};
