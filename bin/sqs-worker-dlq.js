#!/usr/bin/env node
// The old `sqs-worker-dlq` command: an alias of `sqs-worker dlq` kept for one minor version,
// with a one-line notice on stderr (stdout is the command's own).
"use strict";
process.stderr.write(
  "sqs-worker-dlq is deprecated: use `sqs-worker dlq` (same arguments); the alias goes in a later minor version\n",
);
const { main } = require("../dist/tools/sqs-worker.js");
main(["dlq", ...process.argv.slice(2)]).then((code) => process.exit(code));
