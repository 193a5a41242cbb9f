#!/usr/bin/env bash
# Installs what Quarry needs, builds it twice (release, and ASan + UBSan), and
# runs every test in both builds: unit tests, and end-to-end tests against the
# real binary over loopback HTTP and the CLI; then a short run of every fuzz
# target (clang, libFuzzer). This is the command .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [ ! -d ../shared/data ]; then
  echo "note: ../shared (test data beside the project) is missing; tests that need it say so"
fi

status=0
for variant in release asan; do
  dir=build; [ "$variant" = asan ] && dir=build-asan
  echo "=== $variant build ($dir)"
  bash scripts/build.sh "$variant"
  echo "=== $variant tests"
  # halt_on_error keeps a sanitizer finding from being lost in a passing run.
  if ! ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ctest --test-dir "$dir" --output-on-failure --timeout 600 -j 2; then
    status=1
  fi
done
echo "=== fuzz targets (short run; FUZZ_SECONDS=3600 scripts/fuzz.sh for a long one)"
if ! FUZZ_SECONDS="${FUZZ_SECONDS:-15}" bash scripts/fuzz.sh; then
  status=1
fi
exit $status
