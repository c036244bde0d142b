import * as fs from "fs";
import * as path from "path";

/** One thing the README's consumer section tells a new user to do, in the order written. */
export type ReadmeStep =
  /** A shell command, exactly as written (its trailing `# comment` removed). */
  | { readonly kind: "command"; readonly line: string }
  /** A file to write: a TypeScript block whose first line is `// <path>`. */
  | { readonly kind: "file"; readonly path: string; readonly content: string }
  /** The `"app"` line of cdktf.json. */
  | { readonly kind: "cdktf-app"; readonly app: string };

/** The README heading of the section a consumer follows. */
export const CONSUMER_SECTION = "## Using the construct in your repository";

/** The text of the consumer section: from its heading to the next `## ` heading. */
export function consumerSection(readme: string): string {
  const start = readme.indexOf(`${CONSUMER_SECTION}\n`);
  if (start < 0) throw new Error(`README has no "${CONSUMER_SECTION}" section`);
  const next = readme.indexOf("\n## ", start + CONSUMER_SECTION.length);
  return readme.slice(start, next < 0 ? undefined : next);
}

/**
 * The section's fenced blocks as steps: `sh` lines become commands, a `ts` block starting with
 * `// <path>` a file, a `json` block with `"app": ...` the cdktf.json app. Any other block is an
 * error: a block the test would skip is a block that could drift from what works.
 */
export function readmeSteps(section: string): ReadmeStep[] {
  const steps: ReadmeStep[] = [];
  for (const match of section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const [, language, body] = match;
    if (language === "sh") {
      for (const raw of body.split("\n")) {
        const line = withoutComment(raw).trim();
        if (line !== "") steps.push({ kind: "command", line });
      }
    } else if (language === "ts") {
      const [first, ...rest] = body.split("\n");
      const file = /^\/\/ (\S+\.ts)$/.exec(first);
      if (!file) throw new Error(`a ts block must start with "// <path>": ${first}`);
      steps.push({ kind: "file", path: file[1], content: rest.join("\n") });
    } else if (language === "json") {
      const app = /^"app": ("[^"]*"),?$/.exec(body.trim());
      if (!app) throw new Error(`a json block must be cdktf.json's "app" line: ${body}`);
      steps.push({ kind: "cdktf-app", app: JSON.parse(app[1]) as string });
    } else {
      throw new Error(`the consumer section has a \`\`\`${language} block the quick-start test cannot follow`);
    }
  }
  return steps;
}

/** A shell line without its trailing comment; a `#` inside quotes is kept. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "#" && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Reads README.md from the repository root. */
export function readReadme(root: string): string {
  return fs.readFileSync(path.join(root, "README.md"), "utf8");
}

/** Environment variables from the `export NAME=value` lines a command printed (the emulator's). */
export function exportedVariables(printed: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of printed.matchAll(/^\s*export ([A-Za-z_][A-Za-z0-9_]*)=(\S*)/gm)) out[match[1]] = match[2];
  return out;
}
