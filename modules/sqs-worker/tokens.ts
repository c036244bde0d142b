import { DefaultTokenResolver, StringConcat, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * True when a value holds a cdktf token that only Terraform can resolve (a variable, another
 * resource's attribute), of any kind: a string or number token, a list or map token, or an
 * `IResolvable` such as `variable.value` or `variable.booleanValue`. Rules and advice skip such
 * values instead of guessing.
 */
export function isUnresolved(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/**
 * A value as the user would recognise it in a message: its tokens resolved to the Terraform
 * expressions they stand for (`${var.stage}`, `${merge({"STAGE" = "dev"}, var.extra)}`), never
 * cdktf's placeholders (`${TfToken[TOKEN.72]}`) or an object's `creationStack`. `undefined`
 * when it cannot be resolved from `scope` (a caller then says "a Terraform expression").
 */
export function terraformExpression(value: unknown, scope: IConstruct | undefined): unknown {
  if (!scope) return undefined;
  try {
    return Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()) });
  } catch {
    return undefined;
  }
}

/**
 * Shows a given value in a message: strings quoted, objects as JSON, tokens as the Terraform
 * expression they resolve to (quoted, as Terraform JSON holds them).
 */
export function showValue(value: unknown, scope?: IConstruct): string {
  const token = isUnresolved(value);
  if (!token && (typeof value !== "object" || value === null))
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  const resolved = terraformExpression(value, scope);
  if (resolved === undefined && token) return "a Terraform expression";
  const shown = resolved === undefined ? value : resolved;
  try {
    return JSON.stringify(shown) ?? String(shown);
  } catch {
    return String(shown); // circular: not something a caller writes by hand
  }
}

/**
 * The name that messages give the service: `serviceName` as given; when it is a Terraform
 * expression, that expression (`${var.service}`), never a cdktf placeholder; `SqsWorker` when
 * there is none.
 */
export function serviceLabel(serviceName: unknown, scope?: IConstruct): string {
  if (typeof serviceName === "string" && !isUnresolved(serviceName)) return serviceName;
  const expression = isUnresolved(serviceName) ? terraformExpression(serviceName, scope) : undefined;
  return typeof expression === "string" ? expression : "SqsWorker";
}
