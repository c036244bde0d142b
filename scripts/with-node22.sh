#!/usr/bin/env bash
# Runs a command with Node.js 22 first on PATH: `bash scripts/with-node22.sh npm test`.
# The machines run Node 20 (past its end of life); the package must keep working on 20 and 22,
# so CI runs the README's test command on both. Node 22 comes from the npm registry (the `node`
# package), pinned, installed once into the cache folder below; later runs reuse it.
set -euo pipefail
NODE22_VERSION=22.23.3
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" || $# -eq 0 ]]; then
  echo "usage: bash scripts/with-node22.sh <command> [args...]"
  echo
  echo "Runs the command with Node.js ${NODE22_VERSION} (from the npm registry, cached in"
  echo "\${XDG_CACHE_HOME:-~/.cache}/sqs-worker/node-${NODE22_VERSION}) first on PATH."
  exit 0
fi
prefix="${XDG_CACHE_HOME:-$HOME/.cache}/sqs-worker/node-${NODE22_VERSION}"
bin="$prefix/node_modules/.bin"
if [[ "$("$bin/node" --version 2>/dev/null || true)" != "v${NODE22_VERSION}" ]]; then
  echo "with-node22: installing node@${NODE22_VERSION} from the npm registry into $prefix" >&2
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@${NODE22_VERSION}" >&2
  actual="$("$bin/node" --version)"
  [[ "$actual" == "v${NODE22_VERSION}" ]] || { echo "with-node22: expected v${NODE22_VERSION}, got $actual" >&2; exit 1; }
fi
PATH="$bin:$PATH" exec "$@"
