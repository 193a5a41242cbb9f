#include "text/whitespace.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <string>

namespace quarry::text {
namespace {

TEST(WhitespaceTest, MatchesIcuWhiteSpaceProperty) {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    ASSERT_EQ(IsWhitespace(cp), u_isUWhiteSpace(static_cast<UChar32>(cp)) != 0)
        << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(WhitespaceTest, TrimsAsciiAndUnicodeSpace) {
  const std::string s = " \t\u3000x y\u00A0\n";
  const Span t = TrimWhitespace(s, Span{0, static_cast<uint32_t>(s.size())});
  EXPECT_EQ(SpanText(s, t), "x y");
}

TEST(WhitespaceTest, TrimKeepsNonSpaceMultibyteEdges) {
  const std::string s = "😀 a é";
  const Span t = TrimWhitespace(s, Span{0, static_cast<uint32_t>(s.size())});
  EXPECT_EQ(SpanText(s, t), s);
}

TEST(WhitespaceTest, BlankSpanCollapsesToItsEnd) {
  const std::string s = "ab  \n cd";
  const Span t = TrimWhitespace(s, Span{2, 6});
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.begin, 6u);
}

TEST(WhitespaceTest, IsBlank) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \r\n\u2028\u3000"));
  EXPECT_FALSE(IsBlank("  .  "));
  EXPECT_FALSE(IsBlank("\u200B"));  // ZERO WIDTH SPACE is not White_Space
}

}  // namespace
}  // namespace quarry::text

namespace quarry::text {
namespace {

TEST(CollapseAsciiSpacesTest, TrimsAndJoinsRunsOfAsciiWhiteSpace) {
  EXPECT_EQ(CollapseAsciiSpaces(""), "");
  EXPECT_EQ(CollapseAsciiSpaces(" \t\r\n "), "");
  EXPECT_EQ(CollapseAsciiSpaces("  Heading\t\tone\r\n two  "), "Heading one two");
  // Only ASCII white space: a no-break space (U+00A0) and other UTF-8 stay.
  EXPECT_EQ(CollapseAsciiSpaces("a\u00a0b  \u00e9t\u00e9"), "a\u00a0b \u00e9t\u00e9");
}

}  // namespace
}  // namespace quarry::text
