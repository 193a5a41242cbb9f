// Number formatting for the Markdown tables of the benchmarks.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_COMMON_MARKDOWN_FORMAT_H_
#define QUARRY_BENCH_COMMON_MARKDOWN_FORMAT_H_

#include <cstdio>
#include <string>

namespace quarry::bench {

// printf into a std::string of whatever length it needs.
template <typename... Args>
std::string Fmt(const char* format, Args... args) {
  const int n = std::snprintf(nullptr, 0, format, args...);
  if (n <= 0) return "";
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), format, args...);
  out.resize(static_cast<size_t>(n));
  return out;
}

// 12,345 (rounded to an integer).
std::string Grouped(double v);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_COMMON_MARKDOWN_FORMAT_H_
