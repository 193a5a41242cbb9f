#!/usr/bin/env bash
# The ANN benchmark in one command: builds Quarry in release mode with the
# benchmarks (build/), then runs bench/ann, which measures Quarry's HNSW index
# (float32, int8 + rescoring, binary + rescoring), hnswlib and FAISS
# (IndexHNSWFlat, IndexHNSWSQ 8-bit) on the same data, M, efConstruction and
# threads. Method: docs/design/ann-benchmark.md. Results: docs/benchmarks.md.
#
#   scripts/bench-ann.sh --quick --filters --out build/ann-quick.json   # 100k rows, minutes
#   scripts/bench-ann.sh --filters --out build/ann.json                 # 1M rows, hours on 2 cores
#   scripts/bench-ann.sh --help                                         # every option
#
# Every argument goes to the benchmark. Generated data and ground truth are
# cached in build/bench-data/ (about 2 GB for the full run), so reruns skip them.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [ ! -d ../shared/data/ann ]; then
  echo "bench-ann: ../shared/data (the benchmark datasets) is missing" >&2
  exit 1
fi

jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUARRY_BUILD_BENCH=ON >/dev/null
ninja -C build -j "$jobs" quarry_bench_ann

label="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
# Uncommitted or untracked files mean the numbers are not from that commit alone.
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then label="$label+local changes"; fi

exec build/bench/ann/bench_ann --cache-dir build/bench-data --label "$label" "$@"
