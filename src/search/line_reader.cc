#include "search/line_reader.h"

#include <cerrno>
#include <cstring>

#include <stdio.h>  // getc_unlocked (POSIX)

namespace quarry::search {

Result<LineReader> LineReader::Open(const std::string& path, size_t max_line_bytes) {
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    const int err = errno;
    const std::string message = path + ": " + std::strerror(err);
    if (err == ENOENT) return Status::NotFound(message);
    return Status::IOError(message);
  }
  return LineReader(std::move(file), path, max_line_bytes);
}

bool LineReader::Next(std::string* line, Status* status) {
  *status = Status::Ok();
  line->clear();
  std::FILE* f = file_.get();
  bool any = false;
  for (;;) {
    const int c = getc_unlocked(f);  // one reader per FILE: no locking needed
    if (c == EOF) {
      if (std::ferror(f)) {
        *status =
            Status::IOError(path_ + ": read error after line " + std::to_string(line_number_));
        return false;
      }
      break;
    }
    any = true;
    if (c == '\n') break;
    if (line->size() >= max_line_bytes_) {
      *status = Status::ResourceExhausted(path_ + " line " + std::to_string(line_number_ + 1) +
                                          " is longer than the limit of " +
                                          std::to_string(max_line_bytes_) + " bytes");
      return false;
    }
    line->push_back(static_cast<char>(c));
  }
  if (!any) return false;
  ++line_number_;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

}  // namespace quarry::search
