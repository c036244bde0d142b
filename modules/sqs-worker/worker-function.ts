import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction, type LambdaFunctionEnvironment } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { codeHashPrecondition } from "./code-precondition";
import { functionEnvironment } from "./construct-environment";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { unquoteDependsOnInHcl } from "./depends-on";
import { literalForTerraform } from "./environment";
import { BUNDLE_HANDLER, type LambdaBundle } from "./lambda-bundle";
import type { WorkerNames } from "./names";

/** What the function is created after and runs as. */
export interface WorkerFunctionDependencies {
  readonly bundle: LambdaBundle;
  readonly role: IamRole;
  /** Created first, or Lambda creates a log group without retention. */
  readonly logGroup: CloudwatchLogGroup;
  /** Created first: a traced function writes to X-Ray from its first invocation. */
  readonly rolePolicy: IamRolePolicy;
}

/** The function's log group, created by Terraform (not by Lambda) so that its retention is managed. */
export function createLogGroup(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, "LogGroup", {
    name: names.logGroup,
    retentionInDays: config.lambda.logRetentionDays,
  });
}

/** The worker function, running the bundle (uploaded as the asset `Code`) with the worker role. */
export function createWorkerFunction(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
  { bundle, role, logGroup, rolePolicy }: WorkerFunctionDependencies,
): LambdaFunction {
  const code = new TerraformAsset(scope, "Code", {
    path: bundle.zipPath,
    type: AssetType.FILE,
    assetHash: bundle.sha256Hex,
  });
  const fn = new LambdaFunction(scope, "Function", {
    functionName: names.function,
    role: role.arn,
    runtime: config.lambda.runtime,
    architectures: [config.lambda.architecture],
    handler: BUNDLE_HANDLER,
    filename: code.path,
    sourceCodeHash: bundle.sourceCodeHash,
    timeout: config.lambda.timeoutSeconds,
    memorySize: config.lambda.memorySizeMb,
    reservedConcurrentExecutions: config.lambda.reservedConcurrency,
    tracingConfig: { mode: config.lambda.tracing },
    environment: terraformEnvironment(config, names),
    dependsOn: [logGroup, rolePolicy],
  });
  unquoteDependsOnInHcl(fn, [logGroup, rolePolicy]);
  // The zip Terraform uploads must be the one hashed above: see codeHashPrecondition.
  fn.lifecycle = { precondition: [codeHashPrecondition(code.path, bundle.sourceCodeHash)] };
  return fn;
}

/** The function's environment variables as Terraform literals; none when there are none. */
function terraformEnvironment(
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
): LambdaFunctionEnvironment | undefined {
  // Only strings reach here: the rule table refused anything else.
  const environment = functionEnvironment(config, names) as Record<string, string>;
  if (Object.keys(environment).length === 0) return undefined;
  return {
    variables: Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, literalForTerraform(value)])),
  };
}
