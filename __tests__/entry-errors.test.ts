import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { SqsWorker, SqsWorkerConfigError } from "../modules/internal";
import { entryFileProblem } from "../modules/sqs-worker/entry-file";
import { TEST_ENTRY } from "./helpers/props";

// Issue 19 item 5: an entry path that cannot be read is a violation like any other, one line
// naming the service, lambda.entry and the given path, reported with the rest of the same
// configuration's problems; never a raw Node error that hides them.

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const RULE =
  "lambda.entry must name an existing file (a relative path resolves against the folder of the app's main script)";
const MAX_RECEIVE = "orders: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-worker-entry-errors-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The error lines of a worker with `entry` and a broken maxReceiveCount ([] when accepted). */
function refusalWith(entry: string, maxReceiveCount = 0): string[] {
  const stack = new TerraformStack(Testing.app(), "test");
  try {
    new SqsWorker(stack, "Worker", {
      serviceName: "orders",
      lambda: { entry },
      alarmTopicArn: TOPIC,
      deadLetterQueue: { maxReceiveCount },
    });
    return [];
  } catch (error) {
    if (!(error instanceof SqsWorkerConfigError)) throw error;
    return error.message
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ""));
  }
}

const line = (entry: string, problem: string) =>
  `orders: ${RULE} (given ${JSON.stringify(entry)}, resolved to ${JSON.stringify(entry)}: ${problem})`;

describe("an entry path that cannot be read", () => {
  test("a symbolic link loop (ELOOP) is one line, with the other problems", () => {
    const loop = path.join(dir, "loop.ts");
    fs.symlinkSync(loop, loop);
    expect(refusalWith(loop)).toEqual([line(loop, "too many symbolic links, a link loop (ELOOP)"), MAX_RECEIVE]);
  });

  test("a file used as a folder (ENOTDIR) is one line, with the other problems", () => {
    const file = path.join(dir, "plain.txt");
    fs.writeFileSync(file, "");
    const entry = path.join(file, "worker.ts");
    expect(refusalWith(entry)).toEqual([
      line(entry, "a part of the path is a file, not a folder (ENOTDIR)"),
      MAX_RECEIVE,
    ]);
  });

  test("a NUL byte in the path is one line, with the other problems", () => {
    const entry = path.join(dir, "work\0er.ts");
    expect(refusalWith(entry)).toEqual([line(entry, "the path contains a NUL byte"), MAX_RECEIVE]);
  });

  test("a folder is one line, with the other problems", () => {
    expect(refusalWith(dir)).toEqual([line(dir, "a folder, not a file"), MAX_RECEIVE]);
  });

  test("a missing file is one line, with the other problems", () => {
    const entry = path.join(dir, "missing.ts");
    expect(refusalWith(entry)).toEqual([line(entry, "no such file"), MAX_RECEIVE]);
  });

  test("a folder of the path without search permission (EACCES) is named as such", () => {
    // A root user (as in CI containers) is never refused access, so the file system answers through a stand-in.
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    const fileSystem = {
      statSync: (): fs.Stats => {
        throw denied;
      },
      accessSync: () => undefined,
    };
    expect(entryFileProblem("/srv/locked/worker.ts", fileSystem)).toBe(
      "permission denied on a folder of the path (EACCES)",
    );
  });

  test("a file that cannot be read is named as such", () => {
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    const fileSystem = {
      statSync: (file: string) => fs.statSync(file),
      accessSync: () => {
        throw denied;
      },
    };
    expect(entryFileProblem(TEST_ENTRY, fileSystem)).toBe("the file cannot be read (EACCES)");
  });
});

describe("entry paths that are fine", () => {
  test("a path with a space synthesizes", () => {
    fs.mkdirSync(path.join(dir, "my workers"));
    const spaced = path.join(dir, "my workers", "order worker.ts");
    fs.writeFileSync(spaced, "export const handler = async () => ({ batchItemFailures: [] });\n");
    expect(refusalWith(spaced, 3)).toEqual([]);
  });

  test("a symbolic link to the worker file synthesizes", () => {
    const link = path.join(dir, "link.ts");
    fs.symlinkSync(TEST_ENTRY, link);
    expect(refusalWith(link, 3)).toEqual([]);
  });
});
