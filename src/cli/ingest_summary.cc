#include "cli/ingest_summary.h"

#include <algorithm>
#include <cstdio>

namespace quarry::cli {

std::string FormatIngestSummary(const IngestReport& r, size_t max_failure_lines) {
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer),
                "ingested %llu documents (%llu chunks) into '%s', %llu unchanged, %zu skipped, "
                "%zu failed, %zu records skipped in %.2f s\n",
                static_cast<unsigned long long>(r.documents),
                static_cast<unsigned long long>(r.chunks), r.collection.c_str(),
                static_cast<unsigned long long>(r.unchanged), r.skipped_files, r.failed_files,
                r.failed_records, r.elapsed_seconds);
  std::string out = buffer;
  const double seconds = r.elapsed_seconds > 0 ? r.elapsed_seconds : 0;
  const double chunk_rate = seconds > 0 ? static_cast<double>(r.chunks) / seconds : 0;
  const double megabytes = static_cast<double>(r.bytes) / 1e6;
  std::snprintf(buffer, sizeof(buffer), "  rate: %.0f chunks/s, %.2f MB/s (%.2f MB read)\n",
                chunk_rate, seconds > 0 ? megabytes / seconds : 0.0, megabytes);
  out += buffer;
  if (r.segments_before_merge > 0) {
    std::snprintf(buffer, sizeof(buffer), "  final seal: %.2f s\n", r.seal_seconds);
    out += buffer;
    if (r.merge == IngestReport::Merge::kDone) {
      char merges[160] = "";  // what the merges did, when any ran
      if (r.merges > 0) {
        std::snprintf(merges, sizeof(merges),
                      " (%llu merge%s of %llu rows, %llu kept their graph links)",
                      static_cast<unsigned long long>(r.merges), r.merges == 1 ? "" : "s",
                      static_cast<unsigned long long>(r.merged_rows),
                      static_cast<unsigned long long>(r.merge_seeded_rows));
      }
      std::snprintf(buffer, sizeof(buffer), "  segments: %llu, merged into %llu in %.2f s%s\n",
                    static_cast<unsigned long long>(r.segments_before_merge),
                    static_cast<unsigned long long>(r.segments), r.merge_seconds, merges);
    } else if (r.merge == IngestReport::Merge::kFailed) {
      std::snprintf(buffer, sizeof(buffer), "  segments: %llu, merge failed, %llu left\n",
                    static_cast<unsigned long long>(r.segments_before_merge),
                    static_cast<unsigned long long>(r.segments));
    } else {
      std::snprintf(buffer, sizeof(buffer), "  segments: %llu, not merged (--no-merge)\n",
                    static_cast<unsigned long long>(r.segments_before_merge));
    }
    out += buffer;
  }
  if (r.excluded_files > 0) {
    out += "  " + std::to_string(r.excluded_files) + " left out by --include/--exclude\n";
  }
  if (!r.failures.empty()) {
    out += "  failures (" + std::to_string(r.failures.size()) + "):\n";
    const size_t shown = std::min(r.failures.size(), max_failure_lines);
    for (size_t i = 0; i < shown; ++i) out += "    " + r.failures[i] + "\n";
    if (shown < r.failures.size()) {
      out += "    ... and " + std::to_string(r.failures.size() - shown) + " more\n";
    }
  }
  return out;
}

}  // namespace quarry::cli
