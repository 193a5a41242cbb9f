#include "text/analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quarry::text {
namespace {

Analyzer Make(AnalyzerOptions options = {}) {
  Result<Analyzer> a = Analyzer::Create(std::move(options));
  if (!a.ok()) ADD_FAILURE() << a.status().ToString();
  return std::move(a).value();
}

std::vector<std::string> Terms(Analyzer& a, std::string_view text) {
  std::vector<std::string> out;
  a.AnalyzeTerms(text, &out);
  return out;
}

using V = std::vector<std::string>;

TEST(AnalyzerTest, DefaultEnglishPipeline) {
  Analyzer a = Make();
  EXPECT_EQ(Terms(a, "The Infections of the Lungs are spreading"), (V{"infect", "lung", "spread"}));
}

TEST(AnalyzerTest, PositionsCountDroppedWords) {
  Analyzer a = Make();
  std::vector<AnalyzedTerm> out;
  a.Analyze("cancer of the lung", &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], (AnalyzedTerm{"cancer", 0}));
  EXPECT_EQ(out[1], (AnalyzedTerm{"lung", 3}));
}

TEST(AnalyzerTest, NfkcAndCaseFolding) {
  Analyzer a = Make({.language = "english", .remove_stopwords = false, .stem = false});
  // Full-width letters, a ligature, superscript two, sharp s.
  EXPECT_EQ(Terms(a, "ＤＮＡ ﬁbre x² Straße"), (V{"dna", "fibre", "x2", "strasse"}));
}

TEST(AnalyzerTest, OptionsTurnStagesOff) {
  Analyzer plain = Make({.language = "english", .remove_stopwords = false, .stem = false});
  EXPECT_EQ(Terms(plain, "The cats"), (V{"the", "cats"}));
  Analyzer stem_only = Make({.language = "english", .remove_stopwords = false, .stem = true});
  EXPECT_EQ(Terms(stem_only, "The cats"), (V{"the", "cat"}));
  Analyzer stop_only = Make({.language = "english", .remove_stopwords = true, .stem = false});
  EXPECT_EQ(Terms(stop_only, "The cats"), (V{"cats"}));
}

TEST(AnalyzerTest, OnlyStopwordsGiveNoTerms) {
  Analyzer a = Make();
  EXPECT_TRUE(Terms(a, "the of and to it is").empty());
  EXPECT_TRUE(Terms(a, "").empty());
  EXPECT_TRUE(Terms(a, "  ,.;!? ").empty());
}

TEST(AnalyzerTest, InvalidUtf8IsSafe) {
  Analyzer a = Make();
  EXPECT_EQ(Terms(a, std::string("cells\xff\xfe"
                                 "growth",
                                 13)),
            (V{"cell", "growth"}));
}

TEST(AnalyzerTest, OverlongWordsAreDroppedButCounted) {
  Analyzer a = Make();
  std::vector<AnalyzedTerm> out;
  a.Analyze(std::string(300, 'x') + " protein", &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (AnalyzedTerm{"protein", 1}));
}

TEST(AnalyzerTest, NoEmptyTerms) {
  // The Porter stemmer stems "s" (as in "MDS's") to nothing.
  Analyzer a = Make({.language = "porter"});
  EXPECT_EQ(Terms(a, "MDS's cells"), (V{"md", "s", "cell"}));
}

TEST(AnalyzerTest, CjkCharactersAreTerms) {
  Analyzer a = Make();
  EXPECT_EQ(Terms(a, "東京 DNA"), (V{"東", "京", "dna"}));
}

TEST(AnalyzerTest, UnknownLanguageIsRefusedUnlessStemmingIsOff) {
  Result<Analyzer> bad = Analyzer::Create({.language = "klingon"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  Result<Analyzer> ok = Analyzer::Create({.language = "klingon", .stem = false});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(Terms(*ok, "The Cats"), (V{"the", "cats"}));  // no stopword list for it
}

TEST(AnalyzerTest, CloneAnalyzesTheSame) {
  Analyzer a = Make({.language = "french"});
  Result<Analyzer> b = a.Clone();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->options(), a.options());
  EXPECT_EQ(Terms(*b, "continuellement"), Terms(a, "continuellement"));
}

}  // namespace
}  // namespace quarry::text
