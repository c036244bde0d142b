/**
 * npm run docs: rewrites the generated blocks of docs/construct.md from the props' defaults and
 * ranges and the rule, advice and guarantee-switch tables, so that a limit is written once (in
 * the table) and the docs cannot drift from it.
 * `npm test` fails when the file differs from what this would write.
 */
import * as fs from "fs";
import * as path from "path";
import { GUARANTEE_SWITCHES, WORKER_ADVICE, WORKER_RULES, propDocRows } from "../../modules/internal";
import { runWithoutArguments, type CliSpec } from "../shared/cli";

/** The docs file whose marked blocks are generated. */
export const CONSTRUCT_DOC = path.join(__dirname, "..", "..", "docs", "construct.md");

/** The generated blocks: marker name → Markdown lines. */
export function generatedBlocks(): Record<string, string> {
  return {
    props: [
      "| prop | default | range / notes |",
      "|---|---|---|",
      ...propDocRows().map((cells) => `| ${cells.join(" | ")} |`),
    ].join("\n"),
    rules: WORKER_RULES.map((r) => `- \`${r.path}\` ${r.rule}`).join("\n"),
    advice: WORKER_ADVICE.map((a) => `- \`${a.id}\`: ${a.summary}`).join("\n"),
    switches: [
      "| variable | refused | read by |",
      "|---|---|---|",
      ...GUARANTEE_SWITCHES.map(
        (s) => `| \`${s.key}\` | ${s.withoutIdempotency ? "always" : "with idempotency on"} | ${s.source} |`,
      ),
    ].join("\n"),
  };
}

/** `text` with every `<!-- name:start -->…<!-- name:end -->` block replaced by its generated lines. */
export function withGeneratedBlocks(text: string): string {
  let result = text;
  for (const [name, lines] of Object.entries(generatedBlocks())) {
    const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!pattern.test(result)) throw new Error(`${CONSTRUCT_DOC} has no ${name}:start/${name}:end markers`);
    result = result.replace(pattern, (_, start: string, end: string) => `${start}${lines}\n${end}`);
  }
  return result;
}

/** `npm run docs` takes no options; `--help` says what it does. */
export const DOCS_CLI: CliSpec = {
  usage: "npm run docs [-- --help]",
  summary:
    "Rewrites the generated props table and rule, warning and refused-variable lists of docs/construct.md from the props' defaults and ranges and the rule, advice and guarantee-switch tables.",
  options: {},
};

if (require.main === module) {
  runWithoutArguments(DOCS_CLI, process.argv.slice(2), "docs", () => {
    fs.writeFileSync(CONSTRUCT_DOC, withGeneratedBlocks(fs.readFileSync(CONSTRUCT_DOC, "utf8")));
  });
}
