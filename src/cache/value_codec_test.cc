#include "cache/value_codec.h"

#include <gtest/gtest.h>

#include <limits>

namespace quarry::cache {
namespace {

SearchResponse Sample(size_t hits, size_t text_bytes) {
  SearchResponse r;
  r.mode = SearchMode::kHybrid;
  r.generation = 42;
  r.state_digest = "0123456789abcdef0123456789abcdef";
  for (size_t i = 0; i < hits; ++i) {
    SearchHit h;
    h.document_id = "doc-" + std::to_string(i);
    h.chunk = static_cast<uint32_t>(i);
    h.score = 1.0 / (1.0 + static_cast<double>(i));
    h.text = std::string(text_bytes, static_cast<char>('a' + i % 26));
    h.title = "Title " + std::to_string(i);
    h.heading = "A > B";
    h.page = static_cast<uint32_t>(i % 3);  // 0: a chunk without a page
    h.start = 3;
    h.end = 3 + static_cast<uint32_t>(text_bytes);
    h.snippet = "<mark>x</mark>";
    h.matching_chunks = 2;
    h.importance = 0.25 + 0.01 * static_cast<double>(i);
    h.semantic_density = i == 0 ? 1.0 : 0.125;
    if (i % 2 == 0) {
      h.explanation.emplace();
      h.explanation->keyword = RetrieverExplanation{1, 7.5, 0.9, 0.3, 0.6};
    }
    r.hits.push_back(std::move(h));
  }
  return r;
}

void ExpectSame(const SearchResponse& a, const SearchResponse& b) {
  ASSERT_EQ(a.hits.size(), b.hits.size());
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.state_digest, b.state_digest);
  for (size_t i = 0; i < a.hits.size(); ++i) {
    EXPECT_EQ(a.hits[i].document_id, b.hits[i].document_id);
    EXPECT_EQ(a.hits[i].score, b.hits[i].score);
    EXPECT_EQ(a.hits[i].text, b.hits[i].text);
    EXPECT_EQ(a.hits[i].snippet, b.hits[i].snippet);
    EXPECT_EQ(a.hits[i].end, b.hits[i].end);
    EXPECT_EQ(a.hits[i].importance, b.hits[i].importance);
    EXPECT_EQ(a.hits[i].semantic_density, b.hits[i].semantic_density);
    EXPECT_EQ(a.hits[i].page, b.hits[i].page);
    EXPECT_EQ(a.hits[i].explanation.has_value(), b.hits[i].explanation.has_value());
    if (a.hits[i].explanation) {
      EXPECT_EQ(a.hits[i].explanation->keyword->score, b.hits[i].explanation->keyword->score);
      EXPECT_FALSE(b.hits[i].explanation->vector.has_value());
    }
  }
}

TEST(ValueCodecTest, SearchResponsesRoundTripSmallAndCompressed) {
  for (size_t text : {size_t{10}, size_t{4000}}) {
    const SearchResponse r = Sample(10, text);
    const std::string bytes = EncodeSearchResponse(r, "key");
    if (text > 1000) {
      EXPECT_LT(bytes.size(), 10 * text / 2) << "large values are compressed";
    }
    auto back = DecodeSearchResponse(bytes, "key");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ExpectSame(r, *back);
  }
}

TEST(ValueCodecTest, RefusesEveryTruncationAndBitFlip) {
  for (size_t text : {size_t{20}, size_t{3000}}) {
    const std::string bytes = EncodeSearchResponse(Sample(3, text), "key");
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(DecodeSearchResponse(bytes.substr(0, n), "key").ok()) << n;
    }
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ 0x10);
      EXPECT_FALSE(DecodeSearchResponse(bad, "key").ok()) << "flip at " << i;
    }
  }
}

TEST(ValueCodecTest, RefusesAValueMovedToAnotherKeyOrOfAnotherKind) {
  const std::string bytes = EncodeSearchResponse(Sample(2, 10), "key-a");
  EXPECT_FALSE(DecodeSearchResponse(bytes, "key-b").ok());
  EXPECT_FALSE(DecodeEmbedding(bytes, "key-a").ok());
  EXPECT_FALSE(DecodeSearchResponse("", "key-a").ok());
  EXPECT_FALSE(DecodeSearchResponse("garbage that is long enough to pass a size check", "k").ok());
}

TEST(ValueCodecTest, RefusesChunkScoresOutsideTheUnitInterval) {
  for (double bad : {-0.5, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    SearchResponse r = Sample(2, 10);
    r.hits[1].importance = bad;
    EXPECT_FALSE(DecodeSearchResponse(EncodeSearchResponse(r, "k"), "k").ok()) << bad;
    r = Sample(2, 10);
    r.hits[0].semantic_density = bad;
    EXPECT_FALSE(DecodeSearchResponse(EncodeSearchResponse(r, "k"), "k").ok()) << bad;
  }
}

TEST(ValueCodecTest, EmbeddingsRoundTripAndRefuseNonFiniteValues) {
  const std::vector<float> v = {0.5f, -0.25f, 0.0f, 1e-20f};
  auto back = DecodeEmbedding(EncodeEmbedding(v, "e"), "e");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, v);
  const std::vector<float> nan = {0.5f, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_FALSE(DecodeEmbedding(EncodeEmbedding(nan, "e"), "e").ok());
  EXPECT_FALSE(DecodeEmbedding(EncodeEmbedding({}, "e"), "e").ok());
}

}  // namespace
}  // namespace quarry::cache
