#include "cli/ingest_progress.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

namespace quarry::cli {
namespace {

constexpr double kMegabyte = 1e6;

std::string Printf(const char* format, double a, double b = 0) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, a, b);
  return buffer;
}

bool SameCounts(const IngestCounts& a, const IngestCounts& b) {
  return a.files_done == b.files_done && a.files_total == b.files_total &&
         a.bytes_done == b.bytes_done && a.bytes_total == b.bytes_total &&
         a.documents == b.documents && a.chunks == b.chunks;
}

// Erases the terminal line the cursor is on.
constexpr std::string_view kEraseLine = "\r\x1b[K";

}  // namespace

std::optional<double> EstimateSecondsLeft(const IngestCounts& counts, double elapsed_seconds) {
  if (counts.files_total > 0 && counts.files_done >= counts.files_total) return 0.0;
  if (elapsed_seconds <= 0) return std::nullopt;
  if (counts.bytes_total > 0) {
    if (counts.bytes_done == 0) return std::nullopt;
    const double left =
        static_cast<double>(counts.bytes_total - std::min(counts.bytes_total, counts.bytes_done));
    return left * elapsed_seconds / static_cast<double>(counts.bytes_done);
  }
  if (counts.files_done == 0) return std::nullopt;
  const double left = static_cast<double>(counts.files_total - counts.files_done);
  return left * elapsed_seconds / static_cast<double>(counts.files_done);
}

std::string FormatDuration(std::optional<double> seconds) {
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0) return "--";
  const auto total = static_cast<uint64_t>(std::llround(*seconds));
  char buffer[48];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(total / 3600),
                  static_cast<unsigned long long>(total / 60 % 60),
                  static_cast<unsigned long long>(total % 60));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llu:%02llu",
                  static_cast<unsigned long long>(total / 60),
                  static_cast<unsigned long long>(total % 60));
  }
  return buffer;
}

std::string FormatProgressLine(const IngestCounts& c, double elapsed_seconds) {
  const double elapsed = elapsed_seconds > 0 ? elapsed_seconds : 0;
  double fraction = 0;
  if (c.bytes_total > 0) {
    fraction = static_cast<double>(c.bytes_done) / static_cast<double>(c.bytes_total);
  } else if (c.files_total > 0) {
    fraction = static_cast<double>(c.files_done) / static_cast<double>(c.files_total);
  }
  std::string line = "ingest: " + std::to_string(c.files_done) + "/" +
                     std::to_string(c.files_total) + " files (" +
                     Printf("%.0f", std::min(fraction, 1.0) * 100) + "%), ";
  line += Printf("%.1f/%.1f MB, ", static_cast<double>(c.bytes_done) / kMegabyte,
                 static_cast<double>(c.bytes_total) / kMegabyte);
  line += std::to_string(c.documents) + " documents, " + std::to_string(c.chunks) + " chunks, ";
  const double chunk_rate = elapsed > 0 ? static_cast<double>(c.chunks) / elapsed : 0;
  const double byte_rate = elapsed > 0 ? static_cast<double>(c.bytes_done) / elapsed : 0;
  line += Printf("%.0f chunks/s, ", chunk_rate) + Printf("%.2f MB/s, ", byte_rate / kMegabyte);
  line += "ETA " + FormatDuration(EstimateSecondsLeft(c, elapsed));
  return line;
}

ProgressReporter::ProgressReporter(std::ostream* out, Mode mode, double interval_seconds,
                                   Clock clock)
    : out_(out),
      mode_(mode),
      interval_(interval_seconds),
      clock_(std::move(clock)),
      start_(clock_()) {}

ProgressReporter::Clock ProgressReporter::SteadyClock() {
  return [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
}

void ProgressReporter::Update(const IngestCounts& counts) {
  last_counts_ = counts;
  if (mode_ == Mode::kOff) return;
  const double now = clock_();
  // A terminal shows the first state at once; logs wait a full interval.
  const double since = last_draw_                 ? now - *last_draw_
                       : mode_ == Mode::kTerminal ? interval_
                                                  : now - start_;
  if (since < interval_) return;
  Draw(counts);
}

void ProgressReporter::Note(std::string_view line) {
  if (mode_ == Mode::kTerminal && line_open_) *out_ << kEraseLine;
  *out_ << line << '\n';
  if (mode_ == Mode::kTerminal && line_open_) {
    *out_ << FormatProgressLine(last_counts_, clock_() - start_);
  }
  out_->flush();
}

void ProgressReporter::Finish(const IngestCounts& counts) {
  last_counts_ = counts;
  if (mode_ == Mode::kOff) return;
  // A log already showing these counts does not need them twice.
  if (mode_ == Mode::kTerminal || !drawn_ || !SameCounts(*drawn_, counts)) Draw(counts);
  if (mode_ == Mode::kTerminal) {
    *out_ << '\n';
    line_open_ = false;
    out_->flush();
  }
}

void ProgressReporter::Draw(const IngestCounts& counts) {
  const double now = clock_();
  last_draw_ = now;
  drawn_ = counts;
  const std::string line = FormatProgressLine(counts, now - start_);
  if (mode_ == Mode::kTerminal) {
    *out_ << kEraseLine << line;
    line_open_ = true;
  } else {
    *out_ << line << '\n';
  }
  out_->flush();
}

}  // namespace quarry::cli
