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

}  // namespace
}  // namespace quarry::ingest
