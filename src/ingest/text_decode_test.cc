#include "ingest/text_decode.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(DecodeTextBytes("caf\xE9 ok"), "caf\uFFFD ok");  // Latin-1 é
  EXPECT_EQ(DecodeTextBytes(std::string("a\0b", 3)), "a b");
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
