import { TerraformStack, Testing } from "cdktf";
import { SqsWorker, SqsWorkerConfigError } from "../modules/internal";
import { bundleLambda, bundleSizeProblems } from "../modules/sqs-worker/lambda-bundle";
import { LAMBDA_PACKAGE_LIMIT_BYTES } from "../modules/sqs-worker/limits";
import { TEST_ENTRY } from "./helpers/props";

// Issue 19 item 4: Lambda refuses a package over 50 MB zipped (direct upload) or 250 MB unzipped
// at apply, after the queues and the role exist. A real 51 MB bundle costs about 5 s and 570 MB
// of memory to build (esbuild holds the source twice), so these tests lower the limits instead.

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";

describe("bundleSizeProblems", () => {
  test("uses Lambda's limits in bytes: 50 MiB zipped, 250 MiB unzipped", () => {
    expect(LAMBDA_PACKAGE_LIMIT_BYTES).toEqual({ zipped: 52_428_800, unzipped: 262_144_000 });
  });

  test("accepts a bundle exactly at both limits", () => {
    expect(bundleSizeProblems({ sizeBytes: 52_428_800, codeSizeBytes: 262_144_000 })).toEqual([]);
  });

  test("names the zip's size and the direct upload limit when the zip is one byte over", () => {
    expect(bundleSizeProblems({ sizeBytes: 57_147_393, codeSizeBytes: 1 })).toEqual([
      "bundles to a 54.5 MB zip (57147393 bytes); Lambda takes at most 50 MB zipped by direct upload",
    ]);
  });

  test("names the unzipped size and limit when the code is over 250 MB", () => {
    expect(bundleSizeProblems({ sizeBytes: 1, codeSizeBytes: 262_144_001 })).toEqual([
      "bundles to 250 MB of code unzipped (262144001 bytes); Lambda takes at most 250 MB unzipped",
    ]);
  });
});

describe("a worker whose bundle is over Lambda's limits", () => {
  const real = { ...LAMBDA_PACKAGE_LIMIT_BYTES };
  const limits = LAMBDA_PACKAGE_LIMIT_BYTES as { zipped: number; unzipped: number };
  const bundle = bundleLambda(TEST_ENTRY);
  afterEach(() => Object.assign(limits, real));

  test("fails synth with one line naming the service, lambda.entry, the size and the limit, with the config's other problems", () => {
    // The test worker's own bundle, against limits one byte under its sizes.
    Object.assign(limits, { zipped: bundle.sizeBytes - 1, unzipped: bundle.codeSizeBytes - 1 });
    let error: unknown;
    try {
      new SqsWorker(new TerraformStack(Testing.app(), "s"), "Worker", {
        serviceName: "orders",
        alarmTopicArn: TOPIC,
        lambda: { entry: TEST_ENTRY, timeoutSeconds: 60 },
        queue: { visibilityTimeoutSeconds: 30 },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqsWorkerConfigError);
    const lines = (error as SqsWorkerConfigError).message.split("\n");
    // A 12 KB bundle against limits of 12 KB: both sizes round to "0 MB"; the bytes tell.
    expect(lines.slice(2)).toEqual([
      `  - orders: lambda.entry bundles to a 0 MB zip (${bundle.sizeBytes} bytes); Lambda takes at most 0 MB zipped by direct upload (given ${JSON.stringify(TEST_ENTRY)})`,
      `  - orders: lambda.entry bundles to 0 MB of code unzipped (${bundle.codeSizeBytes} bytes); Lambda takes at most 0 MB unzipped (given ${JSON.stringify(TEST_ENTRY)})`,
    ]);
    expect(lines[1]).toMatch(/^ {2}- orders: queue\.visibilityTimeoutSeconds must be >= lambda\.timeoutSeconds/);
  });

  test("synthesizes at Lambda's real limits", () => {
    expect(
      () =>
        new SqsWorker(new TerraformStack(Testing.app(), "s"), "Worker", {
          serviceName: "orders",
          alarmTopicArn: TOPIC,
          lambda: { entry: TEST_ENTRY },
        }),
    ).not.toThrow();
  });
});
