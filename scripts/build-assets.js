// The last step of `npm run build`: copies into dist/ the files the compiled tools load by path
// and tsc does not emit: the emulator's moto launcher (Python) and the local runner's plain
// JavaScript thread files (loaded by worker_threads without the TypeScript hook).
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const ASSETS = [
  "tools/emulator/moto_server.py",
  ...fs
    .readdirSync(path.join(ROOT, "tools", "local-runner"))
    .filter((file) => file.endsWith(".js"))
    .map((file) => `tools/local-runner/${file}`),
];

for (const asset of ASSETS) {
  const target = path.join(ROOT, "dist", asset);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(ROOT, asset), target);
}
