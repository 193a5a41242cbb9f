#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs
# each for FUZZ_SECONDS (default 20) from the seed corpus in fuzz/corpus/.
# A crash, leak or sanitizer finding fails the run and leaves the input in
# build-fuzz/artifacts/. Long runs by hand: FUZZ_SECONDS=3600 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" -DCMAKE_CXX_COMPILER=clang++-14 -DQUARRY_FUZZ=ON -DQUARRY_BUILD_TESTS=OFF >/dev/null
targets=(collection_file_fuzz chunker_fuzz text_decode_fuzz request_body_fuzz config_file_fuzz
         snapshot_archive_fuzz filter_fuzz snippet_fuzz cache_value_fuzz safetensors_fuzz
         tokenizer_fuzz pdf_extract_fuzz embeddings_response_fuzz html_extract_fuzz
         json_records_fuzz hub_listing_fuzz multipart_fuzz bm25_postings_fuzz)
ninja -C build-fuzz -j "${QUARRY_BUILD_JOBS:-$(nproc)}" "${targets[@]}"

mkdir -p build-fuzz/artifacts
for t in "${targets[@]}"; do
  seed="fuzz/corpus/${t%_fuzz}"
  work="build-fuzz/corpus/${t%_fuzz}"
  mkdir -p "$work"
  echo "=== $t for ${seconds}s"
  # The working corpus grows in build-fuzz/; the seeds in the repo stay as they are.
  log="build-fuzz/$t.log"
  status=0
  "build-fuzz/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 \
    "$work" "$seed" >"$log" 2>&1 || status=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units)" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "fuzz: $t found a failure; input saved in build-fuzz/artifacts/" >&2
    exit 1
  fi
done
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a finding"
