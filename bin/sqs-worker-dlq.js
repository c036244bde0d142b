#!/usr/bin/env node
// The package's `sqs-worker-dlq` command: the same as `npm run dlq -- ...`, from the compiled
// JavaScript in dist/ (built by `npm run build`, which npm install and npm pack run).
"use strict";
const { main } = require("../dist/tools/dlq.js");
main(process.argv.slice(2)).then((code) => process.exit(code));
