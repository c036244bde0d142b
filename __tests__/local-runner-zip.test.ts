import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createReproducibleZip } from "../modules/sqs-worker/reproducible-zip";
import { extractZip, unsafeEntryReason } from "../tools/local-runner/extract-zip";
import { LocalRunner } from "../tools/local-runner/runner";
import { readDeployedWorkerConfig } from "../tools/local-runner/stack-config";
import { filebase64sha256 } from "../tools/local-runner/zip-hash";
import { FakeSqsQueue } from "./helpers/fake-sqs-queue";
import { fixtureWorker } from "./helpers/local-runner-fixture";
import { synthApp, tempDirsRemovedAfterAll } from "./helpers/synth";

// The runner runs a zip only when it is the one the stack was synthesized with, and writes
// its entries only inside its own temporary folder.

const temp = tempDirsRemovedAfterAll();
const HANDLER = Buffer.from("exports.handler = async () => null;");

/** The runner's temporary code folders (`worker-local-<service>-*`) that exist now. */
const runnerFolders = (service: string) =>
  fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`worker-local-${service}-`));

function runnerFor(worker: ReturnType<typeof fixtureWorker>) {
  const queue = new FakeSqsQueue(3);
  return new LocalRunner({
    sqs: queue.client,
    queueUrl: queue.queueUrl,
    region: "us-east-1",
    worker,
    waitTimeSeconds: 0,
    log: () => undefined,
  });
}

describe("zip entries that would escape the extraction folder", () => {
  test.each([
    ["../../escape.js", "has a .. segment"],
    ["lib/../../escape.js", "has a .. segment"],
    ["/tmp/escape.js", "is an absolute path"],
    ["C:escape.js", "starts with a drive letter"],
    ["C:/escape.js", "starts with a drive letter"],
    ["..\\..\\escape.js", "holds a backslash"],
    ["lib\\escape.js", "holds a backslash"],
    ["escape.js\0.txt", "holds a NUL character"],
  ])("%j is refused, naming the entry, and nothing is written", (name, reason) => {
    // Nested, so that an entry that did escape would still land in this test's own folder.
    const root = temp("zip-slip");
    const dest = path.join(root, "a", "b", "code");
    fs.mkdirSync(dest, { recursive: true });
    const zip = createReproducibleZip([
      { name: "index.js", data: HANDLER },
      { name, data: Buffer.from("pwned") },
    ]);
    expect(unsafeEntryReason(name)).toBe(reason);
    expect(() => extractZip(zip, "/synth/lambda.zip", dest)).toThrow(
      `/synth/lambda.zip: refusing zip entry ${JSON.stringify(name)}: it ${reason}, so it could be written outside ${dest}`,
    );
    expect(fs.existsSync(path.join(root, "a", "escape.js"))).toBe(false);
    expect(fs.existsSync(path.resolve(dest, name.replace(/\\/g, "/").replace(/\0.*/, "")))).toBe(false);
    expect(fs.readdirSync(dest)).toEqual([]); // checked before anything is written
  });

  test("ordinary names, nested folders and dots inside names are extracted", () => {
    const dest = temp("zip-ok");
    extractZip(
      createReproducibleZip([
        { name: "index.js", data: HANDLER },
        { name: "lib/a..b/x.js", data: Buffer.from("x") },
        { name: "..hidden", data: Buffer.from("h") },
      ]),
      "z.zip",
      dest,
    );
    expect(fs.readFileSync(path.join(dest, "lib", "a..b", "x.js"), "utf8")).toBe("x");
    expect(fs.readFileSync(path.join(dest, "..hidden"), "utf8")).toBe("h");
  });

  test("the runner refuses such a zip before it runs anything, writes nothing outside and leaves no folder", async () => {
    const escapeName = `escape-${process.pid}-${Date.now()}.js`;
    const escaped = path.join(os.tmpdir(), escapeName);
    const dir = temp("zip-slip-runner");
    const zip = createReproducibleZip([
      { name: "index.js", data: HANDLER },
      { name: `../${escapeName}`, data: Buffer.from("pwned") },
    ]);
    const zipPath = path.join(dir, "slip.zip");
    fs.writeFileSync(zipPath, zip);
    const worker = {
      ...fixtureWorker(dir, ""),
      zipPath,
      sourceCodeHash: filebase64sha256(zip),
      serviceName: "zipslip",
    };
    await expect(runnerFor(worker).start()).rejects.toThrow(`refusing zip entry "../${escapeName}"`);
    expect(fs.existsSync(escaped)).toBe(false);
    expect(runnerFolders("zipslip")).toEqual([]);
  });
});

describe("the zip against the stack's source_code_hash", () => {
  test("a zip swapped after synth is refused, naming both hashes and the zip, and saying to synth again", async () => {
    const outdir = temp("swapped");
    await synthApp(outdir);
    const orders = readDeployedWorkerConfig(outdir, "orders");
    const thumbnailsZip = fs.readFileSync(readDeployedWorkerConfig(outdir, "thumbnails").zipPath);
    fs.writeFileSync(orders.zipPath, thumbnailsZip);
    await expect(runnerFor(orders).start()).rejects.toThrow(
      `${orders.zipPath} does not match the stack: its SHA-256 is ${filebase64sha256(thumbnailsZip)} but the function's source_code_hash is ${orders.sourceCodeHash}; synthesize the app again (cdktf synth)`,
    );
    expect(runnerFolders("orders")).toEqual([]);
  });

  test("the zip synth wrote is accepted", async () => {
    const outdir = temp("unswapped");
    await synthApp(outdir);
    const runner = runnerFor(readDeployedWorkerConfig(outdir, "orders"));
    await runner.start();
    await runner.stop();
  });
});
