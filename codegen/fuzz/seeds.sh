#!/usr/bin/env bash
# Lays the seed corpora of the fuzz targets from contracts/ (run from anywhere):
#   corpus/envelope, corpus/messages: every example message, valid and invalid;
#   corpus/contracts: each WSDL with its responder XSD (imports pointed at b.xsd), split by NUL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
contracts="$here/../../contracts"
mkdir -p "$here/corpus/envelope" "$here/corpus/messages" "$here/corpus/contracts"
n=0
for f in "$contracts"/*/examples/*.xml "$contracts"/*/examples/invalid/*.xml; do
  n=$((n + 1))
  cp "$f" "$here/corpus/envelope/seed-$n.xml"
  cp "$f" "$here/corpus/messages/seed-$n.xml"
done
m=0
for w in "$contracts"/*/*.wsdl; do
  dir="$(dirname "$w")"
  for x in "$dir"/*.xsd; do
    [ -f "$x" ] || continue
    m=$((m + 1))
    xname="$(basename "$x")"
    { sed "s|schemaLocation=\"$xname\"|schemaLocation=\"b.xsd\"|" "$w"; printf '\0'; cat "$x"; } \
      > "$here/corpus/contracts/seed-$m"
  done
done
echo "seeds: $n messages, $m contract pairs"
