#!/usr/bin/env node
// The package's `sqs-worker-dlq` command: the same as `npm run dlq -- ...` (TypeScript run
// without type-checking through the repository's esbuild hook).
"use strict";
require("../scripts/register-ts.js");
const { main } = require("../tools/dlq.ts");
main(process.argv.slice(2)).then((code) => process.exit(code));
