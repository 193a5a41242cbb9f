// The progress line of `quarry ingest`: files done of the total, megabytes,
// chunks, rate (chunks/s and MB/s) and an estimate of the time left.
//
// On a terminal the line is redrawn in place (carriage return, then "erase
// to end of line") at most every `interval` seconds, and ends with a newline
// when the run finishes. Elsewhere (a log file, a pipe, CI) it is printed as
// a plain line every `interval` seconds, and once more at the end, so logs
// show progress without control characters. Messages printed while a run is
// under way (a failed file) go through Note so they do not tangle with the
// line on a terminal.
//
// The estimate: the bytes left at the byte rate so far when file sizes are
// known, else the files left at the file rate so far; unknown ("--") before
// anything is done. Time comes from a Clock, so tests drive it.
//
// Thread-safety: not thread-safe; one reporter per run, used by one thread.
#ifndef QUARRY_CLI_INGEST_PROGRESS_H_
#define QUARRY_CLI_INGEST_PROGRESS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace quarry::cli {

struct IngestCounts {
  size_t files_done = 0;
  size_t files_total = 0;
  uint64_t bytes_done = 0;   // of the files done
  uint64_t bytes_total = 0;  // of all files, 0 if unknown
  uint64_t documents = 0;    // written so far, unchanged ones included
  uint64_t chunks = 0;       // written so far
};

// The estimated seconds left, or nullopt if there is no rate yet.
std::optional<double> EstimateSecondsLeft(const IngestCounts& counts, double elapsed_seconds);

// "1:05" or "2:03:07"; "--" for nullopt.
std::string FormatDuration(std::optional<double> seconds);

// The progress line, without line ending, e.g.
// "ingest: 12/340 files (3%), 1.2/34.0 MB, 1234 chunks, 410 chunks/s, 2.10 MB/s, ETA 0:42".
std::string FormatProgressLine(const IngestCounts& counts, double elapsed_seconds);

class ProgressReporter {
 public:
  enum class Mode { kOff, kTerminal, kLines };
  using Clock = std::function<double()>;  // monotonic seconds

  // REQUIRES: `out` outlives the reporter.
  ProgressReporter(std::ostream* out, Mode mode, double interval_seconds, Clock clock);

  // Shows `counts` if the interval has passed since the last line.
  void Update(const IngestCounts& counts);

  // Prints `line` on a line of its own (above the progress line on a terminal).
  void Note(std::string_view line);

  // Shows the final counts; on a terminal, ends the line.
  void Finish(const IngestCounts& counts);

  // A clock reading steady_clock.
  static Clock SteadyClock();

 private:
  void Draw(const IngestCounts& counts);

  std::ostream* out_;
  Mode mode_;
  double interval_;
  Clock clock_;
  double start_;
  std::optional<double> last_draw_;
  IngestCounts last_counts_;           // the latest given
  std::optional<IngestCounts> drawn_;  // the latest shown
  bool line_open_ = false;             // terminal: a progress line is on screen, unfinished
};

}  // namespace quarry::cli

#endif  // QUARRY_CLI_INGEST_PROGRESS_H_
