/**
 * The shape of the AWS identifiers the construct reads (regions, the region field of an ARN),
 * written once for the rule table and the stack.
 */

/**
 * A well-formed AWS Region name: lowercase `<area>-<place>-<number>`, with the extra part of
 * GovCloud, the isolated and the sovereign partitions (`us-east-1`, `eu-central-2`,
 * `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`). A shape, not a list, so a
 * Region newer than this package is accepted; `us-east1` or `US-EAST-1` are not Regions, and the
 * provider stops the plan on them ("invalid AWS Region").
 * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$/;

/** The same shape, for use inside a larger pattern (an ARN's region field). */
export const REGION_SOURCE = REGION_PATTERN.source.slice(1, -1);

/**
 * The partition of a well-formed region name: the ARNs of resources in that region carry it.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function partitionOfRegion(region: string): string {
  const prefixes: [RegExp, string][] = [
    [/^cn-/, "aws-cn"],
    [/^us-gov-/, "aws-us-gov"],
    [/^us-isob-/, "aws-iso-b"],
    [/^us-isof-|^eu-isof-/, "aws-iso-f"],
    [/^eu-isoe-/, "aws-iso-e"],
    [/^us-iso-/, "aws-iso"],
    [/^eusc-/, "aws-eusc"],
  ];
  return prefixes.find(([pattern]) => pattern.test(region))?.[1] ?? "aws";
}

/** The region of an app (and of the `sqs-worker` commands) given no AWS_REGION. */
export const DEFAULT_REGION = "us-east-1";
