import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { tempDirsRemovedAfterAll } from "./helpers/synth";

// The shipped loader (register.js, `node -r sqs-worker-cdktf/register main.ts`), run as a
// consumer's cdktf.json runs it: a separate Node process in an app folder.
const ROOT = path.resolve(__dirname, "..");
const REGISTER = path.join(ROOT, "register.js");
const run = promisify(execFile);
const tempDir = tempDirsRemovedAfterAll();

/** The compilerOptions of today's `cdktf init --template=typescript` that change emitted code. */
const CDKTF_TEMPLATE_TSCONFIG = `{
  // as the template writes it: comments and a trailing comma are allowed
  "compilerOptions": { "alwaysStrict": true, "experimentalDecorators": true, "module": "CommonJS", "strict": true, "target": "ES2018", },
  "include": ["**/*.ts"],
  "exclude": ["node_modules", "cdktf.out"]
}`;

/**
 * A base class that sets a field in its constructor and a subclass that only declares it: under
 * TypeScript's rules for target ES2018 the declaration emits nothing (the value stays); with
 * ES2022 class fields it is redefined as undefined. The output says which semantics ran.
 */
const CLASS_FIELDS = `
class Base { name: string | undefined; constructor() { this.name = "set by base"; } }
export class Child extends Base { declare other: string; name!: string; }
`;

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

async function runApp(dir: string, preload = REGISTER): Promise<string> {
  const { stdout } = await run(process.execPath, ["-r", preload, "main.ts"], { cwd: dir });
  return stdout.trim();
}

describe("sqs-worker-cdktf/register", () => {
  test("is the package's ./register export, resolvable by name (this repository's cdktf.json and npm run synth use it so)", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
      files: string[];
    };
    expect(manifest.exports["./register"]).toBe("./register.js");
    expect(manifest.files).toContain("register.js");
    expect(require.resolve("sqs-worker-cdktf/register", { paths: [ROOT] })).toBe(REGISTER);
    expect((JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string }).app).toBe(
      "node -r sqs-worker-cdktf/register main.ts",
    );
  });

  test("runs main.ts and the TypeScript files it imports, type errors and all (type-checking is tsc --noEmit's job)", async () => {
    const app = tempDir("register-app");
    writeFiles(app, {
      "tsconfig.json": CDKTF_TEMPLATE_TSCONFIG,
      "main.ts": `import { greet } from "./lib/greet";\nconst wrong: number = "not a number" as any as string as any;\nconsole.log(greet("app"), typeof wrong);`,
      "lib/greet.ts": `export function greet(who: string): string { const unused: string = 42 as unknown as string; void unused; return \`hello \${who}\`; }`,
    });
    expect(await runApp(app)).toBe("hello app string");
  });

  test("follows the app's tsconfig.json: the cdktf template's ES2018 target keeps TypeScript's class field semantics, ES2022 uses JavaScript's", async () => {
    const template = tempDir("register-es2018");
    writeFiles(template, {
      "tsconfig.json": CDKTF_TEMPLATE_TSCONFIG,
      "main.ts": `${CLASS_FIELDS}\nconsole.log(new Child().name);`,
    });
    expect(await runApp(template)).toBe("set by base");

    const modern = tempDir("register-es2022");
    writeFiles(modern, {
      "tsconfig.json": `{ "compilerOptions": { "target": "ES2022" } }`,
      "main.ts": `${CLASS_FIELDS}\nconsole.log(new Child().name);`,
    });
    expect(await runApp(modern)).toBe("undefined");
  });

  test("applies alwaysStrict from tsconfig.json as tsc does ('use strict' in every file)", async () => {
    const app = tempDir("register-strict");
    writeFiles(app, {
      "tsconfig.json": CDKTF_TEMPLATE_TSCONFIG,
      "main.ts": `console.log((function (this: unknown) { return this === undefined; })());`,
    });
    expect(await runApp(app)).toBe("true");
  });

  test("transpiles .ts files inside node_modules with their package's own tsconfig.json, not the app's", async () => {
    const app = tempDir("register-node-modules");
    writeFiles(app, {
      "tsconfig.json": CDKTF_TEMPLATE_TSCONFIG,
      "main.ts": `import { Child } from "ts-package";\nconsole.log(new Child().name);`,
      "node_modules/ts-package/package.json": `{ "name": "ts-package", "version": "1.0.0", "main": "index.ts" }`,
      "node_modules/ts-package/tsconfig.json": `{ "compilerOptions": { "target": "ES2022" } }`,
      "node_modules/ts-package/index.ts": CLASS_FIELDS,
    });
    expect(await runApp(app)).toBe("undefined");
  });

  test("does not apply tsconfig path aliases: Node resolves the import and fails naming it", async () => {
    const app = tempDir("register-paths");
    writeFiles(app, {
      "tsconfig.json": `{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["lib/*"] } } }`,
      "main.ts": `import { x } from "@lib/x";\nconsole.log(x);`,
      "lib/x.ts": `export const x = 1;`,
    });
    await expect(runApp(app)).rejects.toMatchObject({
      stderr: expect.stringContaining("Cannot find module '@lib/x'") as string,
    });
  });

  describe("its transpile cache (node_modules/.cache/sqs-worker-cdktf/ts of the app the package is installed in)", () => {
    /** An app with the package installed as a consumer has it: register.js in node_modules/sqs-worker-cdktf, esbuild beside it. */
    function installedApp(): { app: string; cacheDir: string; preload: string } {
      const app = tempDir("register-cache");
      writeFiles(app, {
        "tsconfig.json": CDKTF_TEMPLATE_TSCONFIG,
        "main.ts": `import { answer } from "./lib/answer";\nconsole.log(answer(), Object.keys(require.cache).some((file) => file.includes(\`\${require("path").sep}esbuild\${require("path").sep}\`)));`,
        "lib/answer.ts": `export const answer = (): number => 42;`,
      });
      const preload = path.join(app, "node_modules", "sqs-worker-cdktf", "register.js");
      fs.mkdirSync(path.dirname(preload), { recursive: true });
      fs.copyFileSync(REGISTER, preload);
      fs.symlinkSync(path.join(ROOT, "node_modules", "esbuild"), path.join(app, "node_modules", "esbuild"));
      return { app, cacheDir: path.join(app, "node_modules", ".cache", "sqs-worker-cdktf", "ts"), preload };
    }

    test("a second run of an unchanged app gives the same result without loading esbuild", async () => {
      const { app, cacheDir, preload } = installedApp();
      expect(await runApp(app, preload)).toBe("42 true");
      expect(fs.readdirSync(cacheDir)).toHaveLength(2);
      expect(await runApp(app, preload)).toBe("42 false");
    });

    test("an edited file is transpiled again, never served from the cache", async () => {
      const { app, preload } = installedApp();
      expect(await runApp(app, preload)).toBe("42 true");
      fs.writeFileSync(path.join(app, "lib", "answer.ts"), `export const answer = (): number => 43;`);
      expect(await runApp(app, preload)).toBe("43 true");
    });

    test("an altered or torn entry is ignored and rewritten, not run", async () => {
      const { app, cacheDir, preload } = installedApp();
      await runApp(app, preload);
      const entries = fs.readdirSync(cacheDir).map((file) => path.join(cacheDir, file));
      for (const entry of entries) {
        const text = fs.readFileSync(entry, "utf8");
        fs.writeFileSync(entry, `${text.slice(0, text.indexOf("\n") + 1)}console.log("tampered"); process.exit(0);`);
      }
      fs.writeFileSync(entries[0], fs.readFileSync(entries[0]).subarray(0, 30));
      expect(await runApp(app, preload)).toBe("42 true");
      expect(await runApp(app, preload)).toBe("42 false");
    });
  });

  test("scripts/register-ts.js, this repository's older preload path, is the same loader", async () => {
    const app = tempDir("register-old-path");
    writeFiles(app, {
      "tsconfig.json": CDKTF_TEMPLATE_TSCONFIG,
      "main.ts": `${CLASS_FIELDS}\nconsole.log(new Child().name);`,
    });
    expect(await runApp(app, path.join(ROOT, "scripts", "register-ts.js"))).toBe("set by base");
  });
});
