import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import type { Construct } from "constructs";
import type { WorkerNames } from "./names";
import { offers } from "./provider-features";

/** The ARNs of the worker's two queues, and the region they are in. */
export interface QueueArns {
  readonly queue: string;
  readonly deadLetterQueue: string;
  readonly region: string;
}

/**
 * The ARNs the worker's two queues will have, from their names and the provider's partition,
 * region and account (`arn:<partition>:sqs:<region>:<account>:<name>`, as SQS forms them), so
 * that each queue's own attributes can name itself and the other before either exists. Also
 * the region, which the dashboard's widgets name. The region is the data source's `region` from
 * hashicorp/aws 6.0, which deprecates `name` for it; 5.x has only `name`.
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade#data-source-aws_region
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html#amazonsqs-resources-for-iam-policies
 */
export function queueArns(scope: Construct, names: WorkerNames, awsVersion: string): QueueArns {
  const partition = new DataAwsPartition(scope, "Partition").partition;
  const regionData = new DataAwsRegion(scope, "Region");
  // By name: the 5.x bindings this compiles against have no `region` getter.
  const region = offers(awsVersion, "regionAttribute") ? regionData.getStringAttribute("region") : regionData.name;
  const account = new DataAwsCallerIdentity(scope, "Account").accountId;
  const arn = (name: string) => `arn:${partition}:sqs:${region}:${account}:${name}`;
  return { queue: arn(names.queue), deadLetterQueue: arn(names.deadLetterQueue), region };
}
