import type { Config } from "jest";
import { common } from "./jest.config";

/** The e2e suite: terraform apply against moto, then the worker's behaviour. Minutes, not seconds. */
const config: Config = {
  ...common,
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/__tests__/e2e/**/*.e2e.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 600_000,
  // One suite owns one moto server; running suites one after another keeps the 2 cores for terraform.
  maxWorkers: 1,
};

export default config;
