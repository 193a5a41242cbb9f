// A small, fully specified random number generator for the dataset
// generators: SplitMix64 to seed, xoshiro256** to draw, Box-Muller for normal
// variates. Unlike std::normal_distribution, whose algorithm is left to each
// standard library, these give the same numbers with every compiler, so a
// dataset is defined by its seed alone.
//
// Thread-safety: a value; give each thread (or each generated row) its own.
#ifndef QUARRY_BENCH_ANN_RNG_H_
#define QUARRY_BENCH_ANN_RNG_H_

#include <cmath>
#include <cstdint>

namespace quarry::bench {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // Streams for different (seed, stream) pairs are independent for our
  // purposes; rows use their index as the stream so that generation can be
  // split across threads without changing the result.
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t sm = seed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
    for (uint64_t& w : s_) w = SplitMix64(sm);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n). REQUIRES: n > 0. (The modulo bias is below
  // 2^-40 for the n used here.)
  uint64_t Below(uint64_t n) { return Next() % n; }

  // Standard normal, Box-Muller; the second variate is kept for the next call.
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = Uniform();
    while (u1 <= 0) u1 = Uniform();
    const double u2 = Uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * 3.14159265358979323846 * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_RNG_H_
