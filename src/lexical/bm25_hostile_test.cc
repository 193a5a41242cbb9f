// Hostile queries through the BM25 API: answered, or refused with a clear
// InvalidArgument, never a crash or a hang.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "lexical/bm25_builder.h"
#include "lexical/bm25_searcher.h"
#include "text/analyzer.h"

namespace quarry::lexical {
namespace {

using Terms = std::vector<std::string>;

class Bm25HostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<text::Analyzer> analyzer = text::Analyzer::Create({});
    ASSERT_TRUE(analyzer.ok());
    analyzer_.emplace(std::move(analyzer).value());
    Bm25IndexBuilder b;
    const char* docs[] = {"Gene therapy delivers genes with viruses",
                          "Viral vectors for the delivery of genes",
                          "The effect of exercise on the heart", "Heart disease and diet"};
    for (const char* d : docs) {
      Terms body;
      analyzer_->AnalyzeTerms(d, &body);
      ASSERT_TRUE(b.AddDocument(Terms{}, body).ok());
    }
    Result<Bm25Index> index = b.Build();
    ASSERT_TRUE(index.ok());
    index_.emplace(std::move(index).value());
  }

  Status Run(const Terms& analyzed, uint32_t k, std::vector<ScoredDoc>* hits) {
    std::vector<QueryTerm> q = CountQueryTerms(analyzed);
    AddDocFreqs(*index_, q);
    Bm25SearchOptions options;
    options.k = k;
    return searcher_.Search(*index_, q, index_->LocalStats(), options, hits);
  }
  Status RunText(std::string_view text, uint32_t k, std::vector<ScoredDoc>* hits) {
    Terms analyzed;
    analyzer_->AnalyzeTerms(text, &analyzed);
    return Run(analyzed, k, hits);
  }

  std::optional<text::Analyzer> analyzer_;
  std::optional<Bm25Index> index_;
  Bm25Searcher searcher_;
};

TEST_F(Bm25HostileTest, EmptyQueryGivesNoHits) {
  std::vector<ScoredDoc> hits = {{1, 1.0}};
  EXPECT_TRUE(RunText("", 10, &hits).ok());
  EXPECT_TRUE(hits.empty());
  EXPECT_TRUE(Run(Terms{}, 10, &hits).ok());
  EXPECT_TRUE(hits.empty());
}

TEST_F(Bm25HostileTest, OnlyStopwordsGiveNoHits) {
  std::vector<ScoredDoc> hits;
  EXPECT_TRUE(RunText("the of and to it is THE", 10, &hits).ok());
  EXPECT_TRUE(hits.empty());
}

TEST_F(Bm25HostileTest, UnknownTermsGiveNoHits) {
  std::vector<ScoredDoc> hits;
  EXPECT_TRUE(RunText("zyxwv quantum", 10, &hits).ok());
  EXPECT_TRUE(hits.empty());
}

TEST_F(Bm25HostileTest, TenThousandDistinctTermsAreRefusedClearly) {
  Terms many;
  for (int i = 0; i < 10'000; ++i) many.push_back("w" + std::to_string(i));
  many.push_back("gene");
  std::vector<ScoredDoc> hits;
  const Status s = Run(many, 10, &hits);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("10001 distinct terms; the limit is 1024"), std::string::npos)
      << s.message();
  EXPECT_TRUE(hits.empty());
}

TEST_F(Bm25HostileTest, TenThousandTermsWithRepeatsAreAnswered) {
  std::string text;
  for (int i = 0; i < 2'500; ++i) text += "gene heart virus diet ";
  std::vector<ScoredDoc> hits;
  ASSERT_TRUE(RunText(text, 10, &hits).ok());
  EXPECT_EQ(hits.size(), 4u);
  // A thousand distinct terms, the limit, are answered too.
  Terms at_limit;
  for (int i = 0; i < 1023; ++i) at_limit.push_back("w" + std::to_string(i));
  at_limit.push_back("heart");
  ASSERT_TRUE(Run(at_limit, 10, &hits).ok());
  EXPECT_EQ(hits.size(), 2u);
}

TEST_F(Bm25HostileTest, HugeCountsAreRefusedNotOverflowed) {
  std::vector<ScoredDoc> hits;
  std::vector<QueryTerm> q = {QueryTerm{"gene", UINT32_MAX, 2}, QueryTerm{"gene", UINT32_MAX, 2}};
  const Status s = searcher_.Search(*index_, q, index_->LocalStats(), {}, &hits);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("the limit is 1000000"), std::string::npos) << s.message();
}

TEST_F(Bm25HostileTest, KOutOfRangeIsRefusedAndLargeKIsAnswered) {
  std::vector<ScoredDoc> hits;
  Status s = RunText("gene", 0, &hits);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("k must be between 1 and 100000"), std::string::npos);
  s = RunText("gene", 4'000'000'000u, &hits);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(RunText("gene heart", Bm25Searcher::kMaxK, &hits).ok());
  EXPECT_EQ(hits.size(), 4u);  // every matching document, no more
}

TEST_F(Bm25HostileTest, BadParamsAreRefused) {
  const Terms query = {"gene"};  // QueryTerm views point into it
  std::vector<QueryTerm> q = CountQueryTerms(query);
  AddDocFreqs(*index_, q);
  std::vector<ScoredDoc> hits;
  for (auto change : std::vector<void (*)(Bm25Params*)>{[](Bm25Params* p) { p->k1 = -1; },
                                                        [](Bm25Params* p) { p->b = 1.5; },
                                                        [](Bm25Params* p) { p->k1 = std::nan(""); },
                                                        [](Bm25Params* p) {
                                                          p->field_weights = {0, 0};
                                                        },
                                                        [](Bm25Params* p) {
                                                          p->field_weights = {-1, 1};
                                                        }}) {
    Bm25SearchOptions options;
    change(&options.params);
    const Status s = searcher_.Search(*index_, q, index_->LocalStats(), options, &hits);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
}

TEST_F(Bm25HostileTest, InconsistentStatsAreRefused) {
  std::vector<ScoredDoc> hits;
  std::vector<QueryTerm> q = {QueryTerm{"gene", 1, 1}};  // occurs in 2 docs here
  Status s = searcher_.Search(*index_, q, index_->LocalStats(), {}, &hits);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  q = {QueryTerm{"gene", 1, 99}};  // more than N
  s = searcher_.Search(*index_, q, index_->LocalStats(), {}, &hits);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  CollectionStats empty;
  q = {QueryTerm{"gene", 1, 0}};
  EXPECT_TRUE(searcher_.Search(*index_, q, empty, {}, &hits).ok());  // nothing to score against
  EXPECT_TRUE(hits.empty());
}

}  // namespace
}  // namespace quarry::lexical
