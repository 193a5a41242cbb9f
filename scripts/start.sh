#!/usr/bin/env bash
# Installs what Quarry needs, builds it, ingests the project's own documentation
# into a demo collection, and serves it. Prints the URL to open.
#   scripts/start.sh [--port N] [--data DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

port=8765
data=./quarry-data
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "usage: scripts/start.sh [--port N] [--data DIR]" >&2; exit 2 ;;
  esac
done

bash scripts/install-deps.sh
bash scripts/build.sh release

echo "=== ingesting the demo collection 'quarry-docs' (README.md and docs/)"
build/quarry ingest --data "$data" --collection quarry-docs --quiet README.md docs

cat <<MSG
=== starting Quarry
Open http://127.0.0.1:$port/ in a browser, or try:
  curl -s -XPOST localhost:$port/api/search -d '{"query":"how are chunks sized"}'
Stop with Ctrl-C.
MSG
exec build/quarry serve --data "$data" --port "$port" --default-collection quarry-docs
