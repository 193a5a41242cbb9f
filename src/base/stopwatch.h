// A monotonic stopwatch for measuring stages of a request.
//
// Thread-safety: a value; one per measurement.
#ifndef QUARRY_BASE_STOPWATCH_H_
#define QUARRY_BASE_STOPWATCH_H_

#include <chrono>

namespace quarry {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double ElapsedMillis() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
        .count();
  }
  void Reset() { start_ = std::chrono::steady_clock::now(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace quarry

#endif  // QUARRY_BASE_STOPWATCH_H_
