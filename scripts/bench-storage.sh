#!/usr/bin/env bash
# The storage benchmark in one command: builds Quarry in release mode with the
# benchmarks (in build-bstore/ unless QUARRY_BUILD_DIR says otherwise), then
# runs bench/storage: ingest throughput under each fsync policy, cold start
# (process start to first answered query) with segments memory-mapped versus
# loaded, resident memory and search latency with everything in RAM versus on
# disk. Results: docs/benchmarks.md ("Storage").
#
#   scripts/bench-storage.sh --out build-bstore/reports/storage.json              # 100k documents, minutes
#   scripts/bench-storage.sh --docs 1000000 --out build-bstore/reports/storage-1m.json
#   scripts/bench-storage.sh --help                                               # every option
#
# Cold figures need root (the page cache is dropped with
# `sync; echo 3 > /proc/sys/vm/drop_caches` before each cold start); without
# it the benchmark says so and measures warm starts only. Dropping the cache
# slows every other process on the machine for a moment.
#
# Every argument goes to the benchmark. The collection it opens is built once
# per size in <build>/bench-storage/set and reused by later runs with the same
# settings (--rebuild builds it again).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [ ! -f ../shared/data/beir/scifact/corpus.jsonl ]; then
  echo "bench-storage: ../shared/data/beir/scifact (the documents are made of its sentences) is missing" >&2
  exit 1
fi

build="${QUARRY_BUILD_DIR:-build-bstore}"
jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUARRY_BUILD_BENCH=ON >/dev/null
ninja -C "$build" -j "$jobs" quarry_bench_storage

label="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
# Uncommitted or untracked files mean the numbers are not from that commit alone.
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then label="$label+local changes"; fi

exec "$build/bench/storage/bench_storage" --work-dir "$build/bench-storage" --label "$label" "$@"
