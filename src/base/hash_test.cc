#include "base/hash.h"

#include <gtest/gtest.h>

#include <cstdio>

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

TEST(HashTest, Digest128IsTheContentHashAsTwoWords) {
  EXPECT_EQ(Hash128("hello"), Hash128(std::string("hel") + "lo"));
  EXPECT_NE(Hash128("hello"), Hash128("hellp"));
  EXPECT_NE(Hash128(""), Hash128(std::string(1, '\0')));
  // The same XXH3-128 as ContentHashHex, high word first.
  const Digest128 d = Hash128("hello");
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(d.high),
                static_cast<unsigned long long>(d.low));
  EXPECT_EQ(ContentHashHex("hello"), hex);
}

}  // namespace
}  // namespace quarry
