#!/usr/bin/env node
// npm run test:e2e: the end-to-end suites in two lanes at once, balanced by measured time on 2
// cores. The first lane runs the in-repo terraform suites (apply and plan against moto, the cdktf
// CLI) one after another; the second the consumer apps (npm install of the packed tarball from
// the registry or npm's cache, then synth, and the README's quick start with its deploys) and the
// DLQ tool's suites, which mostly wait (a frozen endpoint, a 40 s stall, a rate limit). The second
// lane's output is printed when it ends, so the two never interleave. Extra arguments go to both
// jest runs (for example a test name pattern with -t).
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const WAITING = [
  "__tests__/e2e/quick-start.e2e.test.ts",
  "__tests__/e2e/consumer-app.e2e.test.ts",
  "__tests__/e2e/consumer-provider-v6.e2e.test.ts",
  "__tests__/e2e/consumer-cdktn.e2e.test.ts",
  "__tests__/e2e/dlq-faults.e2e.test.ts",
  "__tests__/e2e/dlq.e2e.test.ts",
  "__tests__/e2e/dlq-peek.e2e.test.ts",
  "__tests__/e2e/worker-local-cli.e2e.test.ts",
];

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(
    "usage: npm run test:e2e [-- <jest options>]\n\nRuns the e2e suites (jest.e2e.config.ts) against the emulator in two lanes: busy suites one after another, and the DLQ tool's waiting suites beside them.\n",
  );
  process.exit(0);
}

const jest = require.resolve("jest/bin/jest");
const extra = process.argv.slice(2);
const lane = (args, capture) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [jest, "--config", "jest.e2e.config.ts", ...args, ...extra], {
      cwd: ROOT,
      stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    let output = "";
    if (capture) for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output += chunk));
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });

const escapeRegExp = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
Promise.all([
  lane(["--testPathIgnorePatterns", "/node_modules/", ...WAITING.map(escapeRegExp)], false),
  lane(["--runTestsByPath", ...WAITING], true),
]).then(([busy, waiting]) => {
  process.stderr.write(
    `\n--- the consumer, quick-start and DLQ tool e2e suites (run beside the others) ---\n${waiting.output}`,
  );
  process.exit(busy.code || waiting.code);
});
