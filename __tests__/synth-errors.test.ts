import * as fs from "fs";
import { App } from "cdktf";
import {
  CONFIG_ERROR_DEBUG_ENV,
  addServiceStacks,
  configErrorLines,
  isSqsWorkerConfigError,
  reportConfigErrors,
  settingsFromEnv,
  synthAndReport,
  type ConfigErrorReporting,
} from "../modules/app";
import { SqsWorkerConfigError } from "../modules/sqs-worker/config-error";
import { TEST_ENTRY, withEntry } from "./helpers/props";
import { makeTempDir, removeDir } from "./helpers/synth";

// A config error reads as what to fix: its lines on stderr and exit code 1, no stack trace and no
// dump of the violations object; SQS_WORKER_DEBUG=1 shows the trace; any other error (a bug) is
// thrown as is. The same under the real cdktf CLI: __tests__/e2e/synth-errors.e2e.test.ts.

const twoViolations = new SqsWorkerConfigError([
  { serviceName: "orders", path: "lambda.timeoutSeconds", rule: "must be an integer from 1 to 900", given: "5000" },
  { serviceName: "orders", path: "lambda.memorySizeMb", rule: "must be an integer from 128 to 10240", given: "64" },
]);

/** Runs reportConfigErrors with recorded output and exit code. */
function report(body: () => void, env: ConfigErrorReporting["env"] = {}) {
  const written: string[] = [];
  const exitCodes: number[] = [];
  const completed = reportConfigErrors(body, {
    env,
    write: (text) => written.push(text),
    setExitCode: (code) => exitCodes.push(code),
  });
  return { completed, output: written.join(""), exitCodes };
}

describe("configErrorLines", () => {
  test("are the error's header, one line per violation and how to see the trace", () => {
    expect(configErrorLines(twoViolations)).toEqual([
      "Invalid SqsWorker configuration (2 problems):",
      "  - orders: lambda.timeoutSeconds must be an integer from 1 to 900 (given 5000)",
      "  - orders: lambda.memorySizeMb must be an integer from 128 to 10240 (given 64)",
      `(${CONFIG_ERROR_DEBUG_ENV}=1 shows the stack trace)`,
    ]);
  });
});

describe("reportConfigErrors", () => {
  test("prints a config error's lines once, sets exit code 1 and returns false", () => {
    const result = report(() => {
      throw twoViolations;
    });
    expect(result).toEqual({
      completed: false,
      output: `${configErrorLines(twoViolations).join("\n")}\n`,
      exitCodes: [1],
    });
    expect(result.output).not.toMatch(/^\s*at /m);
    expect(result.output).not.toMatch(/violations|[{}[\]]/);
  });

  test("runs a body that succeeds without printing or touching the exit code", () => {
    let ran = false;
    expect(report(() => void (ran = true))).toEqual({ completed: true, output: "", exitCodes: [] });
    expect(ran).toBe(true);
  });

  test("throws any other error as is, printing nothing: a bug keeps its stack trace", () => {
    const bug = new TypeError("cannot read properties of undefined");
    const written: string[] = [];
    const exitCodes: number[] = [];
    expect(() =>
      reportConfigErrors(
        () => {
          throw bug;
        },
        { env: {}, write: (text) => written.push(text), setExitCode: (code) => exitCodes.push(code) },
      ),
    ).toThrow(bug);
    expect({ written, exitCodes }).toEqual({ written: [], exitCodes: [] });
  });

  test.each(["1", "true", "yes"])("with %s=%s throws the config error itself, trace included", (value) => {
    expect(() =>
      reportConfigErrors(
        () => {
          throw twoViolations;
        },
        { env: { [CONFIG_ERROR_DEBUG_ENV]: value }, write: () => undefined, setExitCode: () => undefined },
      ),
    ).toThrow(twoViolations);
  });

  test.each(["", "0", "false"])("with SQS_WORKER_DEBUG=%j still prints only the lines", (value) => {
    const result = report(
      () => {
        throw twoViolations;
      },
      { [CONFIG_ERROR_DEBUG_ENV]: value },
    );
    expect(result.completed).toBe(false);
    expect(result.exitCodes).toEqual([1]);
  });

  test("prints every violation of a broken service of a real app, and synthesizes nothing", () => {
    const outdir = makeTempDir("synth-errors");
    try {
      const result = report(() => {
        const app = new App({ outdir });
        addServiceStacks(
          app,
          { orders: { lambda: { entry: TEST_ENTRY, timeoutSeconds: 5000, memorySizeMb: 64 } } },
          settingsFromEnv({}),
        );
        synthAndReport(app, null);
      });
      expect(result.completed).toBe(false);
      expect(result.exitCodes).toEqual([1]);
      expect(result.output.split("\n")).toEqual(
        expect.arrayContaining([
          "Invalid SqsWorker configuration (2 problems):",
          "  - orders: lambda.timeoutSeconds must be an integer from 1 to 900 (given 5000)",
          "  - orders: lambda.memorySizeMb must be an integer from 128 to 10240 (given 64)",
        ]),
      );
      // No manifest and no stack configuration: nothing a later deploy could pick up.
      expect(
        fs
          .readdirSync(outdir, { recursive: true })
          .map(String)
          .filter((f) => /manifest\.json$|cdk\.tf(\.json)?$/.test(f)),
      ).toEqual([]);
    } finally {
      removeDir(outdir);
    }
  });
});

describe("isSqsWorkerConfigError", () => {
  test("knows the error, also from a second copy of the package (same name, a violations list)", () => {
    const fromOtherCopy = Object.assign(
      new Error("Invalid SqsWorker configuration (1 problem):\n  - a: b c (given d)"),
      {
        name: "SqsWorkerConfigError",
        violations: [{ serviceName: "a", path: "b", rule: "c", given: "d" }],
      },
    );
    expect(isSqsWorkerConfigError(twoViolations)).toBe(true);
    expect(isSqsWorkerConfigError(fromOtherCopy)).toBe(true);
  });

  test("refuses other errors and values", () => {
    expect(isSqsWorkerConfigError(new Error("Invalid SqsWorker configuration"))).toBe(false);
    expect(isSqsWorkerConfigError(Object.assign(new Error("x"), { name: "SqsWorkerConfigError" }))).toBe(false);
    expect(isSqsWorkerConfigError({ name: "SqsWorkerConfigError", violations: [] })).toBe(false);
    expect(isSqsWorkerConfigError(undefined)).toBe(false);
  });
});

test("an app with several broken services reports every one's violations in one error, not only the first's", () => {
  const broken = (seconds: number) => withEntry({ lambda: { timeoutSeconds: seconds } });
  let error: unknown;
  try {
    addServiceStacks(
      new App(),
      { first: broken(0), fine: withEntry({}), second: broken(901) },
      { region: "us-east-1", backend: { kind: "local" } },
    );
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SqsWorkerConfigError);
  const services = new Set((error as SqsWorkerConfigError).violations.map((v) => v.serviceName));
  expect([...services].sort()).toEqual(["first", "second"]);
  expect((error as Error).message).toMatch(
    /^Invalid SqsWorker configuration \(\d+ problems\):\n {2}- first: lambda\.timeoutSeconds/,
  );
});
