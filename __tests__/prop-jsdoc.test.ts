import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PROP_DEFAULTS, type PropDefault } from "../modules/sqs-worker/defaults";
import { PROP_PATHS, type PropPath } from "../modules/sqs-worker/prop-shape";
import { PROVIDER_FEATURES } from "../modules/sqs-worker/provider-features";
import { RUNTIME_LIFECYCLE } from "../modules/sqs-worker/runtimes";

// props.ts is what an IDE shows a user: its JSDoc keeps prose, and this test keeps the facts in
// that prose (each @default, the runtime dates, the provider versions) equal to the tables.

const PROPS_FILE = path.join(__dirname, "..", "modules", "sqs-worker", "props.ts");
const source = ts.createSourceFile(PROPS_FILE, fs.readFileSync(PROPS_FILE, "utf8"), ts.ScriptTarget.ES2022, true);

/** The JSDoc of one declaration: its comment text and tags. */
interface Doc {
  readonly text: string;
  readonly tags: Readonly<Record<string, string>>;
}

function docOf(node: ts.Node): Doc {
  // The raw comment: the parser would read "@cdktf/provider-aws" in prose as a tag and cut the text there.
  const comment = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((d) => d.getText(source))
    .join("\n");
  const tags: Record<string, string> = {};
  for (const tag of ts.getJSDocTags(node)) tags[tag.tagName.text] = ts.getTextOfJSDocComment(tag.comment) ?? "";
  return { text: comment, tags };
}

const interfaces = new Map(source.statements.filter(ts.isInterfaceDeclaration).map((i) => [i.name.text, i] as const));

/** Every property of SqsWorkerProps and of its groups' interfaces, by prop path, with its JSDoc. */
function propDocs(): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  for (const member of interfaces.get("SqsWorkerProps")!.members.filter(ts.isPropertySignature)) {
    const name = member.name.getText(source);
    const type = member.type && ts.isTypeReferenceNode(member.type) ? member.type.typeName.getText(source) : "";
    const group = interfaces.get(type);
    if (!group) docs.set(name, docOf(member));
    else
      for (const prop of group.members.filter(ts.isPropertySignature))
        docs.set(`${name}.${prop.name.getText(source)}`, docOf(prop));
  }
  return docs;
}

const DOCS = propDocs();

/** What the JSDoc's `@default` must begin with for a default value. */
function literal(value: Extract<PropDefault, { value: unknown }>["value"]): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

describe("the @default of every prop in props.ts matches PROP_DEFAULTS (defaults.ts)", () => {
  test("props.ts documents exactly the props of the shape table", () => {
    expect([...DOCS.keys()].sort()).toEqual([...PROP_PATHS].sort());
  });

  test.each(PROP_PATHS as PropPath[])("%s", (propPath) => {
    const doc = DOCS.get(propPath)!;
    let expected: PropDefault = PROP_DEFAULTS[propPath];
    if ("renamedTo" in expected) {
      expect(doc.tags.deprecated).toContain(expected.renamedTo);
      if (doc.tags.default === undefined) return;
      expected = PROP_DEFAULTS[expected.renamedTo as PropPath];
    }
    if ("required" in expected) expect(doc.tags.default).toBeUndefined();
    else if ("value" in expected)
      expect(doc.tags.default).toMatch(new RegExp(`^${escape(literal(expected.value))}( |$)`));
    else expect(doc.tags.default).toMatch(/^- /);
  });
});

describe("the runtime facts in props.ts match RUNTIME_LIFECYCLE (runtimes.ts) and PROVIDER_FEATURES", () => {
  const runtimesDoc = docOf(source.statements.find((s) => s.getText(source).includes("WORKER_RUNTIMES ="))!).text;
  const runtimeProp = DOCS.get("lambda.runtime")!;
  const dates = Object.values(RUNTIME_LIFECYCLE).flatMap((d) => Object.values(d) as string[]);

  test.each([
    ["WORKER_RUNTIMES", runtimesDoc],
    ["lambda.runtime", `${runtimeProp.text}\n${runtimeProp.tags.default}`],
  ])("every date in the JSDoc of %s is one of the table's", (_, text) => {
    const written = [...text.matchAll(/\d{4}-\d{2}-\d{2}/g)].map((m) => m[0]);
    expect(written.length).toBeGreaterThan(0);
    for (const date of written) expect(dates).toContain(date);
  });

  test("each date of the table is written next to its runtime", () => {
    for (const [runtime, lifecycle] of Object.entries(RUNTIME_LIFECYCLE)) {
      for (const date of Object.values(lifecycle) as string[]) {
        const sentence = runtimesDoc.split(/(?<=\.)\s/).find((s) => s.includes(date));
        expect(sentence).toBeDefined();
        expect({ date, sentence: sentence!.includes(runtime) }).toEqual({ date, sentence: true });
      }
    }
  });

  test("the provider versions nodejs24.x needs are the table's", () => {
    const { needsAws, cdktfBindings } = PROVIDER_FEATURES.nodejs24Runtime;
    const minor = needsAws.split(".").slice(0, 2).join(".");
    for (const text of [runtimesDoc, runtimeProp.text]) {
      expect(text).toContain(`hashicorp/aws >= ${minor}`);
      expect(text).toContain(`@cdktf/provider-aws >= ${cdktfBindings}`);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
