#!/usr/bin/env bash
# Builds the vector index's tests with ThreadSanitizer (build-tsan/) and runs
# the ones that exercise concurrency: searches on several threads while rows
# are added one by one and in parallel batches and removed, and parallel
# builds over a mapped file and their cancellation. A data race fails the
# run. scripts/test.sh (and so CI) runs it: about 3 minutes cold on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUARRY_TSAN=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
if [ "${QUARRY_CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
  flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-tsan -G Ninja "${flags[@]}" >/dev/null
ninja -C build-tsan -j "$jobs" vector_test
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build-tsan/src/vector/vector_test \
  --gtest_filter='*Concurrency*:*ParallelBuild*:*Cancel*:*Incremental*:HnswFilterTest.*'
