import { App, type TerraformResource } from "cdktf";

/**
 * `depends_on` for HCL output. cdktf 0.21 writes the resource addresses of `dependsOn` as
 * strings in both synth modes; JSON needs exactly that, but in HCL Terraform warns "Quoted
 * references are deprecated". In HCL mode this rewrites the list as a bare expression
 * (`[aws_iam_role_policy.x]`); in JSON mode it leaves cdktf's output alone.
 */
export function unquoteDependsOnInHcl(resource: TerraformResource, dependencies: readonly TerraformResource[]): void {
  if (!App.of(resource).hclOutput) return;
  const addresses = dependencies.map(
    (dependency) => `${dependency.terraformResourceType}.${dependency.friendlyUniqueId}`,
  );
  resource.addOverride("depends_on", `[${addresses.join(", ")}]`);
}
