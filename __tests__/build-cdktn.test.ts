import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { makeTempDir, removeDir } from "./helpers/synth";

// The CDK Terrain build (scripts/build-cdktn.js): dist/modules copied to dist/cdktn/modules with
// its imports pointed at cdktn and @cdktn/provider-aws. The consumer-cdktn e2e lane installs,
// type-checks and synthesizes the result in a real cdktn app; these tests pin the rewrite itself.

const ROOT = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without declarations: the cast says what the tests call
const buildCdktn = require("../scripts/build-cdktn.js") as {
  rewrite(text: string, fromFile: string, toFile: string, sourceRoot?: string, targetRoot?: string): string;
  cdktfSpecifiers(text: string): string[];
};
const SOURCE = path.join("/pkg", "dist", "modules");
const TARGET = path.join("/pkg", "dist", "cdktn", "modules");
const rewriteAt = (text: string, file = "sqs-worker/x.js") =>
  buildCdktn.rewrite(text, path.join(SOURCE, file), path.join(TARGET, file), SOURCE, TARGET);

/** What the rewritten bound-provider.js exports. */
type RewrittenBoundProvider = {
  boundProvider(): { bindings: string; bindingsVersion: string; awsVersion: string };
};

/** Compiled JavaScript of a source file under modules/, as tsc -p tsconfig.build.json writes it. */
function compiled(relative: string): string {
  const source = fs.readFileSync(path.join(ROOT, relative), "utf8");
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}

describe("the CDK Terrain build's rewrite", () => {
  test("points cdktf and @cdktf/provider-aws imports at cdktn and @cdktn/provider-aws, in JavaScript and declarations", () => {
    const js = 'const cdktf_1 = require("cdktf");\nconst q = require("@cdktf/provider-aws/lib/sqs-queue");\n';
    expect(rewriteAt(js)).toBe(
      'const cdktf_1 = require("cdktn");\nconst q = require("@cdktn/provider-aws/lib/sqs-queue");\n',
    );
    const dts =
      'import { TerraformStack } from "cdktf";\nexport declare const q: import("@cdktf/provider-aws/lib/sqs-queue").SqsQueue;\n';
    expect(rewriteAt(dts, "sqs-worker/x.d.ts")).toBe(
      'import { TerraformStack } from "cdktn";\nexport declare const q: import("@cdktn/provider-aws/lib/sqs-queue").SqsQueue;\n',
    );
  });

  test("keeps imports inside modules/ on the copy and points those outside (lambda-src, shared by both builds) at the one file", () => {
    const js = 'require("./names");\nrequire("../app");\nrequire("../../lambda-src/worker-settings");\n';
    expect(rewriteAt(js)).toBe(
      'require("./names");\nrequire("../app");\nrequire("../../../lambda-src/worker-settings");\n',
    );
  });

  test("changes no other string: the ManagedBy tag stays cdktf, so a migrated app plans no change", () => {
    const js = 'tags: { ManagedBy: "cdktf" }; const outdir = "cdktf.out"; require("constructs");\n';
    expect(rewriteAt(js)).toBe(js);
  });

  test("names the bindings package as a value too (the bound provider's label)", () => {
    expect(rewriteAt('const BINDINGS = "@cdktf/provider-aws";\n')).toBe('const BINDINGS = "@cdktn/provider-aws";\n');
  });

  test("fails on a cdktf package it has no CDK Terrain name for, naming the file and the import", () => {
    expect(() => rewriteAt('require("@cdktf/hcl2json");\n', "stack-files.js")).toThrow(
      /^build-cdktn: .*dist\/modules\/stack-files\.js imports @cdktf\/hcl2json, which has no CDK Terrain name in scripts\/build-cdktn\.js$/,
    );
  });

  test("every file under modules/ compiles to JavaScript the rewrite takes, with no cdktf import left", () => {
    const files = fs
      .readdirSync(path.join(ROOT, "modules"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && f !== "internal.ts");
    expect(files.length).toBeGreaterThan(20);
    const importing = files.filter((file) =>
      /require\("(cdktf|@cdktf\/provider-aws[^"]*)"\)/.test(compiled(path.join("modules", file))),
    );
    expect(importing).toEqual(
      expect.arrayContaining(["sqs-worker/sqs-worker.ts", "service-stack.ts", "sqs-worker/bound-provider.ts"]),
    );
    for (const file of files) {
      const text = rewriteAt(compiled(path.join("modules", file)), file.replace(/\.ts$/, ".js"));
      expect({ file, left: buildCdktn.cdktfSpecifiers(text) }).toEqual({ file, left: [] });
    }
  });
});

describe("the bound provider in the CDK Terrain build", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir("build-cdktn");
  });
  afterEach(() => removeDir(dir));

  /** The cdktn build's bound-provider.js in a package at `dir`, loaded fresh. */
  function loadRewrittenBoundProvider(): RewrittenBoundProvider {
    const from = path.join(dir, "dist", "modules", "sqs-worker", "bound-provider.js");
    const to = path.join(dir, "dist", "cdktn", "modules", "sqs-worker", "bound-provider.js");
    const text = buildCdktn.rewrite(
      compiled("modules/sqs-worker/bound-provider.ts"),
      from,
      to,
      path.join(dir, "dist", "modules"),
      path.join(dir, "dist", "cdktn", "modules"),
    );
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, text);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file written by the test, loaded at run time
    return require(to) as RewrittenBoundProvider;
  }

  test("reads which hashicorp/aws version @cdktn/provider-aws targets, and names it", () => {
    // @cdktn/provider-aws 25.7.0's package.json: the provider block under `cdktn`, and under `cdktf` as well.
    const bindings = path.join(dir, "node_modules", "@cdktn", "provider-aws");
    fs.mkdirSync(bindings, { recursive: true });
    const block = { provider: { name: "registry.terraform.io/hashicorp/aws", version: "6.66.0" } };
    fs.writeFileSync(
      path.join(bindings, "package.json"),
      JSON.stringify({ name: "@cdktn/provider-aws", version: "25.7.0", cdktn: block, cdktf: block }),
    );
    expect(loadRewrittenBoundProvider().boundProvider()).toEqual({
      bindings: "@cdktn/provider-aws",
      bindingsVersion: "25.7.0",
      awsVersion: "6.66.0",
    });
  });

  test("without @cdktn/provider-aws says that is what is missing (even where @cdktf/provider-aws is installed)", () => {
    // This repository's node_modules holds @cdktf/provider-aws 20.1.0; the cdktn build must not read it.
    const link = path.join(dir, "node_modules");
    fs.symlinkSync(path.join(ROOT, "node_modules"), link);
    expect(() => loadRewrittenBoundProvider().boundProvider()).toThrow("(is @cdktn/provider-aws installed?)");
  });
});
