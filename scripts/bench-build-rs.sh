#!/usr/bin/env bash
# Times the build.rs integration on the example vendor crate with a copy of contracts/:
# the first build (cold for the vendor crate, warm dependencies), the build script alone,
# a no-op rebuild, and a rebuild after touching one schema. Prints one line per figure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/tests/vendor-crate/." "$work/"
rm -rf "$work/target"
cp -r "$root/contracts" "$work/contracts"
cp "$root/Cargo.lock" "$work/Cargo.lock"
sed -i "s#\.\./\.\./#$root/#g" "$work/Cargo.toml"
export CARGO_TARGET_DIR="$root/target/bench-build-rs"
cd "$work"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "first build (dependencies warm after the first run): $(t cargo build -q) s"
script=$(ls -td "$CARGO_TARGET_DIR"/debug/build/vendor-example-*/build-script-build | head -1)
for i in 1 2 3; do echo "build script alone: $(OUT_DIR=$work/out t "$script") s"; done
for i in 1 2 3; do echo "no-op rebuild: $(t cargo build -q) s"; done
for i in 1 2 3; do
  touch contracts/common/TandvardCommon_1.3.xsd
  echo "rebuild after touching one schema: $(t cargo build -q) s"
done
