// Collects the worker plumbing's per-record failure lines while an invocation runs, for the
// runner to print next to the ids the handler returned. Plain JavaScript: required by
// environment-thread.js, which worker_threads loads without the TypeScript hook.
//
// The contract (lambda-src/worker.ts, makeHandler): for every record that fails, exactly one
//   console.error(JSON.stringify({ event: "record-failed", messageId, error }))
// with `error` a one-line string. Other fields are allowed and ignored.
"use strict";

/**
 * Wraps console.log, console.warn and console.error of this thread once, before the bundle
 * loads (so a bundle that keeps a reference to console.error at init is covered too). Every
 * call still writes exactly what it wrote before; only while `start()`..`stop()` runs are the
 * contract lines also collected. Returns those two functions; `stop()` gives messageId → error.
 */
function installRecordFailureCapture(target = console) {
  let collected;
  for (const method of ["log", "warn", "error"]) {
    const original = target[method];
    target[method] = function capturingConsole(...args) {
      if (collected) noteRecordFailure(collected, args);
      return original.apply(this, args);
    };
  }
  return {
    start() {
      collected = new Map();
    },
    stop() {
      const result = collected ? Object.fromEntries(collected) : {};
      collected = undefined;
      return result;
    },
  };
}

function noteRecordFailure(collected, args) {
  const line = args[0];
  // Cheap test first: most log lines are not the contract line and need no JSON parse.
  if (args.length !== 1 || typeof line !== "string" || !line.includes('"record-failed"')) return;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if (!entry || entry.event !== "record-failed" || typeof entry.messageId !== "string") return;
  // The first line wins: the contract is one per failed record, and a later duplicate must not
  // replace the reason the record actually failed with.
  if (collected.has(entry.messageId)) return;
  const error = typeof entry.error === "string" ? entry.error : (JSON.stringify(entry.error) ?? "no reason logged");
  collected.set(entry.messageId, error.replace(/\s*\n\s*/g, " "));
}

module.exports = { installRecordFailureCapture };
