import { versionAtLeast } from "./bound-provider";

/**
 * What the construct can offer depends on the hashicorp/aws version the installed bindings target
 * (bound-provider.ts): a value the provider does not know fails `terraform validate` or plan, after
 * review, or is never sent to AWS. This is the one table of those facts; the rule table
 * (validate.ts), the advice table (advice.ts), the defaults and the resources read it, and
 * docs/construct.md lists it.
 */
export interface ProviderFeature {
  /** The AWS service, named in the message. */
  readonly service: string;
  /** The feature as a user writes it (a prop and value) or as the construct uses it. */
  readonly feature: string;
  /** The oldest hashicorp/aws version that accepts it. */
  readonly needsAws: string;
  /** The oldest @cdktf/provider-aws release binding that version (`npm view @cdktf/provider-aws@V cdktf`). */
  readonly cdktfBindings: string;
  /** Where the fact comes from. */
  readonly sources: readonly string[];
}

/** Every feature that depends on the bound provider, by key. */
export const PROVIDER_FEATURES = {
  /**
   * 5.100.0's runtime list ends at nodejs22.x (`expected runtime to be one of [...]`).
   */
  nodejs24Runtime: {
    service: "Lambda",
    feature: 'lambda.runtime "nodejs24.x"',
    needsAws: "6.19.0",
    cdktfBindings: "21.16.0",
    sources: [
      "https://github.com/hashicorp/terraform-provider-aws/pull/45024 (CHANGELOG: nodejs24.x accepted from 6.19.0)",
      "https://github.com/hashicorp/terraform-provider-aws/issues/44986",
      "https://aws.amazon.com/about-aws/whats-new/2025/11/aws-lambda-nodejs-24/",
    ],
  },
  /**
   * SQS raised its message limit to 1 MiB in August 2025; 5.100.0 still validates
   * `max_message_size` as 1024..262144 (measured with terraform validate).
   */
  oneMebibyteMessages: {
    service: "SQS",
    feature: "queue.maximumMessageBytes above 262144",
    needsAws: "6.8.0",
    cdktfBindings: "21.7.0",
    sources: [
      "https://github.com/hashicorp/terraform-provider-aws/pull/43710 (max_message_size 1024..1048576)",
      "https://github.com/hashicorp/terraform-provider-aws/issues/44054",
      "https://aws.amazon.com/about-aws/whats-new/2025/08/amazon-sqs-max-payload-size-1mib/",
    ],
  },
  /**
   * `provisioned_poller_config` exists in 5.100.0 for every source type; its validation there is
   * minimum_pollers 1..200 and maximum_pollers 1..2000 (measured with terraform validate). AWS
   * accepts provisioned mode on SQS mappings since 2025-11.
   */
  provisionedPollers: {
    service: "Lambda",
    feature: "eventSource.provisionedPollers",
    needsAws: "5.100.0",
    cdktfBindings: "20.1.0",
    sources: [
      "measured: terraform validate with hashicorp/aws 5.100.0 (__tests__/provider-gates.test.ts)",
      "https://aws.amazon.com/about-aws/whats-new/2025/11/aws-lambda-provisioned-mode-sqs-esm/",
      "https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html",
    ],
  },
  /**
   * 6.0 deprecates the data source `aws_region`'s `name` for `region`, which 5.x does not have: the
   * construct reads whichever the bound provider offers without a deprecation.
   */
  regionAttribute: {
    service: "AWS provider",
    feature: "data aws_region's region attribute (name is deprecated from 6.0)",
    needsAws: "6.0.0",
    cdktfBindings: "21.0.0",
    sources: [
      "https://github.com/hashicorp/terraform-provider-aws/blob/main/website/docs/guides/version-6-upgrade.html.markdown#data-source-aws_region",
    ],
  },
} as const satisfies Record<string, ProviderFeature>;

/** A key of {@link PROVIDER_FEATURES}. */
export type ProviderFeatureKey = keyof typeof PROVIDER_FEATURES;

/** True when a provider of `awsVersion` offers the feature. */
export function offers(awsVersion: string, key: ProviderFeatureKey): boolean {
  return versionAtLeast(awsVersion, PROVIDER_FEATURES[key].needsAws);
}

/** What the user must install for the feature, completing "needs ...". */
export function neededProvider(key: ProviderFeatureKey): string {
  const f = PROVIDER_FEATURES[key];
  return `hashicorp/aws >= ${f.needsAws} (@cdktf/provider-aws >= ${f.cdktfBindings})`;
}
