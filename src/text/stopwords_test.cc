#include "text/stopwords.h"

#include <gtest/gtest.h>

namespace quarry::text {
namespace {

TEST(StopwordsTest, EnglishIsLucenesSet) {
  const StopwordSet* en = StopwordsFor("english");
  ASSERT_NE(en, nullptr);
  EXPECT_EQ(en->size(), 33u);
  for (const char* w : {"a", "the", "of", "with", "will", "not", "into"}) {
    EXPECT_TRUE(en->Contains(w)) << w;
  }
  for (const char* w : {"cancer", "may", "can", "", "The"}) EXPECT_FALSE(en->Contains(w)) << w;
  EXPECT_EQ(StopwordsFor("en"), en);
}

TEST(StopwordsTest, UnknownLanguageHasNoList) { EXPECT_EQ(StopwordsFor("french"), nullptr); }

}  // namespace
}  // namespace quarry::text
