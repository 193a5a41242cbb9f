// Every kernel table against the scalar reference and against exact sums, on
// every length 0..300 and the lengths an index uses, with adversarial data and
// operands that end exactly at an inaccessible page (so reading one element
// too far faults) or that are shifted off alignment with poisoned neighbours
// (so an unmasked tail that uses its extra lanes changes the result).
#include "vector/kernels/kernels.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "vector/kernels/cpu_features.h"
#include "vector/kernels/kernel_dispatch.h"

namespace quarry::vector {
namespace {

constexpr size_t kMaxOffset = 15;

std::vector<size_t> Lengths() {
  std::vector<size_t> n;
  for (size_t i = 0; i <= 300; ++i) n.push_back(i);
  for (size_t i : {383, 384, 385, 768, 1024, 1536, 4096}) n.push_back(i);
  return n;
}

std::vector<const Kernels*> AllTables() {
  std::vector<const Kernels*> tables = {&ScalarKernels()};
  if (const Kernels* k = Avx2Kernels()) tables.push_back(k);
  if (const Kernels* k = Avx512Kernels()) tables.push_back(k);
  return tables;
}

// Memory whose last byte is followed by a PROT_NONE page. Operands are placed
// at End() - bytes - offset; the bytes between the operand and the guard are
// poison.
class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t capacity) {
    page_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    usable_ = (capacity + page_ - 1) / page_ * page_;
    void* p = ::mmap(nullptr, usable_ + page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    if (p == MAP_FAILED) std::abort();  // the test cannot run without it
    base_ = static_cast<unsigned char*>(p);
    if (::mprotect(base_ + usable_, page_, PROT_NONE) != 0) std::abort();
  }
  ~GuardedBuffer() { ::munmap(base_, usable_ + page_); }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  // n elements of T ending `offset` elements before the guard page. The
  // `offset` elements after them and up to 64 bytes before them are set to
  // `poison`. REQUIRES: (n + offset) * sizeof(T) <= the capacity.
  template <typename T>
  T* Place(size_t n, size_t offset, T poison) {
    T* all = reinterpret_cast<T*>(base_);
    const size_t total = usable_ / sizeof(T);
    const size_t start = total - offset - n;
    const size_t lead = std::min(start, 64 / sizeof(T));
    for (size_t i = start - lead; i < total; ++i) all[i] = poison;
    return all + start;
  }

 private:
  size_t page_ = 0;
  size_t usable_ = 0;
  unsigned char* base_ = nullptr;
};

constexpr size_t kCapacityBytes = (4096 + kMaxOffset + 1) * sizeof(uint64_t);

// ---- float kernels --------------------------------------------------------

enum class FloatData { kRandom, kZeros, kSmallIntegers, kAlternating, kExtremes, kDenormals };

const char* Name(FloatData d) {
  switch (d) {
    case FloatData::kRandom:
      return "random";
    case FloatData::kZeros:
      return "zeros";
    case FloatData::kSmallIntegers:
      return "small-integers";
    case FloatData::kAlternating:
      return "alternating";
    case FloatData::kExtremes:
      return "extremes";
    case FloatData::kDenormals:
      return "denormals";
  }
  return "?";
}

// Fills a and b. `for_l2` keeps squared differences of extremes finite.
void Fill(FloatData kind, bool for_l2, std::mt19937& rng, float* a, float* b, size_t n) {
  std::uniform_real_distribution<float> unit(-1, 1);
  std::uniform_int_distribution<int> small(-8, 8);
  std::uniform_int_distribution<int> pick(0, 2);
  const float big = for_l2 ? 1e17f : 1e30f;
  for (size_t i = 0; i < n; ++i) {
    switch (kind) {
      case FloatData::kRandom:
        a[i] = unit(rng);
        b[i] = unit(rng);
        break;
      case FloatData::kZeros:
        a[i] = 0;
        b[i] = 0;
        break;
      case FloatData::kSmallIntegers:
        a[i] = static_cast<float>(small(rng));
        b[i] = static_cast<float>(small(rng));
        break;
      case FloatData::kAlternating: {
        const float x = 100 * unit(rng);
        a[i] = x;
        b[i] = (i % 2 == 0) ? x : -x;
        break;
      }
      case FloatData::kExtremes: {
        // Magnitudes 1e30, 1 and 1e-30 mixed: large terms cancel and small
        // ones vanish, so only a tolerance relative to Σ|terms| makes sense.
        const float scales[] = {big, 1.0f, 1.0f / big};
        a[i] = scales[pick(rng)] * unit(rng);
        b[i] = for_l2 ? scales[pick(rng)] * unit(rng) : unit(rng);
        break;
      }
      case FloatData::kDenormals:
        a[i] = 1e-39f * unit(rng);  // below FLT_MIN: subnormal
        b[i] = for_l2 ? 1e-39f * unit(rng) : unit(rng);
        break;
    }
  }
}

struct FloatReference {
  double exact = 0;    // the sum in double precision
  double abs_sum = 0;  // Σ|term|, the scale of rounding errors
};

FloatReference ExactDot(const float* a, const float* b, size_t n) {
  FloatReference r;
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(a[i]) * b[i];
    r.exact += t;
    r.abs_sum += std::fabs(t);
  }
  return r;
}

FloatReference ExactL2sq(const float* a, const float* b, size_t n) {
  FloatReference r;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    r.exact += d * d;
    r.abs_sum += d * d;
  }
  return r;
}

// Every table sums with at least four independent accumulators and then a
// short reduction, so each partial sum has at most n/4 + 8 terms: rounding
// error <= (n/4 + 8)·2^-24·Σ|term| per result (plus, for l2, the rounding of
// a[i] - b[i]: 2^-23 relative per term), and subnormal products may round by
// half an ulp each. Two results differ by at most the sum of their bounds.
double Tolerance(const FloatReference& r, size_t n) {
  const double u = std::ldexp(1.0, -24);
  const double per_result = (static_cast<double>(n) / 4 + 8) * u * r.abs_sum + 2 * u * r.abs_sum +
                            (static_cast<double>(n) + 8) * std::numeric_limits<float>::denorm_min();
  return 2 * per_result;
}

class FloatKernelTest : public ::testing::TestWithParam<FloatData> {};

TEST_P(FloatKernelTest, EveryTableMatchesReference) {
  const FloatData kind = GetParam();
  const float poison = std::numeric_limits<float>::quiet_NaN();
  GuardedBuffer buf_a(kCapacityBytes);
  GuardedBuffer buf_b(kCapacityBytes);
  std::mt19937 rng(1234 + static_cast<int>(kind));
  const std::vector<const Kernels*> tables = AllTables();
  for (bool l2 : {false, true}) {
    for (size_t n : Lengths()) {
      for (size_t offset = 0; offset <= kMaxOffset; ++offset) {
        // Offsets beyond 1 are only worth it for the short lengths and the
        // index sizes; they multiply the run time otherwise.
        if (offset > 1 && n > 64 && n != 383 && n != 384 && n != 385) continue;
        float* a = buf_a.Place<float>(n, offset, poison);
        float* b = buf_b.Place<float>(n, (offset * 7) % (kMaxOffset + 1), poison);
        Fill(kind, l2, rng, a, b, n);
        const FloatReference ref = l2 ? ExactL2sq(a, b, n) : ExactDot(a, b, n);
        const double tol = Tolerance(ref, n);
        const float scalar =
            l2 ? ScalarKernels().l2sq_f32(a, b, n) : ScalarKernels().dot_f32(a, b, n);
        for (const Kernels* k : tables) {
          const float got = l2 ? k->l2sq_f32(a, b, n) : k->dot_f32(a, b, n);
          SCOPED_TRACE(::testing::Message()
                       << k->name << (l2 ? " l2sq_f32" : " dot_f32") << " data=" << Name(kind)
                       << " n=" << n << " offset=" << offset);
          ASSERT_TRUE(std::isfinite(got));
          if (kind == FloatData::kSmallIntegers || kind == FloatData::kZeros) {
            // Every partial sum is an integer below 2^24: exact in any order.
            ASSERT_EQ(static_cast<double>(got), ref.exact);
          }
          ASSERT_LE(std::fabs(static_cast<double>(got) - scalar), tol) << "vs scalar " << scalar;
          ASSERT_LE(std::fabs(static_cast<double>(got) - ref.exact), tol)
              << "vs exact " << ref.exact;
          if (l2) {
            ASSERT_GE(got, 0.0f);
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Data, FloatKernelTest,
                         ::testing::Values(FloatData::kRandom, FloatData::kZeros,
                                           FloatData::kSmallIntegers, FloatData::kAlternating,
                                           FloatData::kExtremes, FloatData::kDenormals),
                         [](const ::testing::TestParamInfo<FloatData>& param) {
                           std::string s = Name(param.param);
                           for (char& c : s) {
                             if (c == '-') c = '_';
                           }
                           return s;
                         });

// ---- int8 dot -------------------------------------------------------------

enum class Int8Data {
  kRandom,
  kZeros,
  kMaxPositive,
  kMaxNegative,
  kBothNegative,
  kAlternating,
  kRandomExtremes
};

const char* Name(Int8Data d) {
  switch (d) {
    case Int8Data::kRandom:
      return "random";
    case Int8Data::kZeros:
      return "zeros";
    case Int8Data::kMaxPositive:
      return "max_positive";
    case Int8Data::kMaxNegative:
      return "max_negative";
    case Int8Data::kBothNegative:
      return "both_negative";
    case Int8Data::kAlternating:
      return "alternating";
    case Int8Data::kRandomExtremes:
      return "random_extremes";
  }
  return "?";
}

void Fill(Int8Data kind, std::mt19937& rng, int8_t* a, int8_t* b, size_t n) {
  std::uniform_int_distribution<int> code(-127, 127);
  std::uniform_int_distribution<int> coin(0, 1);
  for (size_t i = 0; i < n; ++i) {
    int x = 0, y = 0;
    switch (kind) {
      case Int8Data::kRandom:
        x = code(rng);
        y = code(rng);
        break;
      case Int8Data::kZeros:
        break;
      case Int8Data::kMaxPositive:
        x = 127;
        y = 127;
        break;
      case Int8Data::kMaxNegative:
        x = 127;
        y = -127;
        break;
      case Int8Data::kBothNegative:
        x = -127;
        y = -127;
        break;
      case Int8Data::kAlternating:
        x = (i % 2 == 0) ? 127 : -127;
        y = (i % 3 == 0) ? -127 : 127;
        break;
      case Int8Data::kRandomExtremes:
        x = coin(rng) ? 127 : -127;
        y = coin(rng) ? 127 : -127;
        break;
    }
    a[i] = static_cast<int8_t>(x);
    b[i] = static_cast<int8_t>(y);
  }
}

class Int8KernelTest : public ::testing::TestWithParam<Int8Data> {};

TEST_P(Int8KernelTest, EveryTableIsExact) {
  const Int8Data kind = GetParam();
  GuardedBuffer buf_a(kCapacityBytes);
  GuardedBuffer buf_b(kCapacityBytes);
  std::mt19937 rng(99 + static_cast<int>(kind));
  const std::vector<const Kernels*> tables = AllTables();
  std::vector<size_t> lengths = Lengths();
  lengths.push_back(kMaxInt8Dims);  // the largest sum the contract allows
  for (size_t n : lengths) {
    for (size_t offset = 0; offset <= kMaxOffset; ++offset) {
      if (offset > 1 && n > 300 && n != 383 && n != 384 && n != 385) continue;
      std::vector<int8_t> big_a, big_b;  // kMaxInt8Dims does not fit the guarded buffers
      int8_t* a = nullptr;
      int8_t* b = nullptr;
      if (n * sizeof(int8_t) + kMaxOffset < kCapacityBytes) {
        a = buf_a.Place<int8_t>(n, offset, int8_t{101});
        b = buf_b.Place<int8_t>(n, (offset * 7) % (kMaxOffset + 1), int8_t{-99});
      } else {
        big_a.resize(n + offset);
        big_b.resize(n + offset);
        a = big_a.data() + offset;
        b = big_b.data() + offset;
      }
      Fill(kind, rng, a, b, n);
      int64_t exact = 0;
      for (size_t i = 0; i < n; ++i) exact += int64_t{a[i]} * int64_t{b[i]};
      ASSERT_LE(std::llabs(exact), int64_t{std::numeric_limits<int32_t>::max()});
      for (const Kernels* k : tables) {
        ASSERT_EQ(int64_t{k->dot_i8(a, b, n)}, exact)
            << k->name << " dot_i8 data=" << Name(kind) << " n=" << n << " offset=" << offset;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Data, Int8KernelTest,
                         ::testing::Values(Int8Data::kRandom, Int8Data::kZeros,
                                           Int8Data::kMaxPositive, Int8Data::kMaxNegative,
                                           Int8Data::kBothNegative, Int8Data::kAlternating,
                                           Int8Data::kRandomExtremes),
                         [](const ::testing::TestParamInfo<Int8Data>& param) {
                           return std::string(Name(param.param));
                         });

// ---- hamming --------------------------------------------------------------

TEST(HammingKernelTest, EveryTableIsExact) {
  GuardedBuffer buf_a(kCapacityBytes);
  GuardedBuffer buf_b(kCapacityBytes);
  std::mt19937_64 rng(5);
  const std::vector<const Kernels*> tables = AllTables();
  const uint64_t patterns[][2] = {{0, 0},
                                  {~uint64_t{0}, 0},
                                  {~uint64_t{0}, ~uint64_t{0}},
                                  {0xAAAAAAAAAAAAAAAAull, 0x5555555555555555ull},
                                  {0x8000000000000001ull, 0}};
  for (size_t words : Lengths()) {
    for (size_t offset = 0; offset <= kMaxOffset; ++offset) {
      if (offset > 1 && words > 64) continue;
      // Poison that differs between a and b, so any extra word read counts.
      uint64_t* a = buf_a.Place<uint64_t>(words, offset, ~uint64_t{0});
      uint64_t* b = buf_b.Place<uint64_t>(words, (offset * 7) % (kMaxOffset + 1), 0);
      for (int p = -1; p < static_cast<int>(std::size(patterns)); ++p) {
        for (size_t i = 0; i < words; ++i) {
          a[i] = p < 0 ? rng() : patterns[p][0];
          b[i] = p < 0 ? rng() : patterns[p][1];
        }
        uint64_t exact = 0;
        for (size_t i = 0; i < words; ++i) {
          for (int bit = 0; bit < 64; ++bit) exact += ((a[i] ^ b[i]) >> bit) & 1;
        }
        for (const Kernels* k : tables) {
          ASSERT_EQ(uint64_t{k->hamming(a, b, words)}, exact)
              << k->name << " hamming pattern=" << p << " words=" << words << " offset=" << offset;
        }
      }
    }
  }
}

// ---- dispatch -------------------------------------------------------------

const Kernels& ExpectedBest(Isa cap) {
  if (cap == Isa::kAvx512 && Avx512Kernels() != nullptr) return *Avx512Kernels();
  if (cap != Isa::kScalar && Avx2Kernels() != nullptr) return *Avx2Kernels();
  return ScalarKernels();
}

TEST(KernelDispatchTest, ReportsWhatIsActive) {
  const CpuFeatures& cpu = HostCpuFeatures();
  const char* env = std::getenv("QUARRY_ISA");
  std::printf("[ kernels  ] cpu features: %s\n", DescribeCpuFeatures(cpu).c_str());
  std::printf("[ kernels  ] tables: scalar=yes avx2=%s avx512=%s\n", Avx2Kernels() ? "yes" : "no",
              Avx512Kernels() ? "yes" : "no");
  std::printf("[ kernels  ] QUARRY_ISA=%s -> BestKernels()=%s\n", env ? env : "(unset)",
              BestKernels().name);
  // A table is offered exactly when the CPU can run it (and it was compiled).
  if (Avx2Kernels() != nullptr) {
    EXPECT_TRUE(cpu.CanRunAvx2());
  }
  if (Avx512Kernels() != nullptr) {
    EXPECT_TRUE(cpu.CanRunAvx512());
  }
  if (cpu.CanRunAvx512()) {
    EXPECT_TRUE(cpu.CanRunAvx2());
  }
}

TEST(KernelDispatchTest, TablesAreComplete) {
  for (const Kernels* k : AllTables()) {
    EXPECT_NE(k->dot_f32, nullptr) << k->name;
    EXPECT_NE(k->l2sq_f32, nullptr) << k->name;
    EXPECT_NE(k->dot_i8, nullptr) << k->name;
    EXPECT_NE(k->hamming, nullptr) << k->name;
  }
  EXPECT_EQ(ScalarKernels().isa, Isa::kScalar);
  if (const Kernels* k = Avx2Kernels()) {
    EXPECT_EQ(k->isa, Isa::kAvx2);
  }
  if (const Kernels* k = Avx512Kernels()) {
    EXPECT_EQ(k->isa, Isa::kAvx512);
  }
}

TEST(KernelDispatchTest, ParseIsa) {
  EXPECT_EQ(ParseIsa("scalar"), Isa::kScalar);
  EXPECT_EQ(ParseIsa("avx2"), Isa::kAvx2);
  EXPECT_EQ(ParseIsa("avx512"), Isa::kAvx512);
  EXPECT_EQ(ParseIsa(""), std::nullopt);
  EXPECT_EQ(ParseIsa("AVX2"), std::nullopt);
  EXPECT_EQ(ParseIsa("sse"), std::nullopt);
}

TEST(KernelDispatchTest, SelectKernelsHonoursTheCap) {
  EXPECT_EQ(&SelectKernels("scalar"), &ScalarKernels());
  EXPECT_EQ(&SelectKernels("avx2"), &ExpectedBest(Isa::kAvx2));
  EXPECT_EQ(&SelectKernels("avx512"), &ExpectedBest(Isa::kAvx512));
  // No cap, or one we do not know: the best there is.
  EXPECT_EQ(&SelectKernels(""), &ExpectedBest(Isa::kAvx512));
  EXPECT_EQ(&SelectKernels("neon"), &ExpectedBest(Isa::kAvx512));
}

// Restores QUARRY_ISA as the test runner set it.
class ScopedIsaEnv {
 public:
  ScopedIsaEnv() {
    if (const char* v = std::getenv("QUARRY_ISA")) saved_ = v;
  }
  ~ScopedIsaEnv() {
    if (saved_) {
      ::setenv("QUARRY_ISA", saved_->c_str(), 1);
    } else {
      ::unsetenv("QUARRY_ISA");
    }
  }
  ScopedIsaEnv(const ScopedIsaEnv&) = delete;
  ScopedIsaEnv& operator=(const ScopedIsaEnv&) = delete;

 private:
  std::optional<std::string> saved_;
};

TEST(KernelDispatchTest, BestKernelsReadsQuarryIsaOnEveryCall) {
  ScopedIsaEnv restore;
  ::setenv("QUARRY_ISA", "scalar", 1);
  EXPECT_EQ(&BestKernels(), &ScalarKernels());
  ::setenv("QUARRY_ISA", "avx2", 1);
  EXPECT_EQ(&BestKernels(), &ExpectedBest(Isa::kAvx2));
  ::setenv("QUARRY_ISA", "avx512", 1);
  EXPECT_EQ(&BestKernels(), &ExpectedBest(Isa::kAvx512));
  ::setenv("QUARRY_ISA", "bogus", 1);
  EXPECT_EQ(&BestKernels(), &ExpectedBest(Isa::kAvx512));
  ::unsetenv("QUARRY_ISA");
  EXPECT_EQ(&BestKernels(), &ExpectedBest(Isa::kAvx512));
}

}  // namespace
}  // namespace quarry::vector
