#include "text/case_fold.h"

#include <gtest/gtest.h>

#include <string>

namespace quarry::text {
namespace {

TEST(CaseFoldTest, Ascii) {
  EXPECT_EQ(CaseFold("Hello WORLD 42_x"), "hello world 42_x");
  EXPECT_EQ(CaseFold(""), "");
}

TEST(CaseFoldTest, FullFoldingChangesLength) {
  EXPECT_EQ(CaseFold("Straße"), "strasse");
  EXPECT_EQ(CaseFold("STRASSE"), CaseFold("straße"));
  EXPECT_EQ(CaseFold("ﬁ"), "fi");  // U+FB01 LATIN SMALL LIGATURE FI
}

TEST(CaseFoldTest, DottedCapitalIUsesDefaultNotTurkicRules) {
  // Default full folding: U+0130 -> "i" + U+0307 COMBINING DOT ABOVE.
  EXPECT_EQ(CaseFold("İ"), "i\u0307");
  EXPECT_EQ(CaseFold("I"), "i");
}

TEST(CaseFoldTest, GreekSigmaFoldsToOneForm) {
  EXPECT_EQ(CaseFold("ΣΑΣ"), "σασ");
  EXPECT_EQ(CaseFold("σας"), "σασ");  // final sigma folds like the others
  EXPECT_EQ(CaseFold("ΣΑΣ"), CaseFold("σας"));
}

TEST(CaseFoldTest, AppendKeepsExistingContent) {
  std::string out = "x:";
  AppendCaseFolded("ÄB", &out);
  EXPECT_EQ(out, "x:äb");
}

}  // namespace
}  // namespace quarry::text
