// Preloaded (through NODE_OPTIONS) into every Node process of a measured command: each writes
// its peak resident set size in KB to <BENCH_RSS_DIR>/<pid> when it exits, so the benchmark can
// take the largest one (npm and the app it starts are separate processes) without `time`.
"use strict";
const fs = require("fs");
const path = require("path");
process.on("exit", () => {
  if (process.env.BENCH_RSS_DIR)
    fs.writeFileSync(path.join(process.env.BENCH_RSS_DIR, String(process.pid)), String(process.resourceUsage().maxRSS));
});
