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
  # -g1 (line tables only) is enough for sanitizer stack traces and halves the
  # compile time of the Beast-heavy files against -g; -O1 (what the ASan
  # documentation recommends) compiles faster than -O2, and CI time is mostly
  # compiling.
  asan)    dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUARRY_SANITIZE=ON
                                  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG") ;;
  *) echo "usage: scripts/build.sh [release|asan]" >&2; exit 2 ;;
esac

# ccache, when installed, is used (QUARRY_CCACHE=0 turns it off); CI starts cold
# either way.
if [ "${QUARRY_CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
  flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
ninja -C "$dir" -j "$jobs"
