import { Token } from "cdktf";

/**
 * True when a value holds a cdktf token that only Terraform can resolve (a variable, another
 * resource's attribute). Rules and advice skip such values instead of guessing.
 */
export function isUnresolved(value: unknown): boolean {
  return (typeof value === "string" || typeof value === "number") && Token.isUnresolved(value);
}
