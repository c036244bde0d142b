/**
 * The plan error when the zip on disk is not the one synth built. Short enough that Terraform
 * (78 columns without a terminal, "│ " included) prints it on one line: what happened, then
 * what to do.
 */
export const CODE_CHANGED_MESSAGE = "lambda.zip is not the zip synth built: nothing was changed; run synth again";

/** A Terraform lifecycle precondition: a boolean expression and the line printed when it is false. */
export interface CodePrecondition {
  /** True when the zip at the asset path hashes to the synthesized `source_code_hash`. */
  readonly condition: string;
  /** {@link CODE_CHANGED_MESSAGE}. */
  readonly errorMessage: string;
}

/**
 * The function's precondition that the zip Terraform is about to upload is the zip synth hashed.
 *
 * Why: `source_code_hash` is a literal written at synth, and the provider only compares it with
 * the hash in state, never with the file. A zip replaced in cdktf.out after synth would be
 * uploaded, Lambda's CodeSha256 would differ from state, and every later plan would say "No
 * changes": unreviewed code running behind a reviewed hash (the checkov code-signing skip,
 * CKV_AWS_272, rests on that hash). The precondition reads the file itself at plan and apply.
 *
 * `assetPath` is the function's `filename` (relative to the stack folder, where cdktf and plain
 * terraform run), so the check reads the bytes the provider uploads. `try()` turns a
 * missing or unreadable zip into a failed condition with the same line instead of a function
 * error. Terraform skips resource preconditions in a destroy plan, so a stack whose zip is gone
 * or changed can still be destroyed.
 */
export function codeHashPrecondition(assetPath: string, sourceCodeHash: string): CodePrecondition {
  return {
    // A raw expression, as Terraform JSON and HCL both read it. `path.module` (the stack folder
    // for a root module) is also what makes it valid: Terraform refuses a condition that refers
    // to nothing in the configuration.
    condition: `\${try(filebase64sha256("\${path.module}/${assetPath}"), "") == "${sourceCodeHash}"}`,
    errorMessage: CODE_CHANGED_MESSAGE,
  };
}
