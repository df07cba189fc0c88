#!/usr/bin/env bash
# Installs the Debian 12 packages dtsim builds with, and only those that are missing.
# Idempotent, and silent when everything is already present.
#   --test      also what the tests need: Chromium, in which the HTML report is rendered headless.
#   --sanitize  also what the sanitizer and fuzzing build needs (make test-sanitize, make fuzz):
#               clang, its ASan/UBSan/libFuzzer runtimes, llvm-symbolizer for the reports' lines.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  libboost-graph-dev libeigen3-dev libtbb-dev libyaml-cpp-dev catch2
  libcli11-dev libfmt-dev nlohmann-json3-dev libbenchmark-dev
)
[[ "${1:-}" == "--test" ]] && packages+=(chromium fonts-dejavu-core)
[[ "${1:-}" == "--sanitize" ]] && packages+=(clang libclang-rt-14-dev llvm-14)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
install() { "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; }
if ! install; then
  # The package lists may be stale or absent on a fresh machine.
  "${sudo[@]}" apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  install || { cat "$log" >&2; exit 1; }
fi
