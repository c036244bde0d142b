import * as fs from "fs";
import * as path from "path";
import { WORKER_ADVICE, WORKER_RULES } from "../modules/internal";
import { RANGES } from "../modules/sqs-worker/limits";
import { RUNTIME_LIFECYCLE } from "../modules/sqs-worker/runtimes";
import { CONSTRUCT_DOC, withGeneratedBlocks } from "../tools/docs/generate";

// The README is the front door and docs/ the reference: every rule and warning the construct
// has must be listed, generated from the tables, so that the docs cannot drift from them.
const ROOT = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const docs = fs
  .readdirSync(path.join(ROOT, "docs"))
  .map((file) => fs.readFileSync(path.join(ROOT, "docs", file), "utf8"));
const constructDoc = fs.readFileSync(CONSTRUCT_DOC, "utf8");

test("docs/construct.md is what npm run docs generates from the props' defaults and ranges and the rule, advice and switch tables", () => {
  expect(constructDoc).toBe(withGeneratedBlocks(constructDoc));
});

test.each(WORKER_RULES.map((r) => [`${r.path} ${r.rule}`, r] as const))(
  "docs/construct.md lists the rule: %s",
  (_, rule) => {
    expect(constructDoc).toContain(`- \`${rule.path}\` ${rule.rule}\n`);
  },
);

test.each(WORKER_ADVICE.map((a) => a.id))("docs/construct.md lists the warning %s", (id) => {
  expect(constructDoc).toContain(`- \`${id}\`: `);
});

test("the README stays a front door: under about 200 lines", () => {
  expect(readme.split("\n").length).toBeLessThanOrEqual(210);
});

test("every `npm run` script the README and docs name exists", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const scripts = Object.keys(pkg.scripts);
  const used = [readme, ...docs].flatMap((text) =>
    [...text.matchAll(/npm run ([a-z0-9-]+(?::[a-z0-9-]+)*)/g)].map((m) => m[1]),
  );
  expect(used.length).toBeGreaterThan(5);
  for (const script of used) expect(scripts).toContain(script);
});

test("every docs/ link of the README points at a file that exists", () => {
  const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThan(0);
  for (const link of links)
    expect({ link, exists: fs.existsSync(path.join(ROOT, link)) }).toEqual({ link, exists: true });
});

describe("each range is written once (limits.ts): its other copies are tested against it", () => {
  const INTERFACES: Record<string, string> = {
    lambda: "WorkerLambdaProps",
    queue: "WorkerQueueProps",
    deadLetterQueue: "WorkerDeadLetterQueueProps",
    eventSource: "WorkerEventSourceProps",
    monitoring: "WorkerMonitoringProps",
    idempotency: "WorkerIdempotencyProps",
  };
  const props = fs.readFileSync(path.join(ROOT, "modules", "sqs-worker", "props.ts"), "utf8");

  /** The JSDoc comment right above `readonly <prop>` in the group's interface. */
  function jsdocOf(propPath: string): string {
    const [group, prop] = propPath.split(".");
    const body = props.slice(props.indexOf(`export interface ${INTERFACES[group]} {`));
    const end = body.indexOf(`readonly ${prop}`);
    if (end < 0) throw new Error(`no ${propPath} in props.ts`);
    return body.slice(body.lastIndexOf("/**", end), end);
  }

  const ranged = WORKER_RULES.filter((r) => r.range).map((r) => [r.path, r.range!] as const);

  test("every numeric prop with an AWS range has a range rule", () => {
    expect(ranged.map(([p]) => p).sort()).toEqual(Object.keys(RANGES).sort());
  });

  test.each(ranged)("the JSDoc of %s gives the rule's range", (propPath, { min, max }) => {
    expect(jsdocOf(propPath)).toContain(`${min}..${max}`);
  });

  test.each(ranged)("docs/construct.md's props table gives the range of %s", (propPath, { min, max }) => {
    const row = constructDoc.split("\n").find((line) => line.startsWith(`| \`${propPath}\` |`));
    expect(row).toContain(`${min}..${max}`);
  });
});

describe("runtime dates are written once (runtimes.ts): the README's and docs' copies are tested against it", () => {
  const files = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((file) => `docs/${file}`)].map(
    (name): [string, string] => [name, fs.readFileSync(path.join(ROOT, name), "utf8")],
  );

  /** Each mention of a runtime of the table with the dates written after it, up to the next runtime named. */
  function datesAfterMentions(text: string): { runtime: string; dates: string[] }[] {
    const mentions = [...text.matchAll(/nodejs\d+\.x/g)];
    return mentions.map((m, i) => ({
      runtime: m[0],
      dates: [...text.slice(m.index, mentions[i + 1]?.index ?? m.index + 300).matchAll(/\d{4}-\d{2}-\d{2}/g)].map(
        (d) => d[0],
      ),
    }));
  }

  test.each(files)("%s gives each runtime AWS's dates for it", (_, text) => {
    for (const { runtime, dates } of datesAfterMentions(text)) {
      const known = RUNTIME_LIFECYCLE[runtime as keyof typeof RUNTIME_LIFECYCLE] as Record<string, string> | undefined;
      if (!known) continue;
      for (const date of dates)
        expect({ runtime, date, known: Object.values(known).includes(date) }).toEqual({ runtime, date, known: true });
    }
  });
});
