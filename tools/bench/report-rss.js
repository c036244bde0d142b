// Preloaded into each measured process: writes its peak resident set size (KB) to the file
// named by BENCH_RSS_FILE when it exits, so the benchmark needs no external `time` binary.
"use strict";
const fs = require("fs");
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE) fs.writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
