#!/usr/bin/env bash
# The fuzzers' seed corpus: every YAML file of the repository (scenarios, test inputs, the
# catalog and the zoo, whose sections a scenario may also hold) and of any extra folder given,
# copied flat into OUT (libFuzzer reads a corpus folder's files, whatever they are).
#   tests/fuzz/seeds.sh OUT [EXTRA_FOLDER...]
set -euo pipefail
out=$(realpath -m "$1")
shift
extra=()
for d in "$@"; do [[ -d "$d" ]] && extra+=("$(realpath "$d")"); done
cd "$(dirname "$0")/../.."
mkdir -p "$out"
find scenarios tests topology/catalog models/zoo "${extra[@]}" -name '*.yaml' -type f | sort |
  while read -r f; do cp "$f" "$out/$(echo "$f" | tr '/' '_')"; done
