import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Construct } from "constructs";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { lambdaTrustStatements, optionalWorkerStatements, workerPolicyStatements } from "./iam-statements";
import { idempotencyStatements } from "./idempotency";
import type { WorkerNames } from "./names";

/** The worker function's execution role, which only the Lambda service may assume. */
export function createWorkerRole(scope: Construct, names: WorkerNames): IamRole {
  const trustPolicy = new DataAwsIamPolicyDocument(scope, "TrustPolicy", { statement: lambdaTrustStatements() });
  return new IamRole(scope, "Role", { name: names.role, assumeRolePolicy: trustPolicy.json });
}

/** The ARNs the worker role's inline policy grants on. */
export interface WorkerRolePolicyScope {
  readonly role: IamRole;
  readonly queueArn: string;
  readonly logGroupArn: string;
  /** The table's ARN attribute: the policy, and so the function, come after the table. */
  readonly idempotencyTableArn: string | undefined;
}

/** The worker role's inline policy: least privilege on this worker's own resources. */
export function createWorkerRolePolicy(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
  granted: WorkerRolePolicyScope,
): IamRolePolicy {
  const workerPolicy = new DataAwsIamPolicyDocument(scope, "WorkerPolicy", {
    statement: [
      ...workerPolicyStatements({ queueArn: granted.queueArn, logGroupArn: granted.logGroupArn }),
      ...optionalWorkerStatements({ tracing: config.lambda.tracing === "Active", kmsKeyArn: config.queue.kmsKeyArn }),
      ...(granted.idempotencyTableArn ? idempotencyStatements(granted.idempotencyTableArn) : []),
    ],
  });
  return new IamRolePolicy(scope, "RolePolicy", {
    name: names.role,
    role: granted.role.id,
    policy: workerPolicy.json,
  });
}
