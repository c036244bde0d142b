/**
 * The AWS region every `sqs-worker` command uses unless told: --region, else AWS_REGION, else
 * the app's default (DEFAULT_REGION, the same constant as `settingsFromEnv`).
 */
import type { CliOption } from "./cli";
import { DEFAULT_REGION, REGION_PATTERN } from "../../modules/tool-facts";

export { DEFAULT_REGION };

/** `--region`, as every command that calls AWS lists it. */
export const REGION_OPTION: CliOption = {
  type: "string",
  value: "REGION",
  description: `AWS region (default AWS_REGION, then ${DEFAULT_REGION})`,
};

/** The region a command runs in: `given` (--region) when not empty, else AWS_REGION, else {@link DEFAULT_REGION}. */
export function regionOf(
  given: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return given || env.AWS_REGION || DEFAULT_REGION;
}

/** Whether `region` is shaped like an AWS region (us-east-1): a typo otherwise reaches SQS as a host name. */
export function isRegionName(region: string): boolean {
  return REGION_PATTERN.test(region);
}
