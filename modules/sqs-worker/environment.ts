import { Fn } from "cdktf";

/**
 * What Lambda accepts as a function's environment, checked at synth by the rule table.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */

/**
 * Keys the construct sets on the function itself (`SQS_WORKER_IDEMPOTENCY_TABLE`, ...): the
 * worker plumbing reads them, so a user's value would silently change its behaviour.
 */
export const CONSTRUCT_ENVIRONMENT_PREFIX = "SQS_WORKER_";

/** Keys Lambda sets itself and refuses in a function's configuration ("defined runtime environment variables"). */
export const RESERVED_ENVIRONMENT_KEYS = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
  "TZ",
] as const;

/** Lambda's pattern for an environment variable's key. */
export const ENVIRONMENT_KEY_PATTERN = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

/** Lambda's limit on the total size of all keys and values, in bytes. */
export const MAX_ENVIRONMENT_BYTES = 4096;

/** The entries of an environment given as an object (anything else has none: the shape check reports it). */
export function environmentEntries(environment: unknown): [string, unknown][] {
  return environment && typeof environment === "object" && !Array.isArray(environment)
    ? Object.entries(environment)
    : [];
}

/** The total size Lambda counts: UTF-8 bytes of every key and value. */
export function environmentBytes(environment: unknown): number {
  return environmentEntries(environment).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(String(value)),
    0,
  );
}

/** A cdktf token inside a string: `${TfToken[TOKEN.12]}`. */
const CDKTF_TOKEN = /\$\{TfToken\[[^\]]*\]\}/g;

/**
 * A value as Terraform must see it to pass it to Lambda literally: Terraform reads `${` and `%{`
 * in any string as a template ("Invalid reference"). Literal text goes through cdktf's
 * `Fn.rawString` (which writes `$${`) with `%{` written `%%{`; the cdktf tokens a value may hold
 * on purpose (a variable, another resource's attribute) stay expressions.
 */
export function literalForTerraform(value: string): string {
  const literal = (text: string) => {
    const directivesEscaped = text.replace(/%\{/g, "%%{");
    return directivesEscaped.includes("${") ? Fn.rawString(directivesEscaped) : directivesEscaped;
  };
  const tokens = value.match(CDKTF_TOKEN) ?? [];
  return value
    .split(CDKTF_TOKEN)
    .map((text, i) => literal(text) + (tokens[i] ?? ""))
    .join("");
}
