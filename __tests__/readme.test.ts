import * as fs from "fs";
import * as path from "path";
import { WORKER_ADVICE, WORKER_RULES } from "../modules";

// The README is the front door: it must list every rule the construct enforces and every
// warning it can print, word for word, so that it cannot drift from the tables.
const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

test.each(WORKER_RULES.map((r) => [`${r.path} ${r.rule}`, r] as const))("the README lists the rule: %s", (_, rule) => {
  expect(readme).toContain(`- \`${rule.path}\` ${rule.rule}`);
});

test.each(WORKER_ADVICE.map((a) => a.id))("the README lists the warning %s", (id) => {
  expect(readme).toContain(`- \`${id}\``);
});

test("the README's package.json scripts exist", () => {
  const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).scripts);
  const used = [...readme.matchAll(/npm run ([a-z0-9-]+(?::[a-z0-9-]+)*)/g)].map((m) => m[1]);
  expect(used.length).toBeGreaterThan(0);
  for (const script of used) expect(scripts).toContain(script);
});
