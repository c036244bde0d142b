import type { Config } from "jest";

/** The e2e suite: terraform apply against moto, then the worker's behaviour. Minutes, not seconds. */
// Not imported from jest.config.ts: on Node 22 jest loads both files as ES modules, where an
// extensionless import of our own file does not resolve.
const config: Config = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  setupFiles: ["<rootDir>/__tests__/helpers/isolated-state.ts"],
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/__tests__/e2e/**/*.e2e.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 600_000,
  // One suite owns one moto server; running suites one after another keeps the 2 cores for terraform.
  maxWorkers: 1,
};

export default config;
