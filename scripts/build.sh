#!/usr/bin/env bash
# Configures and builds Quarry.
#   scripts/build.sh            release build in build/ (binary: build/quarry)
#   scripts/build.sh asan       ASan + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

variant="${1:-release}"
jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
case "$variant" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUARRY_SANITIZE=ON) ;;
  *) echo "usage: scripts/build.sh [release|asan]" >&2; exit 2 ;;
esac

cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
ninja -C "$dir" -j "$jobs"
