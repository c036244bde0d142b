/**
 * The benchmark's consumer app: another repository that installs this package from its packed
 * tarball, laid out as `cdktf init --template=typescript` lays it out, with the same services
 * as this repository's app (examples/services.ts: the same settings, the same three worker
 * files, importing the plumbing from `sqs-worker-cdktf/worker` instead of `./worker`).
 *
 * Its cdktf.json app is the quick start's `node -r sqs-worker-cdktf/register main.ts`; the same
 * folder holds the naive variants the bench compares against: `npx ts-node main.ts` (the cdktf
 * template's app, which type-checks on every synth) and `npx ts-node naive.ts` (the same app
 * with the provider bindings imported from the package root, as cdktf's examples do).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_SERVICES } from "../../examples/services";

const ROOT = path.resolve(__dirname, "..", "..");

/** The compiler options `cdktf init --template=typescript` (cdktf 0.21) writes. */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ["es2018"],
    module: "CommonJS",
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: "ES2018",
    incremental: true,
    skipLibCheck: true,
  },
  include: ["**/*.ts"],
  exclude: ["node_modules", "cdktf.out"],
};

/** The quick start's app command (README), this repository's cdktf.json's too. */
export const QUICK_START_APP = "node -r sqs-worker-cdktf/register main.ts";

/** main.ts of the consumer: this repository's main.ts, with the package's entry points. */
const MAIN = `import { App } from "cdktf";
import { addServiceStacks, reportConfigErrors, runByCdktfCli, settingsFromEnv, synthAndReport } from "sqs-worker-cdktf/app";
import { SERVICES } from "./services";

reportConfigErrors(() => {
  const app = new App();
  addServiceStacks(app, SERVICES, settingsFromEnv(process.env));
  synthAndReport(app, runByCdktfCli(process.env) ? null : undefined);
});
`;

/** The naive variant: the same, plus the provider bindings from the package root. */
const NAIVE = `import * as aws from "@cdktf/provider-aws";
import "./main";

// Used, so that TypeScript keeps the import: the root loads every resource's bindings.
if (typeof aws.sqsQueue.SqsQueue !== "function") throw new Error("no SqsQueue");
`;

/** services.ts: the example catalog with each entry relative to the app ("workers/<file>"). */
function servicesSource(): string {
  const catalog = Object.fromEntries(
    Object.entries(EXAMPLE_SERVICES).map(([name, service]) => [
      name,
      { ...service, lambda: { ...service.lambda, entry: `workers/${path.basename(service.lambda.entry)}` } },
    ]),
  );
  return `import type { ServiceCatalog } from "sqs-worker-cdktf/app";\n\nexport const SERVICES: ServiceCatalog = ${JSON.stringify(catalog, null, 2)};\n`;
}

/** What setting up the consumer app took. */
export interface ConsumerSetup {
  readonly dir: string;
  readonly tarball: string;
  readonly packMs: number;
  readonly installMs: number;
}

/**
 * Packs this repository (`npm pack`, which builds it) into `work` and installs the tarball with
 * its peers into `work/consumer` from the npm cache when it holds them (`--prefer-offline`),
 * else from the registry.
 */
export function setUpConsumerApp(work: string, env: NodeJS.ProcessEnv): ConsumerSetup {
  const quiet = {
    env: { ...env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
    maxBuffer: 64 << 20,
  };
  let started = Date.now();
  const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
    ...quiet,
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tarball = path.join(
    work,
    (JSON.parse(packed.slice(packed.indexOf("["))) as { filename: string }[])[0].filename,
  );
  const packMs = Date.now() - started;

  const dir = path.join(work, "consumer");
  const { devDependencies } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  const pin = (name: string) => `${name}@${devDependencies[name]}`;
  fs.mkdirSync(path.join(dir, "workers"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer-app", version: "1.0.0", private: true, main: "main.js" }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(TEMPLATE_TSCONFIG, null, 2)}\n`);
  fs.writeFileSync(
    path.join(dir, "cdktf.json"),
    `${JSON.stringify({ language: "typescript", app: QUICK_START_APP, projectId: "consumer-app", sendCrashReports: "false", terraformProviders: [], terraformModules: [], context: {} }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, "main.ts"), MAIN);
  fs.writeFileSync(path.join(dir, "naive.ts"), NAIVE);
  fs.writeFileSync(path.join(dir, "services.ts"), servicesSource());
  for (const service of Object.values(EXAMPLE_SERVICES)) {
    const source = fs
      .readFileSync(service.lambda.entry, "utf8")
      .replace(/from "\.\/worker"/g, 'from "sqs-worker-cdktf/worker"');
    fs.writeFileSync(path.join(dir, "workers", path.basename(service.lambda.entry)), source);
  }
  started = Date.now();
  // The README's install line: the tarball, its tested peers, TypeScript 5, the cdktf CLI; ts-node for the template's app.
  const packages = [
    tarball,
    pin("cdktf"),
    pin("constructs"),
    pin("@cdktf/provider-aws"),
    pin("typescript"),
    pin("cdktf-cli"),
    pin("ts-node"),
    pin("@types/node"),
  ];
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--save-exact", ...packages], {
    ...quiet,
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  return { dir, tarball, packMs, installMs: Date.now() - started };
}
