/**
 * The layers of docs/contributing.md hold because ESLint refuses what crosses them: these probes
 * lint one-line files at real paths with the repository's eslint.config.mjs and expect the
 * layer rule to refuse (or accept) each import. Type-aware rules are off for the probes (the
 * files do not exist on disk, so TypeScript's project cannot hold them); the layer rules and the
 * function-length rule need no types.
 */
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

interface Probe {
  readonly file: string;
  readonly code: string;
}

/** Lints every probe in one ESLint process (loading ESLint and the config takes seconds) and returns each probe's rule ids. */
function lint(probes: readonly Probe[]): string[][] {
  const script = `
    import { ESLint } from "eslint";
    import tseslint from "typescript-eslint";
    const probes = JSON.parse(process.argv[1]);
    const eslint = new ESLint({
      cwd: ${JSON.stringify(ROOT)},
      overrideConfig: [tseslint.configs.disableTypeChecked, { languageOptions: { parserOptions: { projectService: false } } }],
    });
    const results = [];
    for (const probe of probes) {
      const [result] = await eslint.lintText(probe.code, { filePath: ${JSON.stringify(ROOT)} + "/" + probe.file });
      results.push(result.messages.map((m) => m.ruleId ?? "parse: " + m.message));
    }
    process.stdout.write(JSON.stringify(results));`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(probes)], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(output) as string[][];
}

const importOf = (specifier: string) => `import * as probe from "${specifier}";\nexport const used = probe;\n`;

const CASES: readonly {
  readonly what: string;
  readonly probe: Probe;
  readonly refused: boolean;
  /** The rule that refuses it, when not no-restricted-imports. */
  readonly rule?: string;
}[] = [
  {
    what: "lambda-src importing modules/",
    probe: { file: "lambda-src/probe.ts", code: importOf("../modules/sqs-worker/names") },
    refused: true,
  },
  {
    what: "lambda-src importing the package entry",
    probe: { file: "lambda-src/probe.ts", code: importOf("sqs-worker-cdktf") },
    refused: true,
  },
  {
    what: "lambda-src importing modules/ with import()",
    probe: {
      file: "lambda-src/probe.ts",
      code: 'export const load = () => import("../modules/sqs-worker/names");\n',
    },
    refused: true,
    rule: "no-restricted-syntax",
  },
  {
    what: "lambda-src importing lambda-src",
    probe: { file: "lambda-src/probe.ts", code: importOf("./worker-settings") },
    refused: false,
  },
  {
    what: "modules importing tools/",
    probe: { file: "modules/sqs-worker/probe.ts", code: importOf("../../tools/shared/region") },
    refused: true,
  },
  {
    what: "a tool importing a file deep in modules/",
    probe: { file: "tools/dlq/probe.ts", code: importOf("../../modules/sqs-worker/names") },
    refused: true,
  },
  {
    what: "a tool importing modules/internal",
    probe: { file: "tools/dlq/probe.ts", code: importOf("../../modules/internal") },
    refused: false,
  },
  {
    what: "a tool importing modules/tool-facts",
    probe: { file: "tools/shared/probe.ts", code: importOf("../../modules/tool-facts") },
    refused: false,
  },
  {
    what: "the DLQ tool importing the local runner's folder",
    probe: { file: "tools/dlq/probe.ts", code: importOf("../local-runner/runner") },
    refused: true,
  },
  {
    what: "the DLQ tool importing the emulator tool's entry file",
    probe: { file: "tools/dlq/probe.ts", code: importOf("../emulator") },
    refused: true,
  },
  {
    what: "the DLQ tool importing tools/shared",
    probe: { file: "tools/dlq/probe.ts", code: importOf("../shared/region") },
    refused: false,
  },
];

const longFunction = (lines: number) =>
  `export function long(): number {\n  let n = 0;\n${"  n += 1;\n".repeat(lines - 4)}  return n;\n}\n`;

describe("ESLint keeps the layers", () => {
  const results = lint([
    ...CASES.map((c) => c.probe),
    { file: "modules/sqs-worker/probe.ts", code: longFunction(61) },
    { file: "modules/sqs-worker/probe.ts", code: longFunction(60) },
  ]);

  test.each(CASES.map((c, i) => [c.what, c.refused, c.rule ?? "no-restricted-imports", results[i]] as const))(
    "%s: refused %s",
    (_what, refused, rule, ruleIds) => {
      expect(ruleIds).toEqual(refused ? [rule] : []);
    },
  );

  test("a function of 61 lines in modules/ is refused, one of 60 is not", () => {
    expect(results[CASES.length]).toEqual(["max-lines-per-function"]);
    expect(results[CASES.length + 1]).toEqual([]);
  });
});
