import { createHash } from "crypto";

/** Terraform's `filebase64sha256` of a file's bytes: what `source_code_hash` holds for a zip. */
export function filebase64sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/**
 * Refuses a zip whose bytes are not the ones the stack was synthesized with: the runner would
 * run code that `cdktf deploy` would not deploy (a zip rebuilt or swapped after synth, or a
 * stack file from an older synth). Does nothing when the stack gives no hash to compare.
 */
export function checkZipMatchesStack(zip: Buffer, zipPath: string, sourceCodeHash: string | undefined): void {
  if (sourceCodeHash === undefined) return;
  const actual = filebase64sha256(zip);
  if (actual !== sourceCodeHash) {
    throw new Error(
      `${zipPath} does not match the stack: its SHA-256 is ${actual} but the function's source_code_hash is ${sourceCodeHash}; synthesize the app again (cdktf synth)`,
    );
  }
}
