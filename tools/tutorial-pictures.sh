#!/usr/bin/env bash
# Redraws the tutorial's pictures listed in scenarios/tutorial/pictures.txt with the built dtsim,
# each beside its scenario.
#   tools/tutorial-pictures.sh [path/to/dtsim]
set -euo pipefail
cd "$(dirname "$0")/.."
dtsim=${1:-build/dtsim}
grep -v '^#' scenarios/tutorial/pictures.txt | while read -r scenario chart variant; do
  [[ -z "$scenario" ]] && continue
  out="${scenario%.yaml}.svg"
  "$dtsim" report "$scenario" --chart "$chart" ${variant:+--variant "$variant"} -o "$out"
done
