#!/usr/bin/env bash
# The embedding benchmark in one command: builds Quarry in release mode with
# the benchmarks (in build-bench/ unless QUARRY_BUILD_DIR says otherwise),
# generates random weights of all-MiniLM-L6-v2's shape once (6 layers, hidden
# 384, 12 heads, intermediate 1536, its 30,522-id vocabulary; the real weights
# cannot be downloaded on this machine, and speed does not depend on them),
# then runs bench/embed: Quarry float32, Quarry int8 and PyTorch float32
# (Debian's /usr/bin/python3 with python3-torch) on the same weights and the
# same token ids, 2 threads each. Results: docs/benchmarks.md ("Embedding").
#
#   scripts/bench-embed.sh --out build-bench/reports/embed.json     # about 5 minutes
#   scripts/bench-embed.sh --passages 200 --queries 100             # a quick look
#   scripts/bench-embed.sh --help                                   # every option
#
# Every argument goes to the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
python=/usr/bin/python3
if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
  echo "bench-embed: $python cannot import torch and numpy (Debian packages python3-torch, python3-numpy)" >&2
  exit 1
fi
for need in ../shared/data/beir/scifact/corpus.jsonl ../shared/data/beir/scifact/queries.jsonl \
            ../shared/models/all-MiniLM-L6-v2/vocab.txt ../shared/models/all-MiniLM-L6-v2/config.json; do
  if [ ! -f "$need" ]; then
    echo "bench-embed: $need is missing (the SciFact set and the all-MiniLM-L6-v2 tokenizer of ../shared)" >&2
    exit 1
  fi
done

build="${QUARRY_BUILD_DIR:-build-bench}"
jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUARRY_BUILD_BENCH=ON >/dev/null
ninja -C "$build" -j "$jobs" quarry_bench_embed

vocab=$(grep -c '' ../shared/models/all-MiniLM-L6-v2/vocab.txt)
model="$build/bench-embed/minilm-l6-random"
if [ ! -f "$model/model.safetensors" ]; then
  echo "bench-embed: generating random weights of all-MiniLM-L6-v2's shape in $model" >&2
  "$python" tests/embed/make_tiny_bert.py "$model" --layers 6 --hidden 384 --heads 12 \
    --intermediate 1536 --vocab "$vocab" --max-positions 512 --seed 1
fi

label="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
# Uncommitted or untracked files mean the numbers are not from that commit alone.
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then label="$label+local changes"; fi

exec "$build/bench/embed/bench_embed" --model "$model" --work-dir "$build/bench-embed" \
  --python "$python" --label "$label" "$@"
