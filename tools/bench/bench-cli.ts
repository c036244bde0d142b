import type { CliSpec } from "../shared/cli";

/** `npm run bench` takes no options (its knobs are environment variables); `--help` says so. */
export const BENCH_CLI: CliSpec = {
  usage: "npm run bench [-- --help]",
  summary:
    "Measures synth speed, memory and scale, and the worker's size and per-batch overhead; prints a table and writes bench/results.json.",
  options: {},
  more: [
    "environment:",
    "  BENCH_RUNS     runs per figure after a warm-up run (default 5)",
    "  BENCH_SCALES   generated service counts, comma-separated (default 1,10,100,1000)",
    "  BENCH_BATCHES  batches of 10 for the handler overhead (default 20000)",
  ].join("\n"),
};
