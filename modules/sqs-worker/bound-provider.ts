/**
 * Which hashicorp/aws version the installed provider bindings target: the construct offers a
 * feature only when the provider that will check and apply the configuration accepts it (see
 * provider-features.ts). The reading lives here alone, behind a list of sources, so that another
 * binding package (CDK Terrain's `@cdktn/provider-aws`) can add its own, and tests can pretend a
 * version that is not installed.
 */

/** The provider bindings the construct builds with, and the hashicorp/aws version they target. */
export interface BoundProvider {
  /** The bindings' npm package, e.g. `@cdktf/provider-aws`. */
  readonly bindings: string;
  /** The bindings' own version, e.g. `20.1.0`. */
  readonly bindingsVersion: string;
  /** The hashicorp/aws version the bindings were generated from, e.g. `5.100.0`. */
  readonly awsVersion: string;
}

/** A way to learn the bound provider; `undefined` when its bindings are not installed. */
export type BoundProviderSource = () => BoundProvider | undefined;

/**
 * The bindings package the construct's own imports name. In the CDK Terrain build (entry points
 * `sqs-worker-cdktf/cdktn`, written by scripts/build-cdktn.js) this string and every
 * `@cdktf/provider-aws` specifier below read `@cdktn/provider-aws`, so each build reads the
 * package whose classes build its resources.
 */
const BINDINGS = "@cdktf/provider-aws";

/**
 * `@cdktf/provider-aws` records the provider it was generated from in its package.json
 * (`cdktf.provider.version`; 20.1.0 says 5.100.0, 21.22.1 says 6.25.0); `@cdktn/provider-aws`
 * in `cdktn.provider.version` (25.7.0 says 6.66.0, and keeps the `cdktf` block as well). It is
 * resolved from this file, as the construct's own `@cdktf/provider-aws/lib/...` imports are, so
 * it is the copy whose classes build the resources.
 */
export const cdktfProviderAws: BoundProviderSource = () => {
  type ProviderBlock = { provider?: { version?: unknown } };
  let manifest: { version?: unknown; cdktf?: ProviderBlock; cdktn?: ProviderBlock };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a manifest that may be absent, read when asked; the cdktn build rewrites this specifier
    manifest = require("@cdktf/provider-aws/package.json") as typeof manifest;
  } catch {
    return undefined;
  }
  const awsVersion = manifest.cdktn?.provider?.version ?? manifest.cdktf?.provider?.version;
  if (typeof awsVersion !== "string" || typeof manifest.version !== "string") return undefined;
  return { bindings: BINDINGS, bindingsVersion: manifest.version, awsVersion };
};

/** The sources asked in order; the first that answers wins. */
let sources: readonly BoundProviderSource[] = [cdktfProviderAws];

/**
 * Asks `source` first from now on (another binding package, or a test pretending a version), and
 * returns a function that puts the previous sources back.
 */
export function useBoundProviderSource(source: BoundProviderSource): () => void {
  const previous = sources;
  sources = [source, ...previous];
  return () => {
    sources = previous;
  };
}

/** A source that always answers `awsVersion` (for tests and the lanes that cannot install it). */
export function fixedBoundProvider(
  awsVersion: string,
  bindings = "@cdktf/provider-aws",
  bindingsVersion = "(pretended)",
): BoundProviderSource {
  return () => ({ bindings, bindingsVersion, awsVersion });
}

/** The bound provider, from the first source that answers; throws when none does. */
export function boundProvider(): BoundProvider {
  for (const source of sources) {
    const found = source();
    if (found) return found;
  }
  throw new Error(
    `sqs-worker-cdktf: cannot tell which hashicorp/aws version the installed provider bindings target (is ${BINDINGS} installed?)`,
  );
}

/** The numeric parts of a version such as `6.22.1` (a pre-release suffix is ignored). */
function parts(version: string): number[] {
  return version
    .split("-")[0]
    .split(".")
    .map((p) => Number.parseInt(p, 10) || 0);
}

/** True when `version` is `needed` or newer (numeric comparison, part by part). */
export function versionAtLeast(version: string, needed: string): boolean {
  const a = parts(version);
  const b = parts(needed);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}
