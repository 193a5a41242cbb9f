#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base/crc32c_internal.h"

namespace quarry::crc32c {
namespace {

// Known-answer vectors from RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32cTest, RfcVectors) {
  std::string zeros(32, '\0');
  EXPECT_EQ(Value(zeros), 0x8A9136AAu);
  std::string ones(32, '\xFF');
  EXPECT_EQ(Value(ones), 0x62A8AB43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(Value(ascending), 0x46DD794Eu);
  EXPECT_EQ(Value("123456789"), 0xE3069283u);
}

TEST(Crc32cTest, ExtendEqualsWholeAtEverySplit) {
  std::string data = "The quick brown fox jumps over the lazy dog, twice over.";
  uint32_t whole = Value(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t c = Extend(0, data.data(), split);
    c = Extend(c, data.data() + split, data.size() - split);
    EXPECT_EQ(c, whole) << "split at " << split;
  }
}

TEST(Crc32cTest, DetectsSingleBitFlips) {
  std::string data(100, 'x');
  uint32_t base = Value(data);
  for (size_t byte = 0; byte < data.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = data;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      ASSERT_NE(Value(flipped), base);
    }
  }
}

TEST(Crc32cTest, HardwarePathEqualsThePortableReference) {
  if (!internal::HardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937_64 rng(7);
  std::string data(4096 + 13, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  // Every length and misalignment up to a few words, then long buffers.
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t n = 0; n + offset <= 80; ++n) {
      EXPECT_EQ(internal::ExtendSse42(0x1234, data.data() + offset, n),
                internal::ExtendPortable(0x1234, data.data() + offset, n));
    }
  }
  EXPECT_EQ(internal::ExtendSse42(0, data.data(), data.size()),
            internal::ExtendPortable(0, data.data(), data.size()));
  EXPECT_EQ(internal::ExtendSse42(0, "123456789", 9), 0xE3069283u);
}

// Inputs of three lanes and more take the interleaved path, whose lanes are
// joined by table: every length around the stripe boundaries, at several
// misalignments and starting registers, must still equal the
// one-byte-at-a-time reference.
TEST(Crc32cTest, InterleavedHardwarePathEqualsThePortableReference) {
  if (!internal::HardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937_64 rng(11);
  constexpr size_t kThreeLanes = 3 * internal::kSse42LaneBytes;
  std::string data(5 * kThreeLanes + 64, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t stripes : {1, 2, 5}) {
    for (size_t n = stripes * kThreeLanes - 9; n <= stripes * kThreeLanes + 9; ++n) {
      for (size_t offset : {0, 1, 7}) {
        for (uint32_t init : {0u, 0xdeadbeefu}) {
          ASSERT_EQ(internal::ExtendSse42(init, data.data() + offset, n),
                    internal::ExtendPortable(init, data.data() + offset, n))
              << "n " << n << " offset " << offset << " init " << init;
        }
      }
    }
  }
  // A single flipped bit in each lane of a stripe changes the result.
  const size_t lane = internal::kSse42LaneBytes;
  const uint32_t base = internal::ExtendSse42(0, data.data(), kThreeLanes);
  for (size_t at : {size_t{0}, lane - 1, lane, 2 * lane - 1, 2 * lane, kThreeLanes - 1}) {
    std::string flipped = data.substr(0, kThreeLanes);
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    EXPECT_NE(internal::ExtendSse42(0, flipped.data(), flipped.size()), base) << at;
  }
}

}  // namespace
}  // namespace quarry::crc32c
