#!/usr/bin/env bash
# The ingestion benchmark in one command: builds Quarry in release mode (in
# build-bench/ unless QUARRY_BUILD_DIR says otherwise), writes a model of
# all-MiniLM-L6-v2's shape with generated weights for the local embedder, and
# runs bench/ingest/bench_ingest.py: SciFact's corpus.jsonl and a generated
# folder of Markdown, HTML and PDF files (1x and 10x), with the lexical and
# the local embedder, on one core and on all of them: documents/s, chunks/s,
# peak memory, speed-up. Results: docs/benchmarks.md ("Ingestion").
#
#   scripts/bench-ingest.sh --out build-bench/reports/ingest.json     # about 20 minutes
#   scripts/bench-ingest.sh --quick                                    # a few minutes
#   scripts/bench-ingest.sh --embedders lexical                        # no model, about 3 minutes
#   scripts/bench-ingest.sh --help                                     # every option
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
python=/usr/bin/python3
minilm=../shared/models/all-MiniLM-L6-v2
for need in ../shared/data/beir/scifact/corpus.jsonl "$minilm/vocab.txt" "$minilm/tokenizer.json" \
            "$minilm/tokenizer_config.json"; do
  if [ ! -f "$need" ]; then
    echo "bench-ingest: $need is missing (the SciFact set and the all-MiniLM-L6-v2 tokenizer of ../shared)" >&2
    exit 1
  fi
done

build="${QUARRY_BUILD_DIR:-build-bench}"
jobs="${QUARRY_BUILD_JOBS:-$(nproc)}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" -j "$jobs" quarry

# The local embedder's model: random weights of the real shape, the real tokenizer.
model="$build/bench-ingest/minilm-l6-random"
if [ ! -f "$model/model.safetensors" ]; then
  echo "bench-ingest: generating random weights of all-MiniLM-L6-v2's shape in $model" >&2
  "$python" tests/embed/make_tiny_bert.py "$model" --layers 6 --hidden 384 --heads 12 \
    --intermediate 1536 --vocab "$(grep -c '' "$minilm/vocab.txt")" --max-positions 512 --seed 1
  for f in vocab.txt tokenizer.json tokenizer_config.json; do cp "$minilm/$f" "$model/"; done
fi

label="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then label="$label+local changes"; fi

exec "$python" bench/ingest/bench_ingest.py --quarry "$build/quarry" --work-dir "$build/bench-ingest" \
  --model "$model" --label "$label" "$@"
