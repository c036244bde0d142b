/**
 * npm run api:update: writes the API report of every entry point of the package (api/*.api.md),
 * the declarations a consumer compiles against, so that a change of the public surface is a
 * reviewed diff. `npm test` (__tests__/api-report.test.ts) fails while a report differs from
 * what this would write.
 *
 * The entry points are package.json's `exports` (each one's `types`, mapped back to its source).
 * The declarations are emitted in memory with tsconfig.build.json's options (so `@internal`
 * members are stripped as in the published package), then each exported declaration is printed
 * without comments, sorted by name, with the imports it needs: from other packages, and from
 * the package's other entry points. A type that the surface uses but that no entry point exports
 * is listed as such: the check refuses it (export it, or keep the member using it `@internal`).
 *
 * Written with the TypeScript compiler API rather than api-extractor, which bundles a second
 * TypeScript, runs on a built dist/ and takes one run (and config) per entry point.
 */
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { runWithoutArguments, type CliSpec } from "./shared/cli";

/** The repository this tool belongs to. */
export const ROOT = path.resolve(__dirname, "..");
/** The folder of the reports, relative to the project root. */
export const REPORT_FOLDER = "api";
/** What to run when a report is out of date. */
export const UPDATE_COMMAND = "npm run api:update";

/** One entry point of the package: `sqs-worker-cdktf/app` from `./app` in `exports`. */
export interface EntryPoint {
  /** The name a consumer imports: `sqs-worker-cdktf`, `sqs-worker-cdktf/app`... */
  readonly importName: string;
  /** The entry's source file (absolute). */
  readonly source: string;
  /** The report's path relative to the project root: `api/sqs-worker-cdktf-app.api.md`. */
  readonly report: string;
}

/**
 * The package's entry points, read from package.json's `exports` (types condition). An export
 * given as a bare path (`"./register": "./register.js"`, the TypeScript loader preloaded with
 * `node -r`) exports nothing and has no API to report.
 */
export function entryPoints(root: string = ROOT): EntryPoint[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  const withConditions = Object.entries(pkg.exports)
    .filter((entry): entry is [string, { types?: string }] => typeof entry[1] !== "string")
    // The CDK Terrain entries (sqs-worker-cdktf/cdktn, /cdktn/app) are the same declarations with
    // cdktf's module names swapped by scripts/build-cdktn.js (checked by build-cdktn.test.ts): no
    // source of their own, and a report of theirs would repeat the cdktf entries' word for word.
    .filter(([, conditions]) => !conditions.types?.startsWith("./dist/cdktn/"));
  return withConditions.map(([subpath, conditions]) => {
    const types = conditions.types;
    if (!types || !/^\.\/dist\/.+\.d\.ts$/.test(types))
      throw new Error(`package.json exports["${subpath}"] has no types under ./dist/`);
    const source = path.join(root, types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts"));
    if (!fs.existsSync(source))
      throw new Error(`package.json exports["${subpath}"].types: no source ${path.relative(root, source)}`);
    const importName = subpath === "." ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, "")}`;
    return { importName, source, report: `${REPORT_FOLDER}/${importName.replace(/\//g, "-")}.api.md` };
  });
}

/** The reports as the sources declare them: report path (relative) → text. */
export interface GeneratedReports {
  readonly reports: Record<string, string>;
  /** Names the public surface uses that no entry point exports, as `entry: Name (file)`. */
  readonly unexported: string[];
}

type Location =
  | { readonly kind: "local"; readonly file: string; readonly name: string }
  | { readonly kind: "external"; readonly module: string; readonly name: string };

const DECLARATION_KINDS = new Set([
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
]);

/** The top-level statements of a declaration file that declare `name` (overloads and merges included). */
function declarationsOf(file: ts.SourceFile, name: string): ts.Statement[] {
  return file.statements.filter((statement) => {
    if (ts.isVariableStatement(statement))
      return statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
    return DECLARATION_KINDS.has(statement.kind) && (statement as ts.DeclarationStatement).name?.getText(file) === name;
  });
}

/** Parsed source files, reused by the next call in this process while their text is unchanged. */
const parsed = new Map<string, ts.SourceFile>();

/**
 * Generates the report of every entry point. `overrides` replaces the text of source files
 * (absolute path → text) without touching the disk: the test uses it to change the surface.
 */
export function generateReports(
  root: string = ROOT,
  overrides: Readonly<Record<string, string>> = {},
): GeneratedReports {
  const entries = entryPoints(root);
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.build.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error("cannot read tsconfig.build.json");
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    incremental: false,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => overrides[path.resolve(fileName)] ?? readFile(fileName);
  // Parsed files are kept for the next call in this process while their text is unchanged
  // (parsing the ~900 files, most of them the AWS SDK's declarations, is most of the cost).
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const text = host.readFile(fileName);
    if (text === undefined) {
      onError?.(`cannot read ${fileName}`);
      return undefined;
    }
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    const cached = parsed.get(key);
    if (cached?.text === text) return cached;
    const file = ts.createSourceFile(fileName, text, languageVersion, true);
    parsed.set(key, file);
    return file;
  };
  const program = ts.createProgram({ rootNames: entries.map((e) => e.source), options, host });
  const outDir = path.resolve(options.outDir ?? root);
  const rootDir = path.resolve(options.rootDir ?? root);
  const declarationPath = (source: string) =>
    path.join(outDir, path.relative(rootDir, source)).replace(/\.ts$/, ".d.ts");
  const sourcePath = (declaration: string) =>
    path.join(rootDir, path.relative(outDir, declaration)).replace(/\.d\.ts$/, ".ts");

  // The declarations the build would publish, in memory (dist path → parsed file), emitted
  // file by file as the surface reaches them: the same text as a whole build, for less work.
  const emitted = new Map<string, ts.SourceFile>();
  function declarationsFor(file: string): ts.SourceFile | undefined {
    if (!emitted.has(file)) {
      const source = program.getSourceFile(sourcePath(file));
      if (!source) return undefined;
      const result = program.emit(
        source,
        (fileName, text) => {
          if (fileName.endsWith(".d.ts"))
            emitted.set(path.resolve(fileName), ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true));
        },
        undefined,
        true,
      );
      const problems = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (problems.length > 0)
        throw new Error(
          ts.formatDiagnostics(problems, {
            getCanonicalFileName: (f) => f,
            getCurrentDirectory: () => root,
            getNewLine: () => "\n",
          }),
        );
    }
    return emitted.get(file);
  }

  /** Resolves a relative module specifier of an emitted declaration file. */
  function resolveRelative(from: string, specifier: string): string {
    const base = path.resolve(path.dirname(from), specifier);
    for (const candidate of [`${base}.d.ts`, path.join(base, "index.d.ts")])
      if (declarationsFor(candidate)) return candidate;
    throw new Error(`${path.relative(root, from)}: cannot resolve ${specifier} among the emitted declarations`);
  }

  /** Where `name`, as visible at the top level of `file`, is declared; undefined for a global. */
  function locate(file: string, name: string, seen = new Set<string>()): Location | undefined {
    const key = `${file}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const sf = declarationsFor(file);
    if (!sf) throw new Error(`no emitted declarations for ${path.relative(root, file)}`);
    if (declarationsOf(sf, name).length > 0) return { kind: "local", file, name };
    const follow = (specifier: string, imported: string): Location | undefined =>
      specifier.startsWith(".")
        ? locate(resolveRelative(file, specifier), imported, seen)
        : { kind: "external", module: specifier, name: imported };
    for (const statement of sf.statements) {
      if (
        ts.isImportDeclaration(statement) &&
        ts.isStringLiteral(statement.moduleSpecifier) &&
        statement.importClause
      ) {
        const specifier = statement.moduleSpecifier.text;
        const clause = statement.importClause;
        if (clause.name?.text === name) return follow(specifier, "default");
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === name)
          return { kind: "external", module: specifier, name: "*" };
        if (bindings && ts.isNamedImports(bindings)) {
          const element = bindings.elements.find((e) => e.name.text === name);
          if (element) return follow(specifier, (element.propertyName ?? element.name).text);
        }
      }
      if (ts.isExportDeclaration(statement)) {
        const specifier =
          statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
            ? statement.moduleSpecifier.text
            : undefined;
        if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
          const element = statement.exportClause.elements.find((e) => e.name.text === name);
          if (element) {
            const local = (element.propertyName ?? element.name).text;
            return specifier ? follow(specifier, local) : locate(file, local, seen);
          }
        } else if (!statement.exportClause && specifier?.startsWith(".")) {
          const found = locate(resolveRelative(file, specifier), name, seen);
          if (found) return found;
        }
      }
    }
    return undefined;
  }

  /** The names an entry's declaration file exports (local, re-exported, `export *`); typeOnly for `export type`. */
  function exportedNames(file: string, seen = new Set<string>()): Map<string, { typeOnly: boolean }> {
    const names = new Map<string, { typeOnly: boolean }>();
    if (seen.has(file)) return names;
    seen.add(file);
    const sf = declarationsFor(file)!;
    for (const statement of sf.statements) {
      if (ts.isExportDeclaration(statement)) {
        if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
          for (const e of statement.exportClause.elements)
            names.set(e.name.text, { typeOnly: statement.isTypeOnly || e.isTypeOnly });
        } else if (
          !statement.exportClause &&
          statement.moduleSpecifier &&
          ts.isStringLiteral(statement.moduleSpecifier)
        ) {
          const specifier = statement.moduleSpecifier.text;
          if (!specifier.startsWith("."))
            throw new Error(
              `${path.relative(root, file)}: export * from "${specifier}" cannot be reported; name the exports`,
            );
          for (const [name, how] of exportedNames(resolveRelative(file, specifier), seen)) {
            if (!names.has(name)) names.set(name, { typeOnly: statement.isTypeOnly || how.typeOnly });
          }
        }
      } else if (
        ts.canHaveModifiers(statement) &&
        ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      ) {
        if (ts.isVariableStatement(statement))
          for (const d of statement.declarationList.declarations) names.set(d.name.getText(sf), { typeOnly: false });
        else if ((statement as ts.DeclarationStatement).name)
          names.set((statement as ts.DeclarationStatement).name!.getText(sf), { typeOnly: false });
      }
    }
    return names;
  }

  /** The names a declaration refers to (leftmost identifier of each type reference), minus its own type parameters. */
  function referencesOf(
    node: ts.Node,
    sf: ts.SourceFile,
  ): { names: Set<string>; importTypes: { module: string; name: string }[] } {
    const names = new Set<string>();
    const typeParameters = new Set<string>();
    const importTypes: { module: string; name: string }[] = [];
    const leftmost = (n: ts.EntityName | ts.Expression): string | undefined => {
      if (ts.isIdentifier(n)) return n.text;
      if (ts.isQualifiedName(n)) return leftmost(n.left);
      if (ts.isPropertyAccessExpression(n)) return leftmost(n.expression);
      return undefined;
    };
    const visit = (n: ts.Node): void => {
      if (ts.isTypeParameterDeclaration(n)) typeParameters.add(n.name.text);
      if (ts.isTypeReferenceNode(n)) names.add(leftmost(n.typeName)!);
      if (ts.isExpressionWithTypeArguments(n)) {
        const name = leftmost(n.expression);
        if (name) names.add(name);
      }
      if (ts.isTypeQueryNode(n)) names.add(leftmost(n.exprName)!);
      if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
        importTypes.push({ module: n.argument.literal.text, name: n.qualifier ? n.qualifier.getText(sf) : "*" });
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
    for (const p of typeParameters) names.delete(p);
    return { names, importTypes };
  }

  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const print = (statements: ts.Statement[], sf: ts.SourceFile) =>
    statements.map((s) => printer.printNode(ts.EmitHint.Unspecified, s, sf)).join("\n");

  // What each entry point exports: declaration location → public name.
  const publicNames = entries.map((entry) => {
    const file = declarationPath(entry.source);
    const located = new Map<string, { name: string; typeOnly: boolean; location: Location }>();
    for (const [name, { typeOnly }] of exportedNames(file)) {
      const location = locate(file, name);
      if (!location) throw new Error(`${entry.importName}: cannot find the declaration of ${name}`);
      located.set(name, { name, typeOnly, location });
    }
    return { entry, file, located };
  });
  const keyOf = (l: Location) => (l.kind === "local" ? `${l.file}#${l.name}` : `${l.module}#${l.name}`);
  const exportedBy = new Map<string, { importName: string; name: string }>();
  for (const { entry, located } of publicNames) {
    for (const { name, location } of located.values())
      if (!exportedBy.has(keyOf(location))) exportedBy.set(keyOf(location), { importName: entry.importName, name });
  }

  const reports: Record<string, string> = {};
  const unexported: string[] = [];
  for (const { entry, located } of publicNames) {
    const imports = new Map<string, Set<string>>();
    const addImport = (module: string, name: string) =>
      imports.set(module, (imports.get(module) ?? new Set()).add(name));
    const own = new Set([...located.values()].map((l) => keyOf(l.location)));
    const sections: string[] = [];
    const hidden: string[] = [];
    const queue: Location[] = [];
    const done = new Set<string>();

    const describe = (location: Location & { kind: "local" }) => {
      const sf = emitted.get(location.file)!;
      const statements = declarationsOf(sf, location.name);
      const references = { names: new Set<string>(), importTypes: [] as { module: string; name: string }[] };
      for (const statement of statements) {
        const found = referencesOf(statement, sf);
        for (const name of found.names) references.names.add(name);
        references.importTypes.push(...found.importTypes);
      }
      for (const name of references.names) {
        const target = locate(location.file, name);
        if (!target) continue;
        resolveReference(target);
      }
      for (const { module, name } of references.importTypes) {
        if (module.startsWith("."))
          resolveReference(
            locate(resolveRelative(location.file, module), name.split(".")[0]) ?? { kind: "external", module, name },
          );
        else addImport(module, name);
      }
      return print(statements, sf);
    };
    const resolveReference = (target: Location): void => {
      const key = keyOf(target);
      const sibling = exportedBy.get(key);
      if (own.has(key) || done.has(key)) return;
      if (target.kind === "external") addImport(target.module, target.name);
      else if (sibling) addImport(sibling.importName, sibling.name);
      else {
        done.add(key);
        queue.push(target);
      }
    };

    const reExports = new Map<string, string[]>();
    for (const { name, typeOnly, location } of [...located.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (location.kind === "external") {
        const key = `${typeOnly ? "export type" : "export"} {|} from "${location.module}";`;
        reExports.set(key, [
          ...(reExports.get(key) ?? []),
          location.name === name ? name : `${location.name} as ${name}`,
        ]);
        continue;
      }
      const text = describe(location);
      const notes = [
        ...(location.name === name ? [] : [`// exported as ${name}`]),
        // A class, function or constant exported with `export type` cannot be used as a value.
        ...(typeOnly && /^export declare (class|function|const|enum) /m.test(text)
          ? ["// exported as a type only"]
          : []),
      ];
      sections.push([...notes, text].join("\n"));
    }
    const reExportLines = [...reExports.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, names]) => key.replace("|", ` ${names.join(", ")} `));
    while (queue.length > 0) {
      const location = queue.shift() as Location & { kind: "local" };
      hidden.push(describe(location));
      unexported.push(`${entry.importName}: ${location.name} (${path.relative(root, location.file)})`);
    }

    const importLines = [...imports.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([module, names]) => `import { ${[...names].sort().join(", ")} } from "${module}";`);
    const lines = [
      `# API report: ${entry.importName}`,
      "",
      `Generated by \`${UPDATE_COMMAND}\` (tools/api-report.ts) from the declarations the package publishes for`,
      `\`${entry.importName}\` (${path.relative(root, entry.source)}); comments left out. \`npm test\` fails while this file`,
      "differs from them: a change here is a change of the public API, to be reviewed as one.",
      "",
      "```ts",
      ...(importLines.length > 0 ? [...importLines, ""] : []),
      ...(reExportLines.length > 0 ? [...reExportLines, ""] : []),
      sections.join("\n\n"),
      "```",
      ...(hidden.length > 0
        ? ["", "## Used by the surface above, but exported by no entry point", "", "```ts", hidden.join("\n\n"), "```"]
        : []),
      "",
    ];
    reports[entry.report] = lines.join("\n");
  }
  return { reports, unexported };
}

/** The first lines where two texts differ, for a message. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `  line ${i + 1}:\n    report:       ${a[i] ?? "(end of file)"}\n    declarations: ${b[i] ?? "(end of file)"}`;
}

/**
 * What is wrong with the committed reports: a report that differs from the declarations or is
 * missing, a report of no entry point, a type the surface uses that no entry point exports.
 * Empty when all is well. Each problem says what to do.
 */
export function checkReports(generated: GeneratedReports, root: string = ROOT): string[] {
  const problems: string[] = [];
  for (const [report, text] of Object.entries(generated.reports)) {
    const file = path.join(root, report);
    if (!fs.existsSync(file)) {
      problems.push(`${report} is missing: run \`${UPDATE_COMMAND}\` and commit it`);
      continue;
    }
    const committed = fs.readFileSync(file, "utf8");
    if (committed !== text) {
      problems.push(
        `${report} differs from the declarations: the public API changed. If that is intended, run \`${UPDATE_COMMAND}\` and commit the report with the change (it is the API's reviewed diff).\n${firstDifference(committed, text)}`,
      );
    }
  }
  const folder = path.join(root, REPORT_FOLDER);
  for (const file of fs.existsSync(folder) ? fs.readdirSync(folder) : []) {
    const report = `${REPORT_FOLDER}/${file}`;
    if (file.endsWith(".api.md") && !(report in generated.reports))
      problems.push(
        `${report} reports no entry point of package.json's exports: delete it (\`${UPDATE_COMMAND}\` does)`,
      );
  }
  for (const name of generated.unexported) {
    problems.push(
      `${name} is used by the public surface but exported by no entry point: export it, or tag the member that uses it @internal`,
    );
  }
  return problems;
}

/** Writes every report and deletes the reports of entry points that no longer exist. */
export function writeReports(generated: GeneratedReports, root: string = ROOT): string[] {
  const folder = path.join(root, REPORT_FOLDER);
  fs.mkdirSync(folder, { recursive: true });
  for (const file of fs.readdirSync(folder)) {
    if (file.endsWith(".api.md") && !(`${REPORT_FOLDER}/${file}` in generated.reports))
      fs.rmSync(path.join(folder, file));
  }
  const changed: string[] = [];
  for (const [report, text] of Object.entries(generated.reports)) {
    const file = path.join(root, report);
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) changed.push(report);
    fs.writeFileSync(file, text);
  }
  return changed;
}

/** `npm run api:update` takes no options; `--help` says what it does. */
export const API_REPORT_CLI: CliSpec = {
  usage: "npm run api:update [-- --help]",
  summary: `Rewrites the API reports (${REPORT_FOLDER}/*.api.md) of the package's entry points from their declarations; npm test fails while they differ.`,
  options: {},
};

if (require.main === module) {
  runWithoutArguments(API_REPORT_CLI, process.argv.slice(2), "api:update", () => {
    const generated = generateReports();
    const changed = writeReports(generated);
    process.stdout.write(changed.length > 0 ? `updated ${changed.join(", ")}\n` : `${REPORT_FOLDER}/ is up to date\n`);
    for (const name of generated.unexported)
      process.stderr.write(`warning: ${name} is used by the public surface but exported by no entry point\n`);
  });
}
