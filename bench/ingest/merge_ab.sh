#!/usr/bin/env bash
# Times the merges of two quarry builds on identical inputs, alternating:
#   bench/ingest/merge_ab.sh BASE_QUARRY NEW_QUARRY DATA_DIR [PAIRS]
# DATA_DIR is a data directory left unmerged, e.g. by
#   quarry ingest --data DATA_DIR --no-merge --quiet FOLDER
# Each run compacts a fresh copy of it: `quarry ingest` of an empty folder
# still ends with Flush and Compact, and its summary's "segments:" line says
# how long the merges took (and, in builds that count them, how many rows
# kept their graph links). Prints one line per run: build, wall s, summary.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 BASE_QUARRY NEW_QUARRY DATA_DIR [PAIRS]" >&2
  exit 2
fi
base=$1 new=$2 src=$3 pairs=${4:-3}
for bin in "$base" "$new"; do
  [ -x "$bin" ] || { echo "$0: $bin is not an executable" >&2; exit 2; }
done
[ -d "$src" ] || { echo "$0: $src is not a directory" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty"
for _ in $(seq "$pairs"); do
  for bin in "$base" "$new"; do
    rm -rf "$work/data"
    cp -a "$src" "$work/data"
    sync
    start=$(date +%s.%N)
    line=$("$bin" ingest --data "$work/data" --quiet "$work/empty" | grep "segments:" || true)
    end=$(date +%s.%N)
    printf '%s %.2f %s\n' "$bin" "$(echo "$end - $start" | bc)" "${line# }"
  done
done
