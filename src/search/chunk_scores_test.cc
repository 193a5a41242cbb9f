#include "search/chunk_scores.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace quarry::search {
namespace {

// Term weights from a table; terms missing from it weigh 1 (never seen).
std::function<double(std::string_view)> Table(std::map<std::string, double, std::less<>> table) {
  return [table = std::move(table)](std::string_view term) {
    auto it = table.find(term);
    return it == table.end() ? 1.0 : it->second;
  };
}

AnalyzedChunk Chunk(std::vector<std::vector<std::string>> sentences) {
  return AnalyzedChunk{std::move(sentences)};
}

TEST(ChunkScoresTest, NormalizedIdfByHand) {
  // N = 3: idf(0) = ln 8.
  EXPECT_DOUBLE_EQ(NormalizedIdf(0, 3), 1.0);
  EXPECT_NEAR(NormalizedIdf(1, 3), std::log(1 + 2.5 / 1.5) / std::log(8.0), 1e-15);
  EXPECT_NEAR(NormalizedIdf(3, 3), std::log(1 + 0.5 / 3.5) / std::log(8.0), 1e-15);
  // df past N (it cannot be, but the value stays defined) is clamped to N.
  EXPECT_DOUBLE_EQ(NormalizedIdf(7, 3), NormalizedIdf(3, 3));
  // An empty collection: every term is unseen.
  EXPECT_DOUBLE_EQ(NormalizedIdf(0, 0), 1.0);
  // Rarer is higher, and a term in every chunk of a big collection is near 0.
  EXPECT_GT(NormalizedIdf(1, 1000), NormalizedIdf(10, 1000));
  EXPECT_LT(NormalizedIdf(1'000'000, 1'000'000), 1e-6);
}

TEST(ChunkScoresTest, EmptyChunkScoresZero) {
  ChunkScores s = ScoreChunk(Chunk({}), Table({}));
  EXPECT_EQ(s.importance, 0);
  EXPECT_EQ(s.semantic_density, 0);
  s = ScoreChunk(Chunk({{}, {}}), Table({}));  // sentences of stopwords only
  EXPECT_EQ(s.importance, 0);
  EXPECT_EQ(s.semantic_density, 0);
}

TEST(ChunkScoresTest, ImportanceIsTheMeanOverOccurrences) {
  // (0.2 + 0.6 + 0.6) / 3; one sentence with terms is dense by definition.
  ChunkScores s = ScoreChunk(Chunk({{"a", "b", "b"}}), Table({{"a", 0.2}, {"b", 0.6}}));
  EXPECT_NEAR(s.importance, 1.4 / 3, 1e-9);
  EXPECT_EQ(s.semantic_density, 1);
  // Weights outside [0, 1] are clamped.
  s = ScoreChunk(Chunk({{"a", "b"}}), Table({{"a", -3}, {"b", 7}}));
  EXPECT_DOUBLE_EQ(s.importance, 0.5);
}

TEST(ChunkScoresTest, DensityIsTheMeanPairwiseCosine) {
  auto density = [](std::vector<std::vector<std::string>> sentences,
                    std::map<std::string, double, std::less<>> table = {}) {
    return ScoreChunk(Chunk(std::move(sentences)), Table(std::move(table))).semantic_density;
  };
  EXPECT_NEAR(density({{"x", "y"}, {"x", "y"}, {"y", "x"}}), 1.0, 1e-9);  // the same terms
  EXPECT_EQ(density({{"x"}, {"y"}, {"z"}}), 0.0);                         // nothing shared
  EXPECT_NEAR(density({{"a", "b"}, {"a", "c"}}), 0.5, 1e-9);              // cos = 1/2
  EXPECT_NEAR(density({{"a"}, {"a"}, {"b"}}), 1.0 / 3, 1e-9);             // pairs 1, 0, 0
  // Weighted: v1 = (0.5, 1), v2 = (0.5, 0): cos = 0.25 / (sqrt(1.25) * 0.5).
  EXPECT_NEAR(density({{"a", "b"}, {"a"}}, {{"a", 0.5}, {"b", 1}}), 0.25 / (std::sqrt(1.25) * 0.5),
              1e-9);
  // Term frequency counts: v1 = (2, 0), v2 = (1, 1): cos = 2 / (2 * sqrt 2).
  EXPECT_NEAR(density({{"a", "a"}, {"a", "b"}}), 1 / std::sqrt(2.0), 1e-9);
  // A sentence without terms (or with only weight-0 terms) is not a sentence here.
  EXPECT_NEAR(density({{"a"}, {}, {"a"}, {"z"}}, {{"z", 0}}), 1.0, 1e-9);
}

class ChunkScoresAnalyzedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<text::Analyzer> analyzer = text::Analyzer::Create({});
    ASSERT_TRUE(analyzer.ok());
    analyzer_.emplace(std::move(analyzer).value());
    Result<text::SentenceSplitter> splitter = text::SentenceSplitter::Create("en");
    ASSERT_TRUE(splitter.ok());
    splitter_.emplace(std::move(splitter).value());
  }
  AnalyzedChunk Analyze(std::string_view text) {
    return AnalyzeChunk(text, *analyzer_, *splitter_);
  }

  std::optional<text::Analyzer> analyzer_;
  std::optional<text::SentenceSplitter> splitter_;
};

TEST_F(ChunkScoresAnalyzedTest, SplitsSentencesAndDropsStopwords) {
  AnalyzedChunk c = Analyze("The cells divide. It is as it was.\nCells divided!");
  ASSERT_EQ(c.sentences.size(), 3u);
  EXPECT_EQ(c.sentences[0], (std::vector<std::string>{"cell", "divid"}));
  EXPECT_TRUE(c.sentences[1].empty());  // all stopwords
  EXPECT_EQ(c.sentences[2], (std::vector<std::string>{"cell", "divid"}));
  EXPECT_TRUE(Analyze("").sentences.empty());
}

// A tiny corpus in which each text is one chunk, as the keyword index sees
// it: N = 4; "protein", "study", "result" are in 3 chunks, the rest in 1.
TEST_F(ChunkScoresAnalyzedTest, TinyCorpusByHand) {
  const std::vector<std::string> corpus = {
      "The study of the protein is in the result.",
      "A protein study with a result.",
      "Protein results of the study.",
      "Telomerase shortens in senescent fibroblasts.",
  };
  std::map<std::string, uint64_t, std::less<>> df;
  for (const std::string& text : corpus) {
    std::set<std::string> distinct;
    for (const auto& sentence : Analyze(text).sentences)
      distinct.insert(sentence.begin(), sentence.end());
    for (const std::string& t : distinct) ++df[t];
  }
  auto nidf = [&](std::string_view t) {
    auto it = df.find(t);
    return NormalizedIdf(it == df.end() ? 0 : it->second, corpus.size());
  };
  const double common = std::log(1 + 1.5 / 3.5) / std::log(10.0);  // df 3 of 4: 0.1549
  const double rare = std::log(1 + 3.5 / 1.5) / std::log(10.0);    // df 1 of 4: 0.5229

  // Stopwords and common words: low; rare terms: high.
  EXPECT_NEAR(ScoreChunk(Analyze(corpus[0]), nidf).importance, common, 1e-9);
  EXPECT_NEAR(ScoreChunk(Analyze(corpus[3]), nidf).importance, rare, 1e-9);
  EXPECT_EQ(ScoreChunk(Analyze("It is in the, and it was to be."), nidf).importance, 0);

  // Sentences that repeat the same terms: dense; unrelated ones: not.
  EXPECT_NEAR(ScoreChunk(Analyze("Protein study results. The study of protein results."), nidf)
                  .semantic_density,
              1.0, 1e-9);
  EXPECT_EQ(ScoreChunk(Analyze("Protein study results. Telomerase shortens in fibroblasts."), nidf)
                .semantic_density,
            0.0);  // exactly: the scores are rounded to 9 decimals
  // Half shared, by hand: s1 = {protein, telomeras}, s2 = {protein, studi}:
  // cos = c^2 / (sqrt(c^2 + r^2) * sqrt(c^2 + c^2)).
  EXPECT_NEAR(
      ScoreChunk(Analyze("Protein and telomerase. Protein study."), nidf).semantic_density,
      common * common / (std::sqrt(common * common + rare * rare) * std::sqrt(2.0) * common), 1e-9);
  // One sentence is dense by definition.
  EXPECT_EQ(ScoreChunk(Analyze("Telomerase shortens."), nidf).semantic_density, 1);
}

}  // namespace
}  // namespace quarry::search
