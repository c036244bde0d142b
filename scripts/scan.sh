#!/usr/bin/env bash
# npm run scan: checkov over the synthesized Terraform JSON of every example stack.
#
# checkov comes from PyPI at a pinned version, into a virtual environment this script creates
# (.venv-checkov, git-ignored), so the scan works on a fresh machine with only python3.
# Skips are listed, each with its reason, in .checkov.yaml; anything else failing fails the scan.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: npm run scan"
case "${1:-}" in
  "") ;;
  -h | --help)
    printf '%s\n\n%s\n\n%s\n' "$usage" \
      "Synthesizes the example stacks and scans their Terraform JSON with checkov (installed on first use into .venv-checkov; skips and reasons in .checkov.yaml)." \
      "options:
  -h, --help  print this help and exit"
    exit 0 ;;
  *) echo "scan: unknown argument $1. $usage (--help lists every option)" >&2; exit 2 ;;
esac

CHECKOV_VERSION="3.3.30"
VENV=".venv-checkov"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/checkov" ] || [ "$("$VENV/bin/pip" show checkov 2>/dev/null | sed -n 's/^Version: //p')" != "$CHECKOV_VERSION" ]; then
  echo "installing checkov $CHECKOV_VERSION into $VENV ..."
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

npm run --silent synth
# No network here: no update check, no Bridgecrew platform, no downloads of external checks.
export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
"$VENV/bin/checkov" --config-file .checkov.yaml --directory cdktf.out/stacks --framework terraform_json --compact --quiet --skip-download
