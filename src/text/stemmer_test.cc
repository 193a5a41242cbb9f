#include "text/stemmer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace quarry::text {
namespace {

TEST(StemmerTest, EnglishConflatesInflections) {
  Result<Stemmer> s = Stemmer::Create("english");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->Stem("infections"), "infect");
  EXPECT_EQ(std::string(s->Stem("infected")), "infect");
  EXPECT_EQ(s->Stem("running"), "run");
  EXPECT_EQ(s->Stem("generously"), "generous");
  EXPECT_EQ(s->Stem(""), "");
}

TEST(StemmerTest, IsoCodeAndOtherLanguages) {
  Result<Stemmer> en = Stemmer::Create("en");
  ASSERT_TRUE(en.ok()) << en.status().ToString();
  EXPECT_EQ(en->Stem("cats"), "cat");
  Result<Stemmer> fr = Stemmer::Create("french");
  ASSERT_TRUE(fr.ok());
  EXPECT_EQ(fr->Stem("continuellement"), "continuel");
  Result<Stemmer> porter = Stemmer::Create("porter");
  ASSERT_TRUE(porter.ok());
  EXPECT_EQ(porter->Stem("generalizations"), "gener");
}

TEST(StemmerTest, UnknownLanguageIsInvalidArgumentListingKnownOnes) {
  Result<Stemmer> s = Stemmer::Create("klingon");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("klingon"), std::string::npos);
  EXPECT_NE(s.status().message().find("english"), std::string::npos);
  const std::vector<std::string> langs = Stemmer::Languages();
  EXPECT_NE(std::find(langs.begin(), langs.end(), "english"), langs.end());
}

TEST(StemmerTest, NonAsciiWordsAreStemmedAsUtf8) {
  Result<Stemmer> s = Stemmer::Create("german");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->Stem("häuser"), "haus");
}

TEST(StemmerTest, MovedStemmerStillWorks) {
  Result<Stemmer> s = Stemmer::Create("english");
  ASSERT_TRUE(s.ok());
  Stemmer moved = std::move(s).value();
  EXPECT_EQ(moved.Stem("cats"), "cat");
  EXPECT_EQ(moved.language(), "english");
}

TEST(StemmerTest, OnePerThread) {
  // The documented rule: one stemmer per thread. Each thread gets its own and
  // all agree (run under TSan/ASan this also shows no shared state).
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&results, t] {
      Result<Stemmer> s = Stemmer::Create("english");
      if (!s.ok()) return;
      for (int i = 0; i < 1000; ++i) results[t] = std::string(s->Stem("hybridization"));
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::string& r : results) EXPECT_EQ(r, "hybrid");
}

}  // namespace
}  // namespace quarry::text
