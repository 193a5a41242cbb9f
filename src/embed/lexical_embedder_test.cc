#include "embed/lexical_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "embed/stopwords.h"
#include "vector/distance.h"
#include "vector/kernels/kernels.h"

namespace quarry::embed {
namespace {

std::vector<float> EmbedText(const LexicalEmbedder& e, std::string_view text) {
  std::vector<float> v(e.dimensions());
  e.EmbedOne(text, v);
  return v;
}

float Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  return vector::ScalarKernels().dot_f32(a.data(), b.data(), a.size());
}

TEST(LexicalEmbedderTest, DeterministicAndNormalized) {
  LexicalEmbedder e(256);
  auto a = EmbedText(e, "Write-ahead logs make acknowledged writes durable.");
  auto b = EmbedText(e, "Write-ahead logs make acknowledged writes durable.");
  EXPECT_EQ(a, b);
  double norm = 0;
  for (float x : a) norm += x * x;
  EXPECT_NEAR(norm, 1.0, 1e-5);
  // A second instance (as after a restart) gives bit-identical vectors.
  LexicalEmbedder e2(256);
  EXPECT_EQ(EmbedText(e2, "Write-ahead logs make acknowledged writes durable."), a);
}

TEST(LexicalEmbedderTest, EmptyAndWordlessTextGiveTheZeroVector) {
  LexicalEmbedder e(64);
  for (std::string_view text : {"", "   \n\t", "!!! ??? ...", "🙂🙂"}) {
    auto v = EmbedText(e, text);
    for (float x : v) EXPECT_EQ(x, 0.0f) << "text: " << text;
  }
}

TEST(LexicalEmbedderTest, CaseInsensitiveAndSharedWordsAreClose) {
  LexicalEmbedder e(1024);
  auto query = EmbedText(e, "HNSW graph index");
  auto related = EmbedText(e, "The hnsw graph index answers nearest neighbour queries.");
  auto unrelated = EmbedText(e, "Bake the bread at two hundred degrees for forty minutes.");
  EXPECT_GT(Cosine(query, related), 0.4f);
  EXPECT_LT(std::abs(Cosine(query, unrelated)), 0.15f);
  EXPECT_GT(Cosine(query, related), Cosine(query, unrelated) + 0.3f);
}

TEST(LexicalEmbedderTest, CharacterGramsMatchInflections) {
  LexicalEmbedder e(1024);
  auto plural = EmbedText(e, "indexes");
  auto singular = EmbedText(e, "index");
  auto other = EmbedText(e, "banana");
  // By hand: 9 shared grams * 0.2^2 / sqrt((1 + 12 * 0.04) * (1 + 18 * 0.04)) = 0.226.
  EXPECT_NEAR(Cosine(plural, singular), 0.226f, 0.03f);
  EXPECT_GT(Cosine(plural, singular), Cosine(plural, other) + 0.2f);
}

TEST(LexicalEmbedderTest, StopwordsWeighLessThanContentWords) {
  EXPECT_TRUE(IsEnglishStopword("the"));
  EXPECT_TRUE(IsEnglishStopword("what"));
  EXPECT_FALSE(IsEnglishStopword("vector"));
  LexicalEmbedder e(1024);
  auto query = EmbedText(e, "what is the vector index");
  auto shares_content = EmbedText(e, "vector index");
  auto shares_stopwords = EmbedText(e, "what is the weather");
  EXPECT_GT(Cosine(query, shares_content), Cosine(query, shares_stopwords));
}

TEST(LexicalEmbedderTest, BatchEqualsOneByOneAndChecksBufferSize) {
  LexicalEmbedder e(128);
  std::vector<std::string_view> texts = {"alpha beta", "gamma delta epsilon", ""};
  std::vector<float> out(texts.size() * 128);
  ASSERT_TRUE(e.Embed(texts, EmbedPurpose::kDocument, out).ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    auto one = EmbedText(e, texts[i]);
    EXPECT_TRUE(std::equal(one.begin(), one.end(), out.begin() + i * 128)) << i;
  }
  std::vector<float> wrong(10);
  EXPECT_EQ(e.Embed(texts, EmbedPurpose::kQuery, wrong).code(), StatusCode::kInvalidArgument);
}

TEST(LexicalEmbedderTest, TokensAreWordsAndFingerprintNamesDimensions) {
  LexicalEmbedder e(384);
  EXPECT_EQ(e.CountTokens("one two, three!"), 3u);
  EXPECT_EQ(e.fingerprint(), "lexical-v1/d384");
  EXPECT_FALSE(e.semantic());
}

TEST(LexicalEmbedderTest, HugeAndHostileInputStaysFinite) {
  LexicalEmbedder e(64);
  std::string huge;
  for (int i = 0; i < 200000; ++i) huge += "word" + std::to_string(i % 5000) + " ";
  auto v = EmbedText(e, huge);
  EXPECT_TRUE(vector::AllFinite(v));
  std::string one_long_word(100000, 'x');
  EXPECT_TRUE(vector::AllFinite(EmbedText(e, one_long_word)));
}

}  // namespace
}  // namespace quarry::embed
