// BM25F scores against a small example worked by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "lexical/bm25_builder.h"
#include "lexical/bm25_searcher.h"

namespace quarry::lexical {
namespace {

using Terms = std::vector<std::string>;

// d0: title [a b]   body [b c c]
// d1: title []      body [a a a d]
// d2: title [c]     body [b]
// N = 3; title lengths 2, 0, 1 (total 3); body lengths 3, 4, 1 (total 8).
Bm25Index Example() {
  Bm25IndexBuilder b;
  EXPECT_TRUE(b.AddDocument(Terms{"a", "b"}, Terms{"b", "c", "c"}).ok());
  EXPECT_TRUE(b.AddDocument(Terms{}, Terms{"a", "a", "a", "d"}).ok());
  EXPECT_TRUE(b.AddDocument(Terms{"c"}, Terms{"b"}).ok());
  Result<Bm25Index> index = b.Build();
  EXPECT_TRUE(index.ok());
  return std::move(index).value();
}

std::vector<ScoredDoc> RunQuery(const Bm25Index& index, const Terms& query, Bm25Params params = {},
                                uint32_t k = 10) {
  std::vector<QueryTerm> q = CountQueryTerms(query);
  AddDocFreqs(index, q);
  Bm25SearchOptions options;
  options.k = k;
  options.params = params;
  std::vector<ScoredDoc> hits;
  Bm25Searcher searcher;
  const Status s = searcher.Search(index, q, index.LocalStats(), options, &hits);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return hits;
}

TEST(Bm25ScoreTest, OneTermByHand) {
  // Query "a", k1 = 0.9, b = 0.4, weights 1/1. df(a) = 2.
  //   idf = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6) = 0.4700036292
  //   avgdl = (3 + 8) / 3 = 3.6666667
  //   d1: tf~ = 3, dl = 4: norm = 0.9 (0.6 + 0.4 * 4 / 3.6666667) = 0.9327273
  //       score = 0.4700036 * 3 / 3.9327273 = 0.3585325882
  //   d0: tf~ = 1 (title), dl = 5: norm = 0.9 (0.6 + 0.4 * 5 / 3.6666667) = 1.0309091
  //       score = 0.4700036 * 1 / 2.0309091 = 0.2314252427
  const std::vector<ScoredDoc> hits = RunQuery(Example(), {"a"});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].doc, 1u);
  EXPECT_NEAR(hits[0].score, 0.3585325882, 1e-9);
  EXPECT_EQ(hits[1].doc, 0u);
  EXPECT_NEAR(hits[1].score, 0.2314252427, 1e-9);
}

TEST(Bm25ScoreTest, TermsAddUpAndRepeatsCount) {
  // d(1 doc): idf = ln(1 + 2.5 / 1.5) = 0.9808293; d1: 0.9808293 * 1 / (1 + 0.9327273) =
  // 0.5074845618
  const std::vector<ScoredDoc> hits = RunQuery(Example(), {"a", "d"});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].doc, 1u);
  EXPECT_NEAR(hits[0].score, 0.3585325882 + 0.5074845618, 1e-9);
  const std::vector<ScoredDoc> twice = RunQuery(Example(), {"a", "a"});
  ASSERT_EQ(twice.size(), 2u);
  EXPECT_NEAR(twice[0].score, 2 * 0.3585325882, 1e-9);
}

TEST(Bm25ScoreTest, FieldWeights) {
  // Title weight 2, k1 = 1.2, b = 0.75: avgdl~ = (2*3 + 8) / 3 = 4.6666667.
  //   d0: tf~ = 2, dl~ = 2*2 + 3 = 7: norm = 1.2 (0.25 + 0.75 * 7 / 4.6666667) = 1.65
  //       score = 0.4700036 * 2 / 3.65 = 0.2575362352
  //   d1: tf~ = 3, dl~ = 4: norm = 1.2 (0.25 + 0.75 * 4 / 4.6666667) = 1.0714286
  //       score = 0.4700036 * 3 / 4.0714286 = 0.3463184637
  Bm25Params params;
  params.k1 = 1.2;
  params.b = 0.75;
  params.field_weights = {2.0, 1.0};
  const std::vector<ScoredDoc> hits = RunQuery(Example(), {"a"}, params);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].doc, 1u);
  EXPECT_NEAR(hits[0].score, 0.3463184637, 1e-9);
  EXPECT_NEAR(hits[1].score, 0.2575362352, 1e-9);
}

TEST(Bm25ScoreTest, TiesGoToTheLowerDocId) {
  // Identical documents score identically; the lower ids win.
  Bm25IndexBuilder b;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(b.AddDocument(Terms{}, Terms{"x", "y"}).ok());
  Result<Bm25Index> index = b.Build();
  ASSERT_TRUE(index.ok());
  const std::vector<ScoredDoc> hits = RunQuery(*index, {"x"}, {}, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].doc, 0u);
  EXPECT_EQ(hits[1].doc, 1u);
  EXPECT_EQ(hits[2].doc, 2u);
  EXPECT_EQ(hits[0].score, hits[2].score);
}

TEST(Bm25ScoreTest, ZeroWeightFieldDoesNotMatch) {
  Bm25Params params;
  params.field_weights = {0.0, 1.0};
  // "a" occurs in d0's title only (weight 0), and in d1's body.
  const std::vector<ScoredDoc> hits = RunQuery(Example(), {"a"}, params);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].doc, 1u);
}

TEST(Bm25ScoreTest, DeletedDocsAreSkipped) {
  const Bm25Index index = Example();
  const Terms query = {"a"};  // QueryTerm views point into it
  std::vector<QueryTerm> q = CountQueryTerms(query);
  AddDocFreqs(index, q);
  const std::vector<uint64_t> deleted = {0b10};  // d1
  for (TopKAlgorithm algorithm : {TopKAlgorithm::kMaxScore, TopKAlgorithm::kExhaustive}) {
    Bm25SearchOptions options;
    options.deleted = DeletedDocs(deleted);
    options.algorithm = algorithm;
    std::vector<ScoredDoc> hits;
    ASSERT_TRUE(Bm25Searcher().Search(index, q, index.LocalStats(), options, &hits).ok());
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].doc, 0u);
  }
}

}  // namespace
}  // namespace quarry::lexical
