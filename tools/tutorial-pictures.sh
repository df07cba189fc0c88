#!/usr/bin/env bash
# Redraws the tutorial's pictures listed in docs/tutorial/pictures.txt with the built dtsim.
#   tools/tutorial-pictures.sh [path/to/dtsim]
set -euo pipefail
cd "$(dirname "$0")/.."
dtsim=${1:-build/dtsim}
grep -v '^#' docs/tutorial/pictures.txt | while read -r scenario chart variant; do
  [[ -z "$scenario" ]] && continue
  out="docs/tutorial/$(basename "$scenario" .yaml).svg"
  "$dtsim" report "$scenario" --chart "$chart" ${variant:+--variant "$variant"} -o "$out"
done
