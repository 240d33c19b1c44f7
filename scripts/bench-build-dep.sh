#!/usr/bin/env bash
# The build-time footprint of tandvard-codegen as a build-dependency, beside prost-build (the
# model for build.rs code generators) and xsd-parser (our XSD front end) in the same run.
#
# Three scratch crates, each with one build-dependency and a build.rs that uses it (ours
# generates the bindings of contracts/ into OUT_DIR). For each: the crates `cargo tree -e
# normal,build` lists, and the wall time of a clean `cargo build` (a fresh target directory:
# every dependency of the build script compiled, the build script run), the three in turn,
# ROUNDS times (default 3), medians printed. Run it on an otherwise idle machine.
#
#   scripts/bench-build-dep.sh [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scratch() { # name, dependency line, build.rs body
  mkdir -p "$work/$1/src"
  cat >"$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.1.0"
edition = "2024"
publish = false
[build-dependencies]
$2
[workspace]
TOML
  echo "fn main() { $3 }" >"$work/$1/build.rs"
  echo "" >"$work/$1/src/lib.rs"
}
scratch with-tandvard "tandvard-codegen = { path = \"$root/codegen/generator\" }" \
  "tandvard_codegen::Builder::new().contracts(\"$root/contracts\").generate().unwrap();"
cp "$root/Cargo.lock" "$work/with-tandvard/Cargo.lock"
scratch with-xsd-parser 'xsd-parser = "=1.5.2"' \
  'let _ = xsd_parser::Config::default();'
scratch with-prost-build 'prost-build = "0.14"' \
  'let _ = prost_build::Config::new();'

for c in with-tandvard with-xsd-parser with-prost-build; do
  [ -f "$work/$c/Cargo.lock" ] || (cd "$work/$c" && cargo generate-lockfile -q)
  (cd "$work/$c" && cargo fetch -q)
  n=$(cd "$work/$c" && cargo tree -e normal,build --prefix none --format '{p}' | awk '{print $1}' | sort -u | grep -vc "^$c\$")
  echo "$c: $n crates in the build"
done

declare -A times
for r in $(seq "$rounds"); do
  for c in with-tandvard with-xsd-parser with-prost-build; do
    rm -rf "$work/target-$c"
    s=$(date +%s.%N)
    (cd "$work/$c" && CARGO_TARGET_DIR="$work/target-$c" cargo build -q --offline)
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    times[$c]="${times[$c]:-} $t"
    echo "round $r: $c clean build $t s"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for c in with-tandvard with-xsd-parser with-prost-build; do
  echo "$c: median clean build $(echo "${times[$c]}" | median) s"
done
# The ratio round by round (both built in the same minute), then its median.
read -r -a ts <<<"${times[with-tandvard]}"
read -r -a xs <<<"${times[with-xsd-parser]}"
ratios=""
for i in "${!ts[@]}"; do
  r=$(echo "scale=2; ${ts[$i]} / ${xs[$i]}" | bc)
  echo "round $((i + 1)): tandvard-codegen / xsd-parser = $r"
  ratios="$ratios $r"
done
echo "tandvard-codegen / xsd-parser: median of the rounds' ratios $(echo "$ratios" | median)"
