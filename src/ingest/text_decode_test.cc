#include "ingest/text_decode.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "text/utf8.h"

namespace quarry::ingest {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(TextDecodeTest, Utf8BomIsDropped) {
  EXPECT_EQ(DecodeTextBytes("\xEF\xBB\xBFhello"), "hello");
  EXPECT_EQ(DecodeTextBytes("hello\xEF\xBB\xBF"), "hello\xEF\xBB\xBF");  // only a leading one
}

TEST(TextDecodeTest, InvalidUtf8IsRepairedNotRejected) {
  // Mostly UTF-8 with a stray byte: the UTF-8 stays, the byte becomes U+FFFD.
  EXPECT_EQ(DecodeTextBytes("cr\xC3\xA8me caf\xE9 ok"), "crème caf\uFFFD ok");
  EXPECT_EQ(DecodeTextBytes("na\xC3\xAFve \xFF"), "naïve \uFFFD");
  EXPECT_EQ(DecodeTextBytes(std::string("a\0b", 3)), "a b");
  // Declared UTF-8 is never reinterpreted.
  EXPECT_EQ(DecodeTextBytes("caf\xE9 ok", TextEncoding::kUtf8), "caf\uFFFD ok");
}

TEST(TextDecodeTest, Latin1WithoutAnyUtf8FallsBackToWindows1252) {
  // French and German in ISO-8859-1, as an old editor saved them.
  EXPECT_EQ(DecodeTextBytes("Le caf\xE9 \xE0 c\xF4t\xE9 de l'h\xF4tel, tr\xE8s appr\xE9" "ci\xE9."),
            "Le café à côté de l'hôtel, très apprécié.");
  EXPECT_EQ(DecodeTextBytes("Gr\xFC\xDF" "e aus M\xFCnchen: sch\xF6ne Stra\xDF" "en, \xC4rger."),
            "Grüße aus München: schöne Straßen, Ärger.");
  // windows-1252's 0x80-0x9F: curly quotes, the euro sign.
  EXPECT_EQ(DecodeTextBytes("\x93Preis\x94: 5 \x80"), "\u201CPreis\u201D: 5 \u20AC");
  EXPECT_EQ(DecodeTextBytes("\x80"), "\u20AC");  // a lone 0x80
  EXPECT_TRUE(LooksLikeLegacy8Bit("caf\xE9"));
  EXPECT_TRUE(LooksLikeLegacy8Bit("\x80"));
  // Bytes that would start a UTF-8 sequence but do not complete one count as
  // invalid, not as UTF-8: "é" followed by ASCII, an overlong, a surrogate.
  EXPECT_TRUE(LooksLikeLegacy8Bit("\xC3("));
  EXPECT_TRUE(LooksLikeLegacy8Bit("\xC0\xAF"));
  EXPECT_TRUE(LooksLikeLegacy8Bit("\xED\xA0\x80"));
  EXPECT_TRUE(LooksLikeLegacy8Bit("\xF4\x90\x80\x80"));  // above U+10FFFF
}

TEST(TextDecodeTest, AsciiEmptyAndValidUtf8AreNotLegacy) {
  EXPECT_FALSE(LooksLikeLegacy8Bit(""));
  EXPECT_FALSE(LooksLikeLegacy8Bit("plain ASCII text\n"));
  EXPECT_FALSE(LooksLikeLegacy8Bit("caf\xC3\xA9"));
  EXPECT_FALSE(LooksLikeLegacy8Bit("\xF0\x9F\x98\x80 \xE9"));  // one emoji is enough
  EXPECT_EQ(DecodeTextBytes(""), "");
  EXPECT_EQ(DecodeTextBytes("plain ASCII text\n"), "plain ASCII text\n");
  EXPECT_EQ(DecodeTextBytes("caf\xC3\xA9"), "café");
}

TEST(TextDecodeTest, RandomBytesAlwaysComeOutValid) {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int round = 0; round < 200; ++round) {
    std::string bytes(1 + round * 7, '\0');
    for (char& c : bytes) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      c = static_cast<char>(state >> 56);
    }
    const std::string out = DecodeTextBytes(bytes);
    EXPECT_TRUE(text::IsValidUtf8(out)) << "round " << round;
    EXPECT_EQ(out.find('\0'), std::string::npos);
    // Either reading is a full one: windows-1252 gives one character per byte.
    if (LooksLikeLegacy8Bit(bytes)) EXPECT_EQ(text::CountCodePoints(out), bytes.size());
  }
}

TEST(TextDecodeTest, Utf16LittleEndian) {
  // "hé😀": h, U+00E9, then U+1F600 as the surrogates D83D DE00.
  EXPECT_EQ(DecodeTextBytes(Bytes({0xFF, 0xFE, 'h', 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE})), "hé😀");
}

TEST(TextDecodeTest, Utf16BigEndian) {
  EXPECT_EQ(DecodeTextBytes(Bytes({0xFE, 0xFF, 0, 'h', 0, 0xE9, 0xD8, 0x3D, 0xDE, 0x00})), "hé😀");
}

TEST(TextDecodeTest, Utf16DefectsBecomeReplacements) {
  // An unpaired high surrogate, a lone low surrogate, a NUL and an odd final byte.
  const std::string out =
      DecodeTextBytes(Bytes({0xFF, 0xFE, 0x3D, 0xD8, 'a', 0, 0x00, 0xDE, 0, 0, 'z'}));
  EXPECT_TRUE(text::IsValidUtf8(out));
  EXPECT_EQ(out, "\uFFFDa\uFFFD \uFFFD");
}

TEST(TextDecodeTest, Windows1252WhenAssumed) {
  // é è, then the 0x80-0x9F block: euro sign, curly quotes, en dash, an unassigned byte.
  EXPECT_EQ(DecodeTextBytes("caf\xE9 cr\xE8me", TextEncoding::kWindows1252), "café crème");
  EXPECT_EQ(DecodeTextBytes("\x80 \x93q\x94 \x96 \x81", TextEncoding::kWindows1252),
            "\u20AC \u201Cq\u201D \u2013 \u0081");
  EXPECT_EQ(DecodeTextBytes(std::string("a\0\xFF", 3), TextEncoding::kWindows1252), "a \u00FF");
  // A BOM still wins.
  EXPECT_EQ(DecodeTextBytes("\xEF\xBB\xBF\xC3\xA9", TextEncoding::kWindows1252), "\u00E9");
}

TEST(TextDecodeTest, EncodingLabels) {
  EXPECT_EQ(EncodingFromLabel("UTF-8"), TextEncoding::kUtf8);
  EXPECT_EQ(EncodingFromLabel(" iso-8859-1 "), TextEncoding::kWindows1252);
  EXPECT_EQ(EncodingFromLabel("Windows-1252"), TextEncoding::kWindows1252);
  EXPECT_EQ(EncodingFromLabel("latin1"), TextEncoding::kWindows1252);
  EXPECT_EQ(EncodingFromLabel("us-ascii"), TextEncoding::kWindows1252);
  EXPECT_EQ(EncodingFromLabel("utf-16"), TextEncoding::kUtf16Le);
  EXPECT_EQ(EncodingFromLabel("utf-16be"), TextEncoding::kUtf16Be);
  EXPECT_EQ(EncodingFromLabel("shift_jis"), std::nullopt);
  EXPECT_EQ(EncodingFromLabel(""), std::nullopt);
}

}  // namespace
}  // namespace quarry::ingest
