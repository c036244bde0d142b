import * as fs from "fs";
import * as path from "path";
import { readZip } from "./zip-reader";

/**
 * Why a zip entry's name may not be written under the extraction folder, or `undefined` when
 * it may. Refused: names that are empty, absolute (`/x`), carry a Windows drive (`C:x`) or a
 * backslash (a separator on Windows, and never one in a zip: the format requires `/`), hold a
 * NUL (truncates the path in some APIs), or have a `..` segment (zip-slip: writing outside).
 */
export function unsafeEntryReason(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name.includes("\0")) return "holds a NUL character";
  if (name.includes("\\")) return "holds a backslash";
  if (name.startsWith("/")) return "is an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "starts with a drive letter";
  if (name.split("/").includes("..")) return "has a .. segment";
  return undefined;
}

/**
 * Writes every file of `zip` under `destDir`, after checking every entry name first, so that a
 * refused zip writes nothing at all. Each target is also resolved and required to stay inside
 * `destDir`, a second guard that does not depend on the list of tricks above being complete.
 * Throws one line naming the zip and the entry.
 */
export function extractZip(zip: Buffer, zipPath: string, destDir: string): void {
  const root = path.resolve(destDir);
  const targets: [string, Buffer][] = [];
  for (const [name, data] of readZip(zip)) {
    const target = path.resolve(root, name);
    const reason =
      unsafeEntryReason(name) ??
      (target.startsWith(root + path.sep) ? undefined : "resolves outside the extraction folder");
    if (reason)
      throw new Error(
        `${zipPath}: refusing zip entry ${JSON.stringify(name)}: it ${reason}, so it could be written outside ${root}`,
      );
    targets.push([target, data]);
  }
  for (const [target, data] of targets) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
}
