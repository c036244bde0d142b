import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SqsWorkerConfigError } from "./config-error";
import type { ResolvedSqsWorkerConfig } from "./resolve-config";
import { LambdaBundleError, bundleLambda, bundleSizeProblems, type LambdaBundle } from "./lambda-bundle";
import { findNameClash } from "./name-registry";
import type { WorkerNames } from "./names";
import { isRefusedPath, type SynthTimeCheck } from "./synth-time-props";
import { findViolations, show } from "./validate";

/**
 * What SqsWorker checks before it creates any resource (after the shape check): the rule table,
 * name clashes with the app's other workers, and the worker's bundle.
 */

/** The region of the default AWS provider of the worker's stack, if it has one. */
export function providerRegion(scope: Construct): string | undefined {
  const provider = TerraformStack.of(scope)
    .node.children.filter((child): child is AwsProvider => child instanceof AwsProvider)
    .find((p) => p.alias === undefined);
  return provider?.region;
}

/**
 * Checks every rule and bundles the worker's entry before any resource exists, and throws one
 * {@link SqsWorkerConfigError} listing every problem: a file esbuild cannot bundle, or one
 * without a `handler` export, is reported like a broken rule, in one line. `synthTime` holds the
 * values refused for being Terraform expressions where the construct needs them at synth: they are
 * reported first, and the rules (and the name and bundle checks) on those props are left out,
 * since they would read the defaults that stand in for them.
 */
export function validateAndBundle(
  scope: Construct,
  config: ResolvedSqsWorkerConfig,
  names: WorkerNames,
  synthTime: Pick<SynthTimeCheck, "violations" | "refusedPaths"> = { violations: [], refusedPaths: [] },
): LambdaBundle {
  const refused = (path: string) => isRefusedPath(path, synthTime.refusedPaths);
  const violations = [...synthTime.violations, ...findViolations(config).filter((v) => !refused(v.path))];
  const clash = refused("serviceName") || refused("namePrefix") ? undefined : findNameClash(scope, names, config);
  if (clash) {
    violations.push({
      serviceName: config.serviceName,
      path: "serviceName",
      rule: `gives AWS names that ${clash.owner} in this app already creates (${clash.clashes.join(", ")}): choose another serviceName, or a namePrefix`,
      given: `${show(config.serviceName)}${config.namePrefix ? ` with namePrefix ${show(config.namePrefix)}` : ""}`,
    });
  }
  let bundle: LambdaBundle | undefined;
  if (!violations.some((v) => v.path === "lambda.entry") && !refused("lambda.entry")) {
    try {
      bundle = bundleLambda(config.lambda.entry, undefined, { idempotency: config.idempotency !== undefined });
    } catch (error) {
      if (!(error instanceof LambdaBundleError)) throw error;
      violations.push({
        serviceName: config.serviceName,
        path: "lambda.entry",
        rule: error.message,
        given: show(config.lambda.entryGiven),
      });
    }
  }
  // Lambda refuses an oversized package only at apply, after the queues and the role exist.
  for (const rule of bundle ? bundleSizeProblems(bundle) : []) {
    violations.push({
      serviceName: config.serviceName,
      path: "lambda.entry",
      rule,
      given: show(config.lambda.entryGiven),
    });
  }
  if (violations.length > 0 || !bundle) throw new SqsWorkerConfigError(violations);
  return bundle;
}
