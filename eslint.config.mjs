// Lint: typescript-eslint's type-aware recommended rules, zero warnings (`npm run lint`), and the
// layers of docs/contributing.md as import rules, so they hold without anyone remembering them.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Imports a folder may not make, as `no-restricted-imports` patterns (gitignore syntax). */
function forbid(...rules) {
  return { "no-restricted-imports": ["error", { patterns: rules.map(([group, message]) => ({ group, message })) }] };
}

const WORKER_IS_STANDALONE =
  "lambda-src/ runs inside Lambda and is bundled on its own: it imports nothing from modules/ or tools/ (or the package entry, which is modules/).";
const CONSTRUCT_WITHOUT_TOOLS = "modules/ is the construct a consumer synthesizes: it imports nothing from tools/.";
const TOOLS_THROUGH_ENTRIES =
  "tools/ reach the construct only through its entries (modules/index, modules/app-entry, modules/internal, or modules/tool-facts for what must load without cdktf), so a file move inside modules/ breaks no tool.";
const TOOLS_SHARE_THROUGH_SHARED =
  "one tool does not import another tool's folder: shared code lives in tools/shared/ (docs/contributing.md).";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "cdktf.out/",
      "coverage/",
      "bench/tmp/",
      ".emulator/",
      ".venv*/",
      ".synth-listing-*/",
      // Installed apps of their own (their own node_modules and tsconfig), made by the e2e lanes.
      "__tests__/fixtures/consumer-*/",
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.mjs", "*.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // Plain JavaScript (the loader, build scripts, bin shims, worker threads): CommonJS run by Node
    // as is, outside the TypeScript project, so no type-aware rules.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        exports: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        __filename: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  { files: ["eslint.config.mjs"], languageOptions: { sourceType: "module" } },
  {
    files: ["lambda-src/**"],
    rules: {
      ...forbid(
        [["**/modules", "**/modules/**", "sqs-worker-cdktf", "sqs-worker-cdktf/*"], WORKER_IS_STANDALONE],
        [["**/tools", "**/tools/**"], WORKER_IS_STANDALONE],
      ),
      // The same layer for what no-restricted-imports does not see: import() and require(),
      // which esbuild bundles just the same.
      "no-restricted-syntax": [
        "error",
        ...["ImportExpression > Literal.source", "CallExpression[callee.name='require'] > Literal.arguments"].map(
          (node) => ({
            selector: `${node}[value=/(^|\\/)(modules|tools)(\\/|$)|^sqs-worker-cdktf(\\/|$)/]`,
            message: WORKER_IS_STANDALONE,
          }),
        ),
      ],
    },
  },
  {
    files: ["modules/**"],
    rules: {
      ...forbid([["**/tools", "**/tools/**"], CONSTRUCT_WITHOUT_TOOLS]),
      // A builder longer than a screen hides what it builds: split it into named steps.
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    files: ["tools/**"],
    ignores: ["tools/dlq/**", "tools/dlq.ts", "tools/local-runner/**", "tools/emulator/**", "tools/bench/**"],
    rules: forbid([
      ["**/modules/**", "!**/modules/index", "!**/modules/app-entry", "!**/modules/internal", "!**/modules/tool-facts"],
      TOOLS_THROUGH_ENTRIES,
    ]),
  },
  ...["dlq", "local-runner", "emulator", "bench"].map((tool) => ({
    files: [`tools/${tool}/**`, `tools/${tool}.ts`],
    rules: forbid(
      [
        [
          "**/modules/**",
          "!**/modules/index",
          "!**/modules/app-entry",
          "!**/modules/internal",
          "!**/modules/tool-facts",
        ],
        TOOLS_THROUGH_ENTRIES,
      ],
      [
        ["dlq", "local-runner", "emulator", "bench"]
          .filter((other) => other !== tool)
          .flatMap((other) => [
            `**/tools/${other}`,
            `**/tools/${other}/**`,
            `./${other}`,
            `./${other}/**`,
            `../${other}`,
            `../${other}/**`,
          ]),
        TOOLS_SHARE_THROUGH_SHARED,
      ],
    ),
  })),
);
