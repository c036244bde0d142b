/**
 * A local filesystem mirror of the hashicorp/aws provider, for machines without registry
 * access: the tests install providers only from it, and `npm run emulator` offers a Terraform
 * CLI config that does the same.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The hashicorp/aws version @cdktf/provider-aws 20.1.0 binds, and the one the machines mirror. */
export const AWS_PROVIDER_VERSION = "5.100.0";

/** Where machine images put a local provider mirror (unpacked layout); TF_PROVIDER_MIRROR wins. */
const MIRROR_CANDIDATES = [
  "/opt/tf-plugins",
  path.join(os.homedir(), ".terraform.d", "plugins"),
  "/usr/share/terraform/plugins",
  "/usr/local/share/terraform/plugins",
];

/** A folder holding registry.terraform.io/hashicorp/aws/<version>/<os_arch>, or undefined. */
export function findProviderMirror(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const candidates = env.TF_PROVIDER_MIRROR ? [env.TF_PROVIDER_MIRROR] : MIRROR_CANDIDATES;
  const platform = `${os.platform()}_${os.arch() === "x64" ? "amd64" : os.arch()}`;
  return candidates.find((dir) =>
    fs.existsSync(path.join(dir, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION, platform)),
  );
}

/** A Terraform CLI config whose only provider source is `mirror` (the public registry is excluded). */
export function mirrorOnlyCliConfig(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}
