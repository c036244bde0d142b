import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Context, SQSEvent } from "aws-lambda";
import type { SqsWorkerHandler } from "../lambda-src/worker";
import { bundleLambda } from "../modules/internal";
import { createReproducibleZip } from "../modules/sqs-worker/reproducible-zip";
import { synthApp, tempDirsRemovedAfterAll } from "./helpers/synth";

// The worker bundle as other programs see it: unzip reads and extracts it, and `npm run synth`
// (main.ts in a node process of its own) writes it into the stacks. In the integration run, since
// it starts those programs; lambda-bundle.test.ts checks the bundler in process.

const ROOT = path.resolve(__dirname, "..");
const ORDERS_ENTRY = path.join(ROOT, "lambda-src", "orders.ts");
const tempDir = tempDirsRemovedAfterAll();

/** Runs `npm run synth`'s command in a separate process, writing to `outdir`. */
function synthInProcess(outdir: string, env: Record<string, string>): void {
  execFileSync(process.execPath, ["-r", "./scripts/register-ts.js", "main.ts"], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
    stdio: "pipe",
  });
}

describe("the worker bundle, read by unzip", () => {
  test("is a valid zip holding only index.js, which unzip verifies", () => {
    const bundle = bundleLambda(ORDERS_ENTRY, tempDir("out-unzip"));
    expect(execFileSync("unzip", ["-Z1", bundle.zipPath], { encoding: "utf8" }).trim()).toBe("index.js");
    expect(execFileSync("unzip", ["-t", bundle.zipPath], { encoding: "utf8" })).toContain("No errors detected");
  });

  test("runs: the extracted index.js handles an SQS batch with the service's business logic", async () => {
    const bundle = bundleLambda(ORDERS_ENTRY, tempDir("out-run"));
    const dir = tempDir("extracted");
    execFileSync("unzip", ["-q", bundle.zipPath, "-d", dir]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the extracted bundle, a file known only at run time
    const { handler } = require(path.join(dir, "index.js")) as { handler: SqsWorkerHandler };
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const response = await handler(
      {
        Records: [
          {
            messageId: "m1",
            body: '{"orderId":"o-1","customerId":"c","lines":[{"sku":"a","quantity":1,"unitPriceCents":5}]}',
            eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders-queue",
            attributes: {},
          },
          {
            messageId: "m2",
            body: '{"orderId":"o-2"}',
            eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders-queue",
            attributes: {},
          },
        ],
      } as SQSEvent,
      { functionName: "orders-worker" } as Context,
    );
    const logged = log.mock.calls.map((call) => String(call[0]));
    log.mockRestore();
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(logged).toEqual([expect.stringContaining('"event":"order-accepted","orderId":"o-1"')]);
  });
});

/** Every string value anywhere in a parsed JSON document. */
function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}

describe("npm run synth", () => {
  test("writes identical Terraform JSON and zips on two runs in different time zones", () => {
    const first = tempDir("synth-1");
    const second = tempDir("synth-2");
    synthInProcess(first, { TZ: "UTC" });
    synthInProcess(second, { TZ: "Pacific/Kiritimati" });
    const files = (dir: string) =>
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort();
    expect(files(second)).toEqual(files(first));
    expect(files(first)).toEqual(expect.arrayContaining([path.join("stacks", "orders", "cdk.tf.json")]));
    for (const file of files(first)) {
      expect({
        file,
        same: fs.readFileSync(path.join(first, file)).equals(fs.readFileSync(path.join(second, file))),
      }).toEqual({ file, same: true });
    }
  });

  test("writes no absolute path into the Terraform JSON", () => {
    const out = tempDir("synth-abs");
    synthInProcess(out, {});
    for (const stack of ["orders", "thumbnails"]) {
      const text = fs.readFileSync(path.join(out, "stacks", stack, "cdk.tf.json"), "utf8");
      expect(text).not.toContain(ROOT);
      expect(text).not.toContain(out);
      const absolute = allStrings(JSON.parse(text)).filter((s) => path.isAbsolute(s) && !s.startsWith("/aws/lambda/"));
      expect(absolute).toEqual([]);
    }
  });
});

/** The SHA-256 (hex) of a file's bytes. */
const sha256Of = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Every Lambda zip of a synthesized stack folder, with the source_code_hash its function names. */
function assetsAndHashes(stackDir: string): { file: string; sha256Hex: string; declared: string }[] {
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as {
    resource: { aws_lambda_function: Record<string, { filename: string; source_code_hash: string }> };
  };
  return Object.values(json.resource.aws_lambda_function).map((fn) => ({
    file: fn.filename,
    sha256Hex: sha256Of(path.join(stackDir, fn.filename)),
    declared: Buffer.from(fn.source_code_hash, "base64").toString("hex"),
  }));
}

describe("a planted zip never ships", () => {
  test("a zip planted where the bundler used to cache (a fixed path in the shared temp folder) is ignored by npm run synth", () => {
    const real = bundleLambda(ORDERS_ENTRY, tempDir("real-orders"));
    const legacy = path.join(os.tmpdir(), "sqs-worker-cdktf-bundles", real.sha256Hex, "lambda.zip");
    fs.mkdirSync(path.dirname(legacy), { recursive: true });
    fs.writeFileSync(
      legacy,
      createReproducibleZip([
        { name: "index.js", data: Buffer.from("exports.handler = async () => { /* planted */ };") },
      ]),
    );
    try {
      const out = tempDir("synth-planted");
      synthInProcess(out, {});
      const orders = assetsAndHashes(path.join(out, "stacks", "orders"));
      expect(orders).toEqual([
        { file: expect.any(String) as string, sha256Hex: real.sha256Hex, declared: real.sha256Hex },
      ]);
    } finally {
      fs.rmSync(path.dirname(legacy), { recursive: true, force: true });
    }
  });

  test("a zip swapped in the bundler's own folder is replaced by the hashed bytes before it is used again", async () => {
    const first = bundleLambda(ORDERS_ENTRY);
    expect(path.basename(path.dirname(path.dirname(first.zipPath)))).toMatch(/^sqs-worker-bundles-/);
    expect(fs.statSync(path.dirname(path.dirname(first.zipPath))).mode & 0o077).toBe(0); // private to this user
    fs.writeFileSync(first.zipPath, "planted");
    const again = bundleLambda(ORDERS_ENTRY);
    expect(again.zipPath).toBe(first.zipPath);
    expect(sha256Of(again.zipPath)).toBe(first.sha256Hex);
    fs.writeFileSync(first.zipPath, "planted again, after the bundle was made and before synth copies it");
    const stacks = await synthApp(tempDir("synth-swapped"));
    for (const asset of assetsAndHashes(stacks.orders)) expect(asset.sha256Hex).toBe(asset.declared);
  });
});
