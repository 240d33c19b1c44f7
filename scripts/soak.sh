#!/usr/bin/env bash
# Load and soak: the generated client against serve-mock over mutual TLS on loopback,
# TASKS concurrent tasks for SECONDS (defaults 64 and 60), memory of both processes sampled
# every 5 s. Exits non-zero when a call failed or memory grew after warm-up.
# PROFILE=dev runs the debug build (quicker to build, slower to run).
# Usage: scripts/soak.sh [TASKS] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
profile=${PROFILE:-release}
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
target=${CARGO_TARGET_DIR:-$root/target}
cargo build -q --profile "$profile" -p tandvard-codegen-cli
cargo build -q --profile "$profile" -p tandvard-tests --example soak
exec "$target/$dir/examples/soak" --mock "$target/$dir/tandvard-codegen" \
    --tasks "${1:-64}" --seconds "${2:-60}"
