import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir, synthApp } from "./helpers/synth";

// One snapshot of the JSON (what terraform applies) and one of the formatted HCL (what a
// reviewer reads, the text `cdktf synth --hcl` writes: snapshots-cli.test.ts runs the CLI) per
// example stack. When one changes, read the diff as a reviewer would before updating it with
// `npx jest -u`.

// Asset folders carry the bundle's hash, kept in the snapshot so that a code change shows up.
const STACKS = ["ledger", "orders", "thumbnails"];
let jsonDir: string;
let hclDir: string;
let jsonStacks: Record<string, string>;
let hclStacks: Record<string, string>;

beforeAll(async () => {
  jsonDir = makeTempDir("snap-json");
  hclDir = makeTempDir("snap-hcl");
  jsonStacks = await synthApp(jsonDir);
  hclStacks = await synthApp(hclDir, { hcl: true });
});
afterAll(() => {
  removeDir(jsonDir);
  removeDir(hclDir);
});

test("the example app has exactly the example stacks", () => {
  expect(Object.keys(jsonStacks).sort()).toEqual(STACKS);
});

describe.each(STACKS)("stack %s", (stack) => {
  test("Terraform JSON matches the reviewed snapshot", () => {
    expect(JSON.parse(fs.readFileSync(path.join(jsonStacks[stack], "cdk.tf.json"), "utf8"))).toMatchSnapshot();
  });

  test("formatted HCL matches the reviewed snapshot", () => {
    expect(fs.readFileSync(path.join(hclStacks[stack], "cdk.tf"), "utf8")).toMatchSnapshot();
  });
});
