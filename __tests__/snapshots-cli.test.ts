import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir, synthApp } from "./helpers/synth";

// The HCL that snapshots.test.ts pins is written in process; a reviewer runs the cdktf CLI. This
// suite (in the integration run: it starts the CLI) checks that the two are the same text.

const ROOT = path.resolve(__dirname, "..");
const STACKS = ["ledger", "orders", "thumbnails"];
let hclDir: string;
let hclStacks: Record<string, string>;

beforeAll(async () => {
  hclDir = makeTempDir("snap-hcl");
  hclStacks = await synthApp(hclDir, { hcl: true });
});
afterAll(() => removeDir(hclDir));

test("the HCL snapshot text is exactly what `cdktf synth --hcl` writes", () => {
  const cliOut = makeTempDir("cli-hcl");
  try {
    execFileSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--hcl", "--output", cliOut], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", CHECKPOINT_DISABLE: "1" },
      stdio: "pipe",
    });
    for (const stack of STACKS) {
      expect(fs.readFileSync(path.join(cliOut, "stacks", stack, "cdk.tf"), "utf8")).toBe(
        fs.readFileSync(path.join(hclStacks[stack], "cdk.tf"), "utf8"),
      );
    }
  } finally {
    removeDir(cliOut);
  }
});
