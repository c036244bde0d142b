import { Annotations, TerraformStack, Testing } from "cdktf";
import { synthAndReport } from "../modules/app-entry";

// synthAndReport prints the app's warnings unless told not to (under the cdktf CLI, which prints
// them itself), and returns them either way.

function appWithWarning() {
  const app = Testing.app();
  Annotations.of(new TerraformStack(app, "orders")).addWarning("lambda.memorySizeMb is low");
  return app;
}

const printed = "WARNING [orders] lambda.memorySizeMb is low";

function stderrDuring(run: () => void): string {
  const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    run();
    return write.mock.calls.map(([chunk]) => String(chunk)).join("");
  } finally {
    write.mockRestore();
  }
}

test("prints each warning on stderr by default, and returns them", () => {
  let warnings: ReturnType<typeof synthAndReport> = [];
  expect(stderrDuring(() => (warnings = synthAndReport(appWithWarning())))).toBe(`${printed}\n`);
  expect(warnings).toEqual([{ path: "orders", message: "lambda.memorySizeMb is low" }]);
});

test("{ printWarnings: false } prints nothing and still returns the warnings", () => {
  let warnings: ReturnType<typeof synthAndReport> = [];
  expect(stderrDuring(() => (warnings = synthAndReport(appWithWarning(), { printWarnings: false })))).toBe("");
  expect(warnings).toHaveLength(1);
});

test("{ log } receives the lines instead of stderr", () => {
  const lines: string[] = [];
  expect(stderrDuring(() => synthAndReport(appWithWarning(), { log: (line) => lines.push(line) }))).toBe("");
  expect(lines).toEqual([printed]);
});

test("the deprecated form still works: null prints nothing, undefined prints, a function is the log", () => {
  expect(stderrDuring(() => synthAndReport(appWithWarning(), null))).toBe("");
  expect(stderrDuring(() => synthAndReport(appWithWarning(), undefined))).toBe(`${printed}\n`);
  const lines: string[] = [];
  synthAndReport(appWithWarning(), (line) => lines.push(line));
  expect(lines).toEqual([printed]);
});
