/**
 * Where the package's own docs are, as the command's output names them: a path the user can open
 * from the folder the command runs in. The docs ship in the package, so in a consumer's app
 * `docs/runbook.md` is `node_modules/sqs-worker-cdktf/docs/runbook.md`; in this repository it is
 * `docs/runbook.md`.
 */
import * as fs from "fs";
import * as path from "path";

const PACKAGE_NAME = "sqs-worker-cdktf";

let root: string | undefined;

/** The package's folder: the nearest folder above this file whose package.json is this package's (sources or dist/). */
function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      if (
        (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown }).name ===
        PACKAGE_NAME
      )
        return (root = dir);
    } catch {
      // no package.json here, or not JSON: look further up
    }
    if (path.dirname(dir) === dir) return (root = path.resolve(__dirname, "..", ".."));
  }
}

/**
 * The path of one of the package's docs (`runbook.md`, or `runbook.md#in-doubt`) relative to
 * `cwd` when it lies below it (`docs/runbook.md` here, `node_modules/sqs-worker-cdktf/docs/runbook.md`
 * in an app), else absolute.
 */
export function docPath(file: string, cwd: string = process.cwd()): string {
  const [name, anchor] = file.split("#");
  const absolute = path.join(packageRoot(), "docs", name);
  const relative = path.relative(cwd, absolute);
  const shown = relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative;
  return anchor === undefined ? shown : `${shown}#${anchor}`;
}
