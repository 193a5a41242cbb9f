#!/usr/bin/env bash
# The cache benchmark in one command: builds Quarry in release mode with the
# benchmarks (in build-bench/ unless QUARRY_BUILD_DIR says otherwise), then
# runs bench/cache: SciFact loaded once, a real redis-server on a free
# loopback port, and 20,000 Zipf-distributed searches replayed over HTTP
# against `quarry serve` with the cache on (L1 + L2), off, with only L2 warm,
# and with Redis frozen and killed; a hiredis GET of the cached value size is
# the peer floor. Results: docs/benchmarks.md ("Cache").
#
#   scripts/bench-cache.sh --out build-bench/reports/cache.json     # about 3 minutes
#   scripts/bench-cache.sh --connections 4 --out ...                # more client connections
#   scripts/bench-cache.sh --help                                   # every option
#
# Every argument goes to the benchmark. Needs redis-server and hiredis
# (Debian: redis-server, libhiredis-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
for need in redis-server; do
  if ! command -v "$need" >/dev/null; then
    echo "bench-cache: $need is missing (Debian package redis-server)" >&2
    exit 1
  fi
done
if [ ! -f ../shared/data/beir/scifact/queries.jsonl ]; then
  echo "bench-cache: ../shared/data/beir/scifact is missing" >&2
  exit 1
fi

build="${QUARRY_BUILD_DIR:-build-bench}"
jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUARRY_BUILD_BENCH=ON >/dev/null
ninja -C "$build" -j "$jobs" quarry quarry_bench_cache

label="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
# Uncommitted or untracked files mean the numbers are not from that commit alone.
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then label="$label+local changes"; fi

exec "$build/bench/cache/cache_bench" --quarry "$build/quarry" --label "$label" "$@"
