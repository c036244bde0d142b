#!/usr/bin/env node
// The package's `sqs-worker` command (npx sqs-worker --help): dlq, run, emulator, from the
// compiled JavaScript in dist/ (built by `npm run build`, which npm install and npm pack run).
// In this repository the same code runs from its sources: npm run dlq, worker:local, emulator.
"use strict";
const { main } = require("../dist/tools/sqs-worker.js");
main(process.argv.slice(2)).then((code) => process.exit(code));
