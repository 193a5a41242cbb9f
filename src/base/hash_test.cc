#include "base/hash.h"

#include <gtest/gtest.h>

namespace quarry {
namespace {

TEST(HashTest, StableAndSeeded) {
  EXPECT_EQ(Hash64("quarry"), Hash64("quarry"));
  EXPECT_NE(Hash64("quarry"), Hash64("quarrz"));
  EXPECT_NE(Hash64("quarry", 1), Hash64("quarry", 2));
  // XXH3 of the empty input with seed 0 is a published constant.
  EXPECT_EQ(Hash64(""), 0x2D06800538D394C2ull);
}

TEST(HashTest, ContentHashIs32HexDigits) {
  std::string h = ContentHashHex("hello");
  ASSERT_EQ(h.size(), 32u);
  for (char c : h) EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(c))) << h;
  EXPECT_NE(h, ContentHashHex("hello!"));
}

}  // namespace
}  // namespace quarry
