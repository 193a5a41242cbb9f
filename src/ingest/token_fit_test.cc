#include "ingest/token_fit.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quarry::ingest {
namespace {

// One token per byte: every cut point matters.
size_t CountBytes(std::string_view s) { return s.size(); }

TEST(TokenFitTest, PacksGreedilyByExactCounts) {
  const std::string text = "aa bb cc dd ee";
  const std::vector<uint32_t> starts = {0, 3, 6, 9, 12};
  std::vector<CountedSpan> out;
  ASSERT_TRUE(FitPieces(text, starts, 14, 8, 8, CountBytes, &out).ok());
  // "aa bb cc" is 8 bytes: fits. Then "dd ee" (5).
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(text::SpanText(text, out[0].span), "aa bb cc");
  EXPECT_EQ(out[0].tokens, 8u);
  EXPECT_EQ(text::SpanText(text, out[1].span), "dd ee");
}

TEST(TokenFitTest, AtomBetweenLimitsStandsAlone) {
  const std::string text = "a bbbbbb c";
  std::vector<CountedSpan> out;
  ASSERT_TRUE(FitPieces(text, {0, 2, 9}, 10, 4, 6, CountBytes, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(text::SpanText(text, out[1].span), "bbbbbb");
  EXPECT_EQ(out[1].tokens, 6u);
}

TEST(TokenFitTest, AtomOverHardLimitIsCutAtCodePoints) {
  const std::string text = "é日😀é日😀";  // 2 + 3 + 4 bytes, twice
  std::vector<CountedSpan> out;
  ASSERT_TRUE(
      FitPieces(text, {0}, static_cast<uint32_t>(text.size()), 5, 5, CountBytes, &out).ok());
  std::string joined;
  for (const CountedSpan& piece : out) {
    EXPECT_LE(piece.tokens, 5u);
    joined += text::SpanText(text, piece.span);
  }
  EXPECT_EQ(joined, text);
  // "é日" is exactly 5 bytes; "😀" with either neighbour is over.
  EXPECT_EQ(out.size(), 4u);
}

TEST(TokenFitTest, SingleCodePointOverHardLimitFails) {
  const std::string text = "ab😀";
  std::vector<CountedSpan> out;
  const Status status = FitPieces(text, {0}, 6, 3, 3, CountBytes, &out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("max_tokens 3"), std::string::npos) << status.message();
}

TEST(TokenFitTest, BlankAtomsAreDropped) {
  const std::string text = "a   \n  b";
  std::vector<CountedSpan> out;
  ASSERT_TRUE(FitPieces(text, {0, 1, 4, 7}, 8, 1, 1, CountBytes, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(text::SpanText(text, out[0].span), "a");
  EXPECT_EQ(text::SpanText(text, out[1].span), "b");
}

}  // namespace
}  // namespace quarry::ingest
