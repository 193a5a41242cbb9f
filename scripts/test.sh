#!/usr/bin/env bash
# Installs what Quarry needs, builds it twice (release, and ASan + UBSan), and
# runs every test in both builds: unit tests, and end-to-end tests against the
# real binary over loopback HTTP and the CLI; then the vector index's
# concurrency tests under ThreadSanitizer, and a short run of every fuzz
# target (clang, libFuzzer). This is the command .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [ ! -d ../shared/data ]; then
  echo "note: ../shared (test data beside the project) is missing; tests that need it say so"
fi

status=0
passed=0
failed=0
# Adds the counts of a ctest summary line ("N% tests passed, F tests failed out of T").
count_ctest() {
  local line total bad
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$1" | tail -1) || return 0
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
  passed=$((passed + total - bad))
  failed=$((failed + bad))
}
for variant in release asan; do
  dir=build; [ "$variant" = asan ] && dir=build-asan
  echo "=== $variant build ($dir)"
  bash scripts/build.sh "$variant"
  echo "=== $variant tests"
  # halt_on_error keeps a sanitizer finding from being lost in a passing run.
  log="$dir/ctest-summary.log"
  if ! ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ctest --test-dir "$dir" --output-on-failure --timeout 600 -j 2 | tee "$log"; then
    status=1
  fi
  count_ctest "$log"
done
echo "=== ThreadSanitizer: the vector index's concurrency tests (build-tsan)"
if bash scripts/tsan.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  status=1
fi
echo "=== fuzz targets (short run; FUZZ_SECONDS=3600 scripts/fuzz.sh for a long one)"
if FUZZ_SECONDS="${FUZZ_SECONDS:-15}" bash scripts/fuzz.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  status=1
fi
# One line for humans and CI: ctest binaries of both builds, plus the TSan and
# fuzz runs.
echo "test.sh: $passed passed, $failed failed"
exit $status
