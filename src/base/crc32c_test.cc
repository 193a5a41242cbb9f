#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace quarry::crc32c
