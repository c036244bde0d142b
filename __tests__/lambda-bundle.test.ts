import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_SERVICES } from "../examples/services";
import { Testing, TerraformStack } from "cdktf";
import { SqsWorker, bundleLambda } from "../modules/internal";
import { readHandlerExport } from "../modules/sqs-worker/handler-export";
import { createReproducibleZip, crc32 } from "../modules/sqs-worker/reproducible-zip";
import { tempDirsRemovedAfterAll } from "./helpers/synth";

const ROOT = path.resolve(__dirname, "..");
const ORDERS_ENTRY = path.join(ROOT, "lambda-src", "orders.ts");
const tempDir = tempDirsRemovedAfterAll();

/** A copy of lambda-src/ at `dir`/<nested>, with node_modules reachable, as another checkout would have. */
function copyOfLambdaSrc(dir: string, nested: string): string {
  const target = path.join(dir, nested, "lambda-src");
  fs.cpSync(path.join(ROOT, "lambda-src"), target, { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, nested, "node_modules"));
  return path.join(target, "orders.ts");
}

describe("the worker bundle", () => {
  test("is the same bytes from two checkouts in different folders with different file times", () => {
    const a = copyOfLambdaSrc(tempDir("bundle-a"), "one");
    const b = copyOfLambdaSrc(tempDir("bundle-b"), "two/levels");
    fs.utimesSync(b, new Date("2031-05-05T05:05:05Z"), new Date("2031-05-05T05:05:05Z"));
    const first = bundleLambda(a, tempDir("out-a"));
    const second = bundleLambda(b, tempDir("out-b"));
    expect(first.sha256Hex).toBe(second.sha256Hex);
    expect(fs.readFileSync(first.zipPath).equals(fs.readFileSync(second.zipPath))).toBe(true);
  });

  test("is built again, with another hash, when a source file changes", () => {
    const dir = tempDir("bundle-changed");
    const entry = copyOfLambdaSrc(dir, "x");
    const out = tempDir("out-c");
    const before = bundleLambda(entry, out);
    expect(bundleLambda(entry, out)).toBe(before);
    fs.appendFileSync(path.join(path.dirname(entry), "worker.ts"), "\nconsole.log('changed');\n");
    const after = bundleLambda(entry, out);
    expect(after.sha256Hex).not.toBe(before.sha256Hex);
    expect(fs.existsSync(after.zipPath)).toBe(true);
  });

  test("has a source_code_hash that is the base64 SHA-256 of exactly the zip on disk", () => {
    const bundle = bundleLambda(ORDERS_ENTRY, tempDir("out-hash"));
    const bytes = fs.readFileSync(bundle.zipPath);
    expect(bundle.sourceCodeHash).toBe(createHash("sha256").update(bytes).digest("base64"));
    expect(bundle.sizeBytes).toBe(bytes.length);
  });

  test("does not depend on a tsconfig.json near the entry (a consumer's, or none inside node_modules)", () => {
    const plain = copyOfLambdaSrc(tempDir("bundle-no-tsconfig"), "app");
    const withTsconfig = copyOfLambdaSrc(tempDir("bundle-tsconfig"), "app");
    fs.writeFileSync(
      path.join(path.dirname(withTsconfig), "..", "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { alwaysStrict: false, strict: false, target: "ES5", useDefineForClassFields: false },
      }),
    );
    const a = bundleLambda(plain, tempDir("out-plain"));
    const b = bundleLambda(withTsconfig, tempDir("out-tsconfig"));
    expect(b.sha256Hex).toBe(a.sha256Hex);
  });

  test("differs per example service: each ships its own worker code", () => {
    const out = tempDir("out-examples");
    const hashes = Object.values(EXAMPLE_SERVICES).map((worker) => bundleLambda(worker.lambda.entry, out).sha256Hex);
    expect(new Set(hashes).size).toBe(Object.keys(EXAMPLE_SERVICES).length);
  });

  test("stays small: under 100 KB", () => {
    expect(bundleLambda(ORDERS_ENTRY, tempDir("out-size")).sizeBytes).toBeLessThan(100 * 1024);
  });
});

describe("an entry that cannot work", () => {
  const entryWith = (name: string, code: string) => {
    const dir = tempDir("bad-entry");
    fs.writeFileSync(path.join(dir, name), code);
    return path.join(dir, name);
  };

  test("a syntax error is one line with esbuild's first message and where", () => {
    const entry = entryWith("broken.ts", "export const handler = async ( => 1;\n");
    expect(() => bundleLambda(entry, tempDir("out-broken"))).toThrow(
      /^cannot be bundled: broken\.ts:1:\d+: Unexpected "=>"$/,
    );
  });

  test("an unresolved import is one line naming the import", () => {
    const entry = entryWith("missing.ts", 'import { x } from "./nowhere";\nexport const handler = async () => x;\n');
    expect(() => bundleLambda(entry, tempDir("out-missing"))).toThrow(
      /^cannot be bundled: .*missing\.ts:1:\d+: Could not resolve "\.\/nowhere"$/,
    );
  });

  test("an entry without a handler export is refused, naming what it exports", () => {
    const entry = entryWith("nohandler.ts", "export const handle = async () => undefined;\nexport const other = 1;\n");
    expect(() => bundleLambda(entry, tempDir("out-nohandler"))).toThrow(
      "does not export `handler` (its exports: handle, other); Lambda calls index.handler",
    );
  });

  test("a CommonJS entry (exports.handler) is accepted: its exports cannot be read statically", () => {
    const entry = entryWith("cjs.js", "exports.handler = async () => ({ batchItemFailures: [] });\n");
    expect(bundleLambda(entry, tempDir("out-cjs")).sizeBytes).toBeGreaterThan(0);
  });
});

const HANDLER_FIXTURES = path.join(__dirname, "fixtures", "handler-exports");

/** The fixtures of one folder, each with the one-line error its first line expects (`// expect: ...`). */
function handlerFixtures(folder: "refused" | "accepted"): [string, string, string | undefined][] {
  return fs
    .readdirSync(path.join(HANDLER_FIXTURES, folder))
    .sort()
    .map((file) => {
      const entry = path.join(HANDLER_FIXTURES, folder, file);
      const expected = /^\/\/ expect: (.*)$/m.exec(fs.readFileSync(entry, "utf8"))?.[1];
      return [file, entry, expected];
    });
}

describe("the handler export, read without running the entry", () => {
  test("the fixtures cover what the issue lists: the literals, a class, undefined, and functions and calls accepted", () => {
    const names = (folder: "refused" | "accepted") =>
      handlerFixtures(folder).map(([file]) => file.replace(/\.ts$/, ""));
    expect(names("refused")).toEqual(
      expect.arrayContaining([
        "string-literal",
        "number-literal",
        "boolean-literal",
        "null",
        "template-literal",
        "regular-expression",
        "object-literal",
        "array-literal",
        "class",
        "undefined",
        "void-zero",
        "declared-without-value",
        "aliased-export",
      ]),
    );
    expect(names("accepted")).toEqual(
      expect.arrayContaining([
        "function-declaration",
        "arrow-function",
        "async-function",
        "make-handler",
        "reassigned-let",
        "default-export-is-irrelevant",
      ]),
    );
    for (const [file, , expected] of handlerFixtures("refused"))
      expect({ file, expected }).toEqual({ file, expected: expect.any(String) as string });
  });

  test.each(handlerFixtures("refused"))("refuses %s, in one line naming what it exports", (_, entry, expected) => {
    expect(() => bundleLambda(entry, tempDir("out-refused"))).toThrow(new Error(expected));
  });

  test.each(handlerFixtures("accepted"))("accepts %s", (_, entry) => {
    expect(bundleLambda(entry, tempDir("out-accepted")).sizeBytes).toBeGreaterThan(0);
  });

  /** An app folder whose node_modules holds `acme-workers`, a package exporting a handler. */
  const appWithPackage = (code: string) => {
    const dir = tempDir("handler-package");
    const pkg = path.join(dir, "node_modules", "acme-workers");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(
      path.join(pkg, "package.json"),
      JSON.stringify({ name: "acme-workers", version: "1.0.0", main: "index.js" }),
    );
    fs.writeFileSync(path.join(pkg, "index.js"), "exports.handler = async () => ({ batchItemFailures: [] });\n");
    fs.writeFileSync(path.join(dir, "worker.ts"), code);
    return path.join(dir, "worker.ts");
  };

  test.each([
    ["a named re-export", 'export { handler } from "acme-workers";\n'],
    [
      "an imported binding exported under the name",
      'import { handler as shared } from "acme-workers";\nexport const handler = shared;\n',
    ],
    ["a star re-export, which may carry it (undecidable, so accepted)", 'export * from "acme-workers";\n'],
  ])("accepts a handler from a package: %s", (_, code) => {
    expect(bundleLambda(appWithPackage(code), tempDir("out-package")).sizeBytes).toBeGreaterThan(0);
  });

  test("never runs the entry: its top-level code has no effect at synth", () => {
    const dir = tempDir("handler-side-effect");
    const marker = path.join(dir, "ran");
    fs.writeFileSync(
      path.join(dir, "worker.ts"),
      `import * as fs from "fs";\nfs.writeFileSync(${JSON.stringify(marker)}, "ran");\nexport const handler = "x";\n`,
    );
    expect(() => bundleLambda(path.join(dir, "worker.ts"), tempDir("out-side-effect"))).toThrow(
      "exports `handler` as a string literal, not a function",
    );
    expect(fs.existsSync(marker)).toBe(false);
  });

  test("through SqsWorker, the problem is one line naming the service, lambda.entry and the file, with the others", () => {
    const entry = path.join(HANDLER_FIXTURES, "refused", "string-literal.ts");
    let error: unknown;
    try {
      new SqsWorker(new TerraformStack(Testing.app(), "s"), "Worker", {
        serviceName: "orders",
        lambda: { entry },
        alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
        deadLetterQueue: { maxReceiveCount: 0 },
      });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message.split("\n")).toEqual([
      "Invalid SqsWorker configuration (2 problems):",
      "  - orders: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)",
      `  - orders: lambda.entry exports \`handler\` as a string literal, not a function; Lambda calls index.handler (given ${JSON.stringify(entry)})`,
    ]);
  });
});

describe("readHandlerExport, on esbuild's ES module output", () => {
  const read = (code: string) => readHandlerExport(code, "handler");

  test.each([
    ['var h = "x";\nexport { h as "handler" };\n', "a string literal"],
    ["var a = 1;\nvar b = a;\nvar handler = b;\nexport { handler };\n", "a number literal"],
    ["var handler = typeof process;\nexport { handler };\n", "a string"],
    ["var handler = !globalThis.x;\nexport { handler };\n", "a boolean"],
    ["var handler = (0, null);\nexport { handler };\n", "null"],
    ["export var handler = 10n;\n", "a bigint literal"],
    ["class Worker {}\nexport { Worker as handler };\n", "a class"],
    ["export class handler {}\n", "a class"],
  ])("refuses %j as %s", (code, expected) => {
    expect(read(code).nonFunction).toBe(expected);
  });

  test.each([
    ["a name assigned in a for-of loop", "var handler = 1;\nfor (handler of [() => 1]) ;\nexport { handler };\n"],
    ["a name assigned by destructuring", 'var handler = "x";\n({ handler } = globalThis.impl);\nexport { handler };\n'],
    ["a destructured declaration", "var { handler } = globalThis.impl;\nexport { handler };\n"],
    ["a name declared twice", 'var handler = "x";\nfunction handler() {}\nexport { handler };\n'],
    ["an alias cycle", "var a = b;\nvar b = a;\nexport { a as handler };\n"],
    ["a global", "export var handler = globalThis.handler;\n"],
    ["`new`, which may return a function", 'export var handler = new Function("return 1");\n'],
    ["code acorn cannot parse", "export var handler = ;\n"],
  ])("accepts %s", (_, code) => {
    expect(read(code).nonFunction).toBeUndefined();
  });
});

describe("the reproducible zip writer", () => {
  test("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  test("does not depend on the order entries are given in", () => {
    const a = { name: "a.js", data: Buffer.from("a") };
    const b = { name: "b.js", data: Buffer.from("b") };
    expect(createReproducibleZip([a, b]).equals(createReproducibleZip([b, a]))).toBe(true);
  });
});
