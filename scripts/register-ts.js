// This repository's older name for the package's TypeScript loader (register.js, shipped as
// sqs-worker-cdktf/register): tests and npm scripts that preload ./scripts/register-ts.js run
// the same implementation as the quick start's `node -r sqs-worker-cdktf/register main.ts`.
"use strict";
require("../register.js");
