// Parses one HCL file with HashiCorp's parser (@cdktf/hcl2json, Go compiled to WebAssembly) in
// a thread of its own, which the caller stops once the answer is in: the Go runtime stays
// resident after a parse (its memory, and scheduler timers that keep an event loop busy), and
// the runner's process has no further use for it. Plain JavaScript: worker_threads loads it
// without the TypeScript hook.
"use strict";
const { parentPort, workerData } = require("worker_threads");
const { parse } = require("@cdktf/hcl2json");

parse(workerData.filename, workerData.contents).then(
  (json) => parentPort.postMessage({ ok: true, json }),
  (error) => parentPort.postMessage({ ok: false, message: String((error && error.message) || error) }),
);
