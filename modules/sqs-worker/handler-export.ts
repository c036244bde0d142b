import { parse, type AnyNode, type Expression, type Program } from "acorn";

/**
 * Reads, without running it, whether a worker entry's `handler` export can be what Lambda
 * calls. The input is esbuild's ES module bundle of the entry with packages left external: the
 * entry's own modules flattened into one file, TypeScript stripped, every export listed in one
 * `export { local as exported }` clause. Nothing of the user's code is executed at synth.
 */

/** What a top-level name of the bundled module is bound to. */
type Binding =
  | { readonly kind: "value"; readonly init: Expression | null }
  | { readonly kind: "class" }
  | { readonly kind: "opaque" }; // a function, an import, a destructured or twice-declared name

/** The module's top-level bindings and every name assigned anywhere in it. */
interface ModuleFacts {
  readonly bindings: ReadonlyMap<string, Binding>;
  /** Computed on first use: only a value about to be refused needs the walk over the whole module. */
  readonly assigned: () => ReadonlySet<string>;
}

/** Follows `const a = b` chains at most this far: enough for real code, bounded for cycles. */
const MAX_ALIAS_DEPTH = 16;

/** The names a binding pattern (`a`, `{ a, b: [c] }`, `...d`, `e = 1`) binds or assigns. */
function patternNames(node: AnyNode | null | undefined): string[] {
  if (!node) return [];
  switch (node.type) {
    case "Identifier":
      return [node.name];
    case "ObjectPattern":
      return node.properties.flatMap((p) => patternNames(p.type === "RestElement" ? p.argument : p.value));
    case "ArrayPattern":
      return node.elements.flatMap((e) => patternNames(e));
    case "RestElement":
      return patternNames(node.argument);
    case "AssignmentPattern":
      return patternNames(node.left);
    default:
      return []; // a member expression (`obj.x = ...`) assigns no binding
  }
}

/** Calls `visit` on every node under `node` (acorn nodes: objects with a string `type`). */
function walk(node: unknown, visit: (n: AnyNode) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
  } else if (node && typeof node === "object" && typeof (node as { type?: unknown }).type === "string") {
    visit(node as AnyNode);
    for (const [key, value] of Object.entries(node))
      if (key !== "loc" && value && typeof value === "object") walk(value, visit);
  }
}

/** The top-level bindings of `program`, and (on demand) the names it assigns anywhere. */
function moduleFacts(program: Program): ModuleFacts {
  const bindings = new Map<string, Binding>();
  const bind = (name: string, binding: Binding) =>
    bindings.set(name, bindings.has(name) ? { kind: "opaque" } : binding);
  for (const statement of program.body) {
    const node =
      statement.type === "ExportNamedDeclaration" && statement.declaration ? statement.declaration : statement;
    if (node.type === "VariableDeclaration") {
      for (const d of node.declarations) {
        if (d.id.type === "Identifier") bind(d.id.name, { kind: "value", init: d.init ?? null });
        else for (const name of patternNames(d.id)) bind(name, { kind: "opaque" });
      }
    } else if (node.type === "FunctionDeclaration") {
      bind(node.id.name, { kind: "opaque" });
    } else if (node.type === "ClassDeclaration") {
      bind(node.id.name, { kind: "class" });
    } else if (node.type === "ImportDeclaration") {
      for (const s of node.specifiers) bind(s.local.name, { kind: "opaque" });
    }
  }
  // Any assignment to a name, in any scope, makes its value undecidable here: an `export let`
  // reassigned later (or a local that shadows it) is accepted rather than guessed.
  let assigned: Set<string> | undefined;
  const assignedNames = () => {
    if (!assigned) {
      const names = new Set<string>();
      walk(program, (n) => {
        const target =
          n.type === "AssignmentExpression"
            ? n.left
            : n.type === "UpdateExpression"
              ? n.argument
              : n.type === "ForInStatement" || n.type === "ForOfStatement"
                ? n.left
                : undefined;
        if (target && target.type !== "VariableDeclaration") for (const name of patternNames(target)) names.add(name);
      });
      assigned = names;
    }
    return assigned;
  };
  return { bindings, assigned: assignedNames };
}

/** Two descriptions as one: `a string literal` for the same, `a string literal or null` otherwise. */
function either(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return undefined;
  return a === b ? a : `${a} or ${b}`;
}

/** What `a + b` gives, from what its operands are: a string when either is one. */
function plusResult(left: string | undefined, right: string | undefined): string {
  const isString = (d: string | undefined) =>
    d === "a string" || d === "a string literal" || d === "a template literal";
  const isNumber = (d: string | undefined) => d === "a number" || d === "a number literal";
  if (isString(left) || isString(right)) return "a string";
  return isNumber(left) && isNumber(right) ? "a number" : "a string or number";
}

const COMPARISONS = new Set(["==", "!=", "===", "!==", "<", "<=", ">", ">=", "in", "instanceof"]);

/**
 * What `node` evaluates to when that is statically not a function (`a string literal`,
 * `a class`, ...); undefined for a function, and for anything whose value depends on running
 * code (a call, a member, an import, `new`, `await`, a reassigned name).
 */
function describe(node: Expression | null, facts: ModuleFacts, depth = 0): string | undefined {
  if (node === null) return "undefined (declared without a value)";
  switch (node.type) {
    case "Literal":
      if (node.regex) return "a regular expression literal";
      if (node.bigint !== undefined) return "a bigint literal";
      if (node.value === null) return "null";
      return `a ${typeof node.value} literal`;
    case "TemplateLiteral":
      return "a template literal";
    case "ObjectExpression":
      return "an object literal";
    case "ArrayExpression":
      return "an array literal";
    case "ClassExpression":
      return "a class";
    case "UnaryExpression":
      if (node.operator === "void") return "undefined";
      // Whatever the operand, these operators give a primitive.
      return node.operator === "typeof"
        ? "a string"
        : node.operator === "!" || node.operator === "delete"
          ? "a boolean"
          : "a number";
    case "BinaryExpression":
      if (COMPARISONS.has(node.operator)) return "a boolean";
      if (node.operator !== "+") return "a number";
      // `+` gives a string or a number whatever its operands (an object's valueOf included).
      return plusResult(describe(node.left as Expression, facts, depth), describe(node.right, facts, depth));
    case "LogicalExpression":
      return either(describe(node.left, facts, depth), describe(node.right, facts, depth));
    case "ConditionalExpression":
      return either(describe(node.consequent, facts, depth), describe(node.alternate, facts, depth));
    case "SequenceExpression":
      return describe(node.expressions[node.expressions.length - 1], facts, depth);
    case "AssignmentExpression":
      return node.operator === "=" ? describe(node.right, facts, depth) : undefined;
    case "Identifier":
      return describeName(node.name, facts, depth + 1);
    default:
      return undefined;
  }
}

/** What the top-level name `name` holds, when statically not a function. */
function describeName(name: string, facts: ModuleFacts, depth: number): string | undefined {
  const binding = facts.bindings.get(name);
  if (!binding) return name === "undefined" ? "undefined" : undefined; // a global such as `process`: unknown
  if (depth > MAX_ALIAS_DEPTH) return undefined;
  const described =
    binding.kind === "class" ? "a class" : binding.kind === "value" ? describe(binding.init, facts, depth) : undefined;
  return described !== undefined && !facts.assigned().has(name) ? described : undefined;
}

/** The name an export specifier exports or refers to: `x` or the string of `"x"`. */
function specifierName(node: AnyNode): string {
  return node.type === "Identifier" ? node.name : String((node as { value?: unknown }).value);
}

/** The result of {@link readHandlerExport}. */
export interface HandlerExportReading {
  /** The module has `export * from "<package>"`, which may provide any name. */
  readonly reExportsAllFromPackage: boolean;
  /** What the export is when statically not a function (`a string literal`, `a class`, ...); undefined otherwise. */
  readonly nonFunction?: string;
}

/**
 * Reads the export `name` of esbuild's ES module bundle `code`.
 *
 * `nonFunction` is set, naming what the export is, when its value is statically not a function:
 * a literal (string, number, boolean, null, template, regular expression, bigint, object,
 * array), an expression that always gives a primitive (unary, arithmetic, comparison, `+`),
 * `&&`/`||`/`??`/`?:`/`,` of such values, `undefined`, `void 0`, a name declared without a value,
 * or a class (Lambda calls the handler without `new`: a TypeError). Followed through local
 * aliases (`const h = "x"; export { h as handler }`, across the entry's own files).
 *
 * Accepted, because their value is a function or cannot be known without running code:
 * function declarations and expressions (arrow, async, generator), calls (`makeHandler(...)`),
 * tagged templates, `new`, `await`, members (`impl.handler`), imports and re-exports from
 * packages, names assigned anywhere in the module (an `export let` reassigned later), and
 * destructured or twice-declared names. Code that acorn cannot parse is accepted as well.
 */
export function readHandlerExport(code: string, name: string): HandlerExportReading {
  let program: Program;
  try {
    program = parse(code, { ecmaVersion: "latest", sourceType: "module" });
  } catch {
    return { reExportsAllFromPackage: false };
  }
  const reExportsAllFromPackage = program.body.some((s) => s.type === "ExportAllDeclaration" && !s.exported);
  const facts = moduleFacts(program);
  for (const statement of program.body) {
    if (statement.type !== "ExportNamedDeclaration") continue;
    const declaration = statement.declaration;
    if (
      declaration?.type === "VariableDeclaration" ||
      declaration?.type === "ClassDeclaration" ||
      declaration?.type === "FunctionDeclaration"
    ) {
      const declared =
        declaration.type === "VariableDeclaration"
          ? declaration.declarations.flatMap((d) => patternNames(d.id))
          : [declaration.id.name];
      if (declared.includes(name)) return { reExportsAllFromPackage, nonFunction: describeName(name, facts, 0) };
    }
    const specifier = statement.specifiers.find((s) => specifierName(s.exported) === name);
    if (specifier) {
      // `export { handler } from "pkg"`: what the package exports is not in this file.
      if (statement.source) return { reExportsAllFromPackage };
      return { reExportsAllFromPackage, nonFunction: describeName(specifierName(specifier.local), facts, 0) };
    }
  }
  return { reExportsAllFromPackage };
}
