import type { Config } from "jest";

/**
 * Tests are transpiled by swc without type-checking (fast); `npm test` runs `tsc --noEmit`
 * once before jest, so types are still checked.
 */
const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // The e2e suite (real terraform apply against moto) has its own config: npm run test:e2e.
  testPathIgnorePatterns: ["/node_modules/", "/__tests__/e2e/"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120_000,
  setupFiles: ["<rootDir>/__tests__/helpers/isolated-state.ts"],
};

export default config;
