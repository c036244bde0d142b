import * as fs from "fs";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { GUARANTEE_SWITCHES, SqsWorker, SqsWorkerConfigError, WORKER_RULES } from "../modules/internal";
import { TEST_ENTRY } from "./helpers/props";

// The just-outside / just-inside cases of each switch are rows of validation.test.ts's table;
// this file checks the table against the code it cites, and the switches together.
const ROOT = path.join(__dirname, "..");

/** The package.json of the package in `dir`: the fields these tests read. */
function readPackageJson(dir: string): { version?: string; dependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    version?: string;
    dependencies?: Record<string, string>;
  };
}
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";

describe("the guarantee-switch table", () => {
  // "<package> <version>, <file> (...)": an upgrade of the package fails here until someone has
  // looked again at what the new version reads.
  test.each(GUARANTEE_SWITCHES.map((s) => [s.key, s] as const))(
    "%s: the cited file is the installed version's and reads the variable",
    (key, s) => {
      const cited = /(@[\w-]+\/[\w-]+) (\d+\.\d+\.\d+), ([^\s]+)/.exec(s.source);
      expect(cited).not.toBeNull();
      const [, pkg, version, file] = cited!;
      const installed = readPackageJson(path.join(ROOT, "node_modules", pkg)).version;
      expect({ pkg, version }).toEqual({ pkg, version: installed });
      const text = fs.readFileSync(path.join(ROOT, "node_modules", pkg, file), "utf8");
      // The SDK builds AWS_ENDPOINT_URL_<SERVICE ID> from its prefix: the prefix is what the file holds.
      expect(text).toContain(key.startsWith("AWS_ENDPOINT_URL") ? "AWS_ENDPOINT_URL" : `'${key}'`);
    },
  );

  test("cites the Powertools version the package depends on (the worker bundles that one)", () => {
    const dependencies = readPackageJson(ROOT).dependencies ?? {};
    for (const s of GUARANTEE_SWITCHES.filter((row) => row.source.startsWith("@aws-lambda-powertools/"))) {
      const [pkg, version] = s.source.split(/[ ,]+/);
      expect({ pkg, version }).toEqual({ pkg, version: dependencies[pkg] });
    }
  });

  test("gives every switch a rule for idempotency on, and one for off where it is refused then too", () => {
    for (const s of GUARANTEE_SWITCHES) {
      const rules = WORKER_RULES.filter(
        (r) => r.rule.startsWith(`must not set ${s.key} while`) || r.rule.startsWith(`must not set ${s.key},`),
      );
      expect({ key: s.key, rules: rules.length }).toEqual({ key: s.key, rules: s.withoutIdempotency ? 2 : 1 });
    }
  });
});

describe("switches in lambda.environment", () => {
  const build = (lambdaEnvironment: Record<string, string>, idempotency: boolean) => () =>
    new SqsWorker(new TerraformStack(Testing.app(), "test"), "Worker", {
      serviceName: "orders",
      lambda: { entry: TEST_ENTRY, environment: lambdaEnvironment },
      alarmTopicArn: TOPIC,
      deadLetterQueue: { maxReceiveCount: 0 },
      ...(idempotency ? { idempotency: {} } : {}),
    });

  test("are refused together with every other problem, one line each, in one error", () => {
    const environment = {
      POWERTOOLS_IDEMPOTENCY_DISABLED: "yes",
      AWS_ENDPOINT_URL_DYNAMODB: "http://ddb.local",
      AWS_ENDPOINT_URL: "http://aws.local",
      OK: "1",
    };
    let error: unknown;
    try {
      build(environment, true)();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqsWorkerConfigError);
    expect((error as SqsWorkerConfigError).violations.map((v) => `${v.path} ${v.given}`)).toEqual([
      'lambda.environment POWERTOOLS_IDEMPOTENCY_DISABLED="yes"',
      'lambda.environment AWS_ENDPOINT_URL_DYNAMODB="http://ddb.local"',
      'lambda.environment AWS_ENDPOINT_URL="http://aws.local"',
      "deadLetterQueue.maxReceiveCount 0",
    ]);
  });

  test("with idempotency off, only Powertools' idempotency switch is refused: the endpoints reach only the service's own clients", () => {
    const environment = {
      POWERTOOLS_IDEMPOTENCY_DISABLED: "no",
      AWS_ENDPOINT_URL_DYNAMODB: "http://ddb.local",
      AWS_ENDPOINT_URL: "http://aws.local",
    };
    expect(build(environment, false)).toThrow(
      /^Invalid SqsWorker configuration \(2 problems\):\n {2}- orders: lambda\.environment must not set POWERTOOLS_IDEMPOTENCY_DISABLED, even with idempotency off: .* \(given POWERTOOLS_IDEMPOTENCY_DISABLED="no"\)\n {2}- orders: deadLetterQueue\.maxReceiveCount/,
    );
  });
});
