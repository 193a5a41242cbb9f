#include "text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace quarry::text {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8Test, ValidTextIsUnchanged) {
  for (const std::string s : {"", "plain ascii", "café", "日本語", "emoji 😀 and 𝄞", "a\u0301"}) {
    EXPECT_TRUE(IsValidUtf8(s)) << s;
    EXPECT_EQ(SanitizeUtf8(s), s);
  }
}

TEST(Utf8Test, InvalidBytesBecomeReplacementCharacters) {
  // Octal escapes: "\xFFb" would read as one hex escape.
  EXPECT_FALSE(IsValidUtf8("a\377b"));
  EXPECT_EQ(SanitizeUtf8("a\377b"), "a" + kFffd + "b");
  // A lone continuation byte, and bytes that never start a sequence.
  EXPECT_EQ(SanitizeUtf8("\x80"), kFffd);
  EXPECT_EQ(SanitizeUtf8("\xC0\xC1\xF5"), kFffd + kFffd + kFffd);
}

TEST(Utf8Test, TruncatedSequenceIsOneReplacement) {
  // "€" is E2 82 AC. Its first two bytes form one maximal ill-formed subpart.
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_EQ(SanitizeUtf8("x\xE2\x82"), "x" + kFffd);
  EXPECT_EQ(SanitizeUtf8("\xE2\x82y"), kFffd + "y");
  // A four-byte sequence cut after three bytes, at the end of the input.
  EXPECT_EQ(SanitizeUtf8("\xF0\x9F\x98"), kFffd);
}

TEST(Utf8Test, OverlongFormsAreRejected) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  // Neither half survives as a '/', which is what makes overlongs dangerous.
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), kFffd + kFffd);
  EXPECT_EQ(SanitizeUtf8("\xE0\x80\xAF").find('/'), std::string::npos);
}

TEST(Utf8Test, SurrogatesAndOutOfRangeAreRejected) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));       // U+D7FF, just below
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
  const std::string fixed = SanitizeUtf8("a\xED\xA0\x80z");
  EXPECT_TRUE(IsValidUtf8(fixed));
  EXPECT_EQ(fixed, "a" + kFffd + kFffd + kFffd + "z");
}

TEST(Utf8Test, NulBecomesSpace) {
  const std::string in("a\0b\0", 4);
  EXPECT_TRUE(IsValidUtf8(in));
  EXPECT_EQ(SanitizeUtf8(in), "a b ");
  // Also in a long ASCII run (the 8-byte fast path) and next to non-ASCII.
  const std::string long_in =
      std::string(20, 'x') + std::string(1, '\0') + "é" + std::string(1, '\0');
  EXPECT_EQ(SanitizeUtf8(long_in), std::string(20, 'x') + " é ");
}

TEST(Utf8Test, SanitizeAlwaysProducesValidUtf8) {
  // Every 1- and 2-byte input, and a deterministic sweep of 3-byte inputs.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string in{static_cast<char>(a), static_cast<char>(b)};
      const std::string out = SanitizeUtf8(in);
      ASSERT_TRUE(IsValidUtf8(out)) << a << " " << b;
      ASSERT_EQ(out.find('\0'), std::string::npos);
    }
  }
  for (int a = 0xC0; a < 256; ++a) {
    for (int b = 0x70; b < 0xD0; b += 3) {
      for (int c = 0x70; c < 0xD0; c += 5) {
        const std::string in{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), 'z'};
        const std::string out = SanitizeUtf8(in);
        ASSERT_TRUE(IsValidUtf8(out));
        ASSERT_EQ(out.back(), 'z');  // never swallows the valid byte after a bad sequence
      }
    }
  }
}

TEST(Utf8Test, EncodeDecodeRoundTripsEveryScalarValue) {
  std::string all;
  for (char32_t cp = 1; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string one;
    AppendUtf8(cp, &one);
    size_t pos = 0;
    ASSERT_EQ(DecodeCodePoint(one, &pos), cp);
    ASSERT_EQ(pos, one.size());
    all += one;
  }
  EXPECT_TRUE(IsValidUtf8(all));
  EXPECT_EQ(SanitizeUtf8(all), all);
  EXPECT_EQ(CountCodePoints(all), 0x10FFFFu - 0x800u);
}

TEST(Utf8Test, AppendReplacesNonScalarValues) {
  std::string out;
  AppendUtf8(0xD800, &out);
  AppendUtf8(0x110000, &out);
  EXPECT_EQ(out, kFffd + kFffd);
}

TEST(Utf8Test, EncodingLengths) {
  std::string out;
  AppendUtf8(U'A', &out);
  EXPECT_EQ(out.size(), 1u);
  AppendUtf8(U'é', &out);
  EXPECT_EQ(out.size(), 3u);
  AppendUtf8(U'日', &out);
  EXPECT_EQ(out.size(), 6u);
  AppendUtf8(U'😀', &out);
  EXPECT_EQ(out, "Aé日😀");
}

TEST(Utf8Test, CountCodePoints) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("日本語"), 3u);
  EXPECT_EQ(CountCodePoints("😀👍"), 2u);
  // e + COMBINING ACUTE ACCENT: one user-perceived character, two code points.
  EXPECT_EQ(CountCodePoints("e\u0301"), 2u);
  // A family emoji: four people joined by three ZWJs.
  EXPECT_EQ(CountCodePoints("👨‍👩‍👧‍👦"), 7u);
}

TEST(Utf8Test, DecodeWalksMixedText) {
  const std::string s = "a€😀";
  size_t pos = 0;
  EXPECT_EQ(DecodeCodePoint(s, &pos), U'a');
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(DecodeCodePoint(s, &pos), U'€');
  EXPECT_EQ(pos, 4u);
  EXPECT_EQ(DecodeCodePoint(s, &pos), U'😀');
  EXPECT_EQ(pos, 8u);
}

}  // namespace
}  // namespace quarry::text
