#!/usr/bin/env bash
# Builds the vector index's tests with ThreadSanitizer (build-tsan/) and runs
# the ones that exercise concurrency: searches on several threads while rows
# are added one by one and in parallel batches and removed, and parallel
# builds over a mapped file and their cancellation. A data race fails the
# run. scripts/test.sh (and so CI) runs it: about 2-3 minutes cold on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUARRY_TSAN=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
if [ "${QUARRY_CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
  flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-tsan -G Ninja "${flags[@]}" >/dev/null
ninja -C build-tsan -j "$jobs" vector_test
run=(build-tsan/src/vector/vector_test
     --gtest_filter='*Concurrency*:*ParallelBuild*:*Cancel*:*Incremental*:HnswFilterTest.*')
# GCC 12's TSan runtime cannot map its shadow memory when the kernel
# randomizes more than 28 bits of mmap addresses (newer kernels' default):
# it aborts with "unexpected memory mapping". Run without address
# randomization there (setarch -R), and say so plainly if even that fails.
rnd_bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)
if [ "$rnd_bits" -gt 28 ]; then
  echo "tsan: vm.mmap_rnd_bits is $rnd_bits; running without ASLR (setarch -R)"
  run=(setarch "$(uname -m)" -R "${run[@]}")
fi
log=build-tsan/tsan-run.log
status=0
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "${run[@]}" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ] && grep -q "unexpected memory mapping" "$log"; then
  echo "tsan: SKIPPED, not failed: this kernel's address layout (vm.mmap_rnd_bits=$rnd_bits) is" \
       "one GCC 12's ThreadSanitizer cannot run under here; run scripts/tsan.sh where" \
       "sysctl vm.mmap_rnd_bits=28 or setarch -R is allowed" >&2
  exit 0
fi
exit "$status"
