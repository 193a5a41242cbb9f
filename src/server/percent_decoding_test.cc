#include "server/percent_decoding.h"

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

TEST(PercentDecodeTest, PlainTextPassesThrough) {
  EXPECT_EQ(*PercentDecode("report-2024_v1.txt"), "report-2024_v1.txt");
  EXPECT_EQ(*PercentDecode(""), "");
}

TEST(PercentDecodeTest, DecodesEscapesInEitherCase) {
  EXPECT_EQ(*PercentDecode("notes%2Fa%20b"), "notes/a b");
  EXPECT_EQ(*PercentDecode("%2f%2F"), "//");
  EXPECT_EQ(*PercentDecode("100%25"), "100%");
  EXPECT_EQ(*PercentDecode("caf%C3%A9"), "caf\xC3\xA9");
}

TEST(PercentDecodeTest, PlusIsNotASpaceInPaths) { EXPECT_EQ(*PercentDecode("a+b"), "a+b"); }

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  for (const char* bad : {"%zz", "%", "%4", "abc%", "a%g0", "%0g", "x%%41"}) {
    Result<std::string> decoded = PercentDecode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(PercentDecodeTest, RejectsResultsThatAreNotUtf8) {
  EXPECT_FALSE(PercentDecode("%FF").ok());
  EXPECT_FALSE(PercentDecode("%C3").ok());        // truncated sequence
  EXPECT_FALSE(PercentDecode("%C0%AF").ok());     // overlong '/'
  EXPECT_FALSE(PercentDecode("%ED%A0%80").ok());  // surrogate
}

TEST(IsValidUtf8Test, AcceptsAndRejects) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));       // euro sign
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));   // emoji
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\x80"));      // overlong
}

}  // namespace
}  // namespace quarry::server
