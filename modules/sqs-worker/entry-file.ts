import * as fs from "fs";

/**
 * Why a worker entry path cannot be bundled, found without throwing: the rule table reports it
 * in one line with the rest of the configuration's problems, where a raw Node error (ELOOP,
 * ENOTDIR, EACCES, a NUL byte in the path) would stop synth and hide them.
 */

/** What each error code of `fs.statSync` means for an entry path, in the words of the message. */
const STAT_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  ENOTDIR: "a part of the path is a file, not a folder (ENOTDIR)",
  ELOOP: "too many symbolic links, a link loop (ELOOP)",
  EACCES: "permission denied on a folder of the path (EACCES)",
  EPERM: "operation not permitted (EPERM)",
  ENAMETOOLONG: "the path is too long (ENAMETOOLONG)",
};

/** The file-system calls the check makes (replaceable in tests: a root user is never refused access). */
export interface EntryFileSystem {
  readonly statSync: (path: string) => fs.Stats;
  readonly accessSync: (path: string, mode: number) => void;
}

/**
 * `undefined` when `absolutePath` is a regular file (or a link to one) that can be read;
 * otherwise a few words saying what is there instead. Never throws.
 */
export function entryFileProblem(absolutePath: string, fileSystem: EntryFileSystem = fs): string | undefined {
  // Node refuses a path holding a NUL byte before asking the file system (ERR_INVALID_ARG_VALUE).
  if (absolutePath.includes("\0")) return "the path contains a NUL byte";
  let stat: fs.Stats;
  try {
    stat = fileSystem.statSync(absolutePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    return STAT_ERRORS[code] ?? `cannot be read: ${code || (error as Error).message}`;
  }
  if (stat.isDirectory()) return "a folder, not a file";
  if (!stat.isFile()) return "not a regular file";
  try {
    fileSystem.accessSync(absolutePath, fs.constants.R_OK);
  } catch (error) {
    return `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`;
  }
  return undefined;
}
