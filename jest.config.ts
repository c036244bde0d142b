import * as os from "os";
import type { Config } from "jest";

/**
 * Two runs, one list. `npm run test:unit` runs the suites that stay inside the jest process (the
 * construct, the handler, the tools' logic, in-process synth and snapshots): seconds, for each
 * edit. `npm run test:integration` runs the suites below, each of which starts another program
 * (terraform, the cdktf CLI, npm, node on a script or an app, moto). A suite is in the
 * integration run only when it is listed here, and in the unit run otherwise, so none is in both
 * or neither; __tests__/test-runs.test.ts fails when a listed file no longer exists, and when a
 * suite in __tests__/e2e/ is named so that the e2e run would not pick it up.
 *
 * No `__dirname` and no imports of our own files here or in jest.e2e.config.ts: on Node 22 jest
 * loads these files as ES modules (Node strips the types itself), where neither exists. The
 * rootDir is this file's folder, jest's default.
 * `npm test` runs both (one jest run, both projects) after `tsc --noEmit`: tests are transpiled
 * by swc without type-checking.
 */
export const INTEGRATION_SUITES = [
  "api-report.test.ts", // generates the published .d.ts with tsc and spawns the update command
  "cli.test.ts", // the synth and DLQ commands as processes
  "code-precondition.test.ts", // terraform test with a mocked provider
  "emulator-cli.test.ts", // sqs-worker emulator with moto
  "lambda-bundle-processes.test.ts", // npm run synth in processes of its own, unzip
  "lint-layers.test.ts", // ESLint with the repository config, in a process (ES modules)
  "package-contents.test.ts", // npm pack --dry-run
  "provider-gates.test.ts", // terraform validate of the gated features
  "redrive-command.test.ts", // processes holding or losing the redrive lock
  "redrive-lock.test.ts", // five processes racing for the lock
  "register.test.ts", // node -r sqs-worker-cdktf/register on apps
  "snapshots-cli.test.ts", // cdktf synth --hcl, compared with the snapshots' HCL
  "sqs-worker-cli.test.ts", // the sqs-worker command as a process
  "stack-folder.test.ts", // the commands as processes on synthesized folders
  "terraform-validate.test.ts", // terraform init and validate of every stack
];

const escape = (file: string) => file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What every run shares, the e2e config included. */
export const common = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120_000,
  setupFiles: ["<rootDir>/__tests__/helpers/isolated-state.ts"],
} satisfies Config;

const config: Config = {
  // Jest's default, one worker fewer than the cores, is a single in-band process on the 2-core
  // machines, where the main process mostly waits: two workers took 145 s instead of 174 s for
  // both runs, and 41 s instead of 55 s for the unit run (a busy machine, 2026-11-28).
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  snapshotFormat: common.snapshotFormat,
  testTimeout: common.testTimeout,
  projects: [
    {
      ...common,
      displayName: "unit",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/*.test.ts"],
      // The e2e suites (terraform apply against moto) have their own config: npm run test:e2e.
      testPathIgnorePatterns: [
        "/node_modules/",
        "/__tests__/e2e/",
        ...INTEGRATION_SUITES.map((file) => `/__tests__/${escape(file)}$`),
      ],
    },
    {
      ...common,
      displayName: "integration",
      roots: ["<rootDir>/__tests__"],
      testMatch: INTEGRATION_SUITES.map((file) => `<rootDir>/__tests__/${file}`),
    },
  ],
};

export default config;
