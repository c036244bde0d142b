// One Lambda execution environment: a worker thread with its own module cache that loads the
// function's bundle once and runs one invocation at a time, as Lambda does. Plain JavaScript
// because it is loaded by worker_threads directly, without the TypeScript hook.
"use strict";
const { parentPort, workerData } = require("worker_threads");
const path = require("path");
const { installRecordFailureCapture } = require("./record-failure-capture");

// Before the bundle loads, so that the bundle's own reference to console is the wrapped one.
const recordFailures = installRecordFailureCapture();

// The init phase: load the bundle once, then tell the parent. As on Lambda, init is not part
// of the function timeout.
const [file, exportName] = workerData.handler.split(".");
const handler = require(path.join(workerData.codeDir, `${file}.js`))[exportName];
if (typeof handler !== "function") throw new Error(`${workerData.handler} is not a function in the bundle`);
parentPort.postMessage({ ready: true });

parentPort.on("message", async ({ event, requestId, deadline }) => {
  const context = {
    functionName: workerData.functionName,
    functionVersion: "$LATEST",
    memoryLimitInMB: String(workerData.memorySizeMb),
    awsRequestId: requestId,
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${workerData.functionName}`,
    logGroupName: `/aws/lambda/${workerData.functionName}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  recordFailures.start();
  let outcome;
  try {
    const result = await handler(event, context);
    outcome = { ok: true, result: result === undefined ? null : result };
  } catch (error) {
    outcome = { ok: false, error: { name: error && error.name, message: describe(error) } };
  }
  // messageId → the error the worker logged for it; left out when no record logged one.
  const recordErrors = recordFailures.stop();
  parentPort.postMessage({ requestId, ...outcome, ...(Object.keys(recordErrors).length > 0 ? { recordErrors } : {}) });
});

/**
 * The error's message; for Powertools' FullBatchFailureError ("All records failed processing.
 * See individual errors below.") the individual record errors it carries, which Lambda's log
 * would show after it, so that the runner's one line is not a pointer to nothing.
 */
function describe(error) {
  const message = String(error && error.message);
  const records = error && Array.isArray(error.recordErrors) ? error.recordErrors : [];
  if (records.length === 0) return message;
  const shown = records
    .slice(0, 3)
    .map((e) => String(e && e.message))
    .join("; ");
  const more = records.length > 3 ? ` (and ${records.length - 3} more)` : "";
  return `${message.replace(/\s*See individual errors below\.?$/, "")} Record errors: ${shown}${more}`;
}
