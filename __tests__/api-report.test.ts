import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkReports, entryPoints, generateReports, ROOT, UPDATE_COMMAND } from "../tools/api-report";

// The public API is recorded in api/ (one report per entry point of package.json's exports) and
// reviewed as a diff: a change of the declarations a consumer compiles against fails here until
// `npm run api:update` rewrites the report.

const source = (relative: string) => path.join(ROOT, relative);
const read = (relative: string) => fs.readFileSync(source(relative), "utf8");

test("every entry point's API report in api/ is what its published declarations say", () => {
  const problems = checkReports(generateReports());
  if (problems.length > 0) throw new Error(`The API reports are out of date:\n\n${problems.join("\n\n")}`);
});

test("the reports cover the three entry points, and the main one no longer holds the app wiring or internals", () => {
  expect(entryPoints().map((e) => [e.importName, e.report])).toEqual([
    ["sqs-worker-cdktf", "api/sqs-worker-cdktf.api.md"],
    ["sqs-worker-cdktf/app", "api/sqs-worker-cdktf-app.api.md"],
    ["sqs-worker-cdktf/worker", "api/sqs-worker-cdktf-worker.api.md"],
  ]);
  const main = read("api/sqs-worker-cdktf.api.md");
  for (const name of [
    "ServiceStack",
    "addServiceStacks",
    "settingsFromEnv",
    "ResolvedSqsWorkerConfig",
    "LambdaBundle",
    "readonly config:",
    "readonly bundle:",
  ]) {
    expect({ name, inMainReport: main.includes(name) }).toEqual({ name, inMainReport: false });
  }
  expect(read("api/sqs-worker-cdktf-app.api.md")).toContain(
    "export declare class ServiceStack extends TerraformStack {",
  );
});

test("a change of the public surface fails the check, naming the report and the command that updates it", () => {
  const generated = generateReports(ROOT, {
    // An export added to the main entry, one removed from /app, a signature changed in /worker.
    [source("modules/index.ts")]: `${read("modules/index.ts")}export { deriveNames } from "./sqs-worker/names";\n`,
    [source("modules/app-entry.ts")]: read("modules/app-entry.ts").replace(/^\s*collectWarnings,\n/m, ""),
    [source("lambda-src/worker.ts")]: read("lambda-src/worker.ts").replace(
      "export function isFifoBatch(event: SQSEvent): boolean",
      "export function isFifoBatch(event: SQSEvent, strict?: boolean): boolean",
    ),
  });
  const problems = checkReports(generated);
  expect(problems.map((p) => p.split(" ")[0])).toEqual([
    "api/sqs-worker-cdktf.api.md",
    "api/sqs-worker-cdktf-app.api.md",
    "api/sqs-worker-cdktf-worker.api.md",
  ]);
  for (const problem of problems)
    expect(problem).toContain(
      `differs from the declarations: the public API changed. If that is intended, run \`${UPDATE_COMMAND}\``,
    );
  expect(generated.reports["api/sqs-worker-cdktf.api.md"]).toContain("export declare function deriveNames(");
  expect(generated.reports["api/sqs-worker-cdktf-app.api.md"]).not.toContain("collectWarnings");
  expect(generated.reports["api/sqs-worker-cdktf-worker.api.md"]).toContain(
    "isFifoBatch(event: SQSEvent, strict?: boolean): boolean",
  );
});

test("an internal type reached through a public member is refused: export it, or tag the member @internal", () => {
  const construct = read("modules/sqs-worker/sqs-worker.ts");
  const withoutTag = construct.replace(/^\s*\* @internal for this repository's tests.*$/m, "");
  expect(withoutTag).not.toBe(construct);
  const problems = checkReports(generateReports(ROOT, { [source("modules/sqs-worker/sqs-worker.ts")]: withoutTag }));
  expect(problems).toContain(
    "sqs-worker-cdktf: ResolvedSqsWorkerConfig (dist/modules/sqs-worker/resolve-config.d.ts) is used by the public surface but exported by no entry point: export it, or tag the member that uses it @internal",
  );
});

test("package.json gives every subpath's types to TypeScript's node10 resolution too (typesVersions), as cdktf's template resolves", () => {
  const pkg = JSON.parse(read("package.json")) as {
    exports: Record<string, { types: string }>;
    typesVersions: Record<string, Record<string, string[]>>;
    types: string;
  };
  // A bare-path export (./register, the loader) has no types to give.
  const subpaths = Object.entries(pkg.exports).filter(
    ([subpath, conditions]) => subpath !== "." && typeof conditions !== "string",
  );
  expect(Object.fromEntries(subpaths.map(([subpath, c]) => [subpath.slice(2), [c.types.slice(2)]]))).toEqual(
    pkg.typesVersions["*"],
  );
  expect(`./${pkg.types}`).toBe(pkg.exports["."].types);
});

test("npm run api:update answers --help and refuses an unknown option (exit 2)", () => {
  const [node, ...args] = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts[
    "api:update"
  ].split(" ");
  expect(node).toBe("node");
  const help = spawnSync(process.execPath, [...args, "--help"], { cwd: ROOT, encoding: "utf8" });
  expect({ status: help.status, usage: help.stdout.split("\n")[0] }).toEqual({
    status: 0,
    usage: "usage: npm run api:update [-- --help]",
  });
  const wrong = spawnSync(process.execPath, [...args, "--frobnicate"], { cwd: ROOT, encoding: "utf8" });
  expect({ status: wrong.status, stderr: wrong.stderr.trim() }).toEqual({
    status: 2,
    stderr:
      "api:update: unknown option --frobnicate. usage: npm run api:update [-- --help] (--help lists every option)",
  });
});
