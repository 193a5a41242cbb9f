// LineReader: reads a text file one line at a time, with a cap on line
// length, so that a hostile or broken file (one 10 GB "line") is refused with
// a clear error instead of exhausting memory. Lines end with '\n'; a '\r'
// before it is dropped; the last line needs no terminator.
//
// Thread-safety: NOT thread-safe; one reader per file and thread.
#ifndef QUARRY_SEARCH_LINE_READER_H_
#define QUARRY_SEARCH_LINE_READER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::search {

class LineReader {
 public:
  static constexpr size_t kDefaultMaxLineBytes = 64u << 20;

  // NotFound when the file does not exist, IOError when it cannot be read.
  static Result<LineReader> Open(const std::string& path,
                                 size_t max_line_bytes = kDefaultMaxLineBytes);

  // Reads the next line into *line (without its terminator). Returns true
  // with OK, false with OK at the end of the file, or false with an error:
  // ResourceExhausted for a line over the cap (naming the line number),
  // IOError for a read failure.
  bool Next(std::string* line, Status* status);

  // 1-based number of the line Next() returned last.
  uint64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  LineReader(std::unique_ptr<std::FILE, Closer> file, std::string path, size_t max_line_bytes)
      : file_(std::move(file)), path_(std::move(path)), max_line_bytes_(max_line_bytes) {}

  std::unique_ptr<std::FILE, Closer> file_;
  std::string path_;
  size_t max_line_bytes_;
  uint64_t line_number_ = 0;
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_LINE_READER_H_
