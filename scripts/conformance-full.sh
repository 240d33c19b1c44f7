#!/usr/bin/env bash
# The full conformance run (CONFORMANCE.md): every set of ../shared/corpora through the
# tandvard-codegen conformance runner, then (optional, with --xsdata) the same units and
# instances through xsdata for the side-by-side comparison.
#
#   scripts/conformance-full.sh [--xsdata [PATH/TO/xsdata]] [CORPORA_DIR]
#
# Output: target/conformance/full.txt (runner), target/conformance/report.tsv (every check),
# target/conformance/summary.json; with --xsdata also target/conformance/xsdata-full.txt and
# target/conformance/xsdata-<set>.json. xsdata is installed with
#   python3 -m venv /tmp/xsvenv && /tmp/xsvenv/bin/pip install 'xsdata[cli,lxml]'
set -euo pipefail
cd "$(dirname "$0")/.."

xsdata=""
if [[ "${1:-}" == "--xsdata" ]]; then
  shift
  if [[ -n "${1:-}" && -x "${1:-}" ]]; then xsdata="$1"; shift; else xsdata="$(command -v xsdata || echo /tmp/xsvenv/bin/xsdata)"; fi
fi
corpora="${1:-../shared/corpora}"
if [[ ! -d "$corpora" ]]; then
  echo "no corpora at $corpora" >&2
  exit 2
fi

mkdir -p target/conformance
cargo build --release -p tandvard-conformance
sets=()
for d in "$corpora"/*/; do sets+=("${d%/}"); done
start=$(date +%s)
target/release/conformance "${sets[@]}" | tee target/conformance/full.txt
echo "tandvard-codegen: $(( $(date +%s) - start ))s" | tee -a target/conformance/full.txt

if [[ -n "$xsdata" ]]; then
  names=()
  for d in "${sets[@]}"; do names+=("$(basename "$d")"); done
  start=$(date +%s)
  "$(dirname "$xsdata")/python3" scripts/xsdata_conformance.py --xsdata "$xsdata" "${names[@]}" \
    | tee target/conformance/xsdata-full.txt
  echo "xsdata: $(( $(date +%s) - start ))s" | tee -a target/conformance/xsdata-full.txt
fi
