#include "text/word_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quarry::text {
namespace {

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  for (const Span& span : WordSpans(s)) words.emplace_back(SpanText(s, span));
  EXPECT_EQ(CountWords(s), words.size()) << s;
  return words;
}

using Strings = std::vector<std::string>;

TEST(WordTokenizerTest, Ascii) {
  EXPECT_EQ(Words("Hello, world! It's 2024."), (Strings{"Hello", "world", "It", "s", "2024"}));
  EXPECT_EQ(Words("snake_case and kebab-case"), (Strings{"snake", "case", "and", "kebab", "case"}));
  EXPECT_EQ(Words(""), Strings{});
  EXPECT_EQ(Words("  ...  "), Strings{});
}

TEST(WordTokenizerTest, SpansAreByteOffsets) {
  const std::string s = "é a😀b";
  const std::vector<Span> spans = WordSpans(s);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0], (Span{0, 2}));
  EXPECT_EQ(spans[1], (Span{3, 4}));
  EXPECT_EQ(spans[2], (Span{8, 9}));
}

TEST(WordTokenizerTest, DigitsAndMixedAlphanumerics) {
  EXPECT_EQ(Words("3.14 x86_64 ④ ½"), (Strings{"3", "14", "x86", "64", "④", "½"}));
  EXPECT_EQ(Words("١٢٣ ३४"), (Strings{"١٢٣", "३४"}));  // Arabic-Indic and Devanagari digits
}

TEST(WordTokenizerTest, AccentedLatinAndCombiningMarks) {
  EXPECT_EQ(Words("café naïve Ångström"), (Strings{"café", "naïve", "Ångström"}));
  // Decomposed: e + U+0301 stays one word.
  EXPECT_EQ(Words("cafe\u0301 ok"), (Strings{"cafe\u0301", "ok"}));
  // A mark with no base begins no word.
  EXPECT_EQ(Words("\u0301 x"), (Strings{"x"}));
}

TEST(WordTokenizerTest, OtherScripts) {
  EXPECT_EQ(Words("Привет, мир"), (Strings{"Привет", "мир"}));
  EXPECT_EQ(Words("مرحبا بالعالم"), (Strings{"مرحبا", "بالعالم"}));
  EXPECT_EQ(Words("नमस्ते दुनिया"), (Strings{"नमस्ते", "दुनिया"}));  // virama is a mark
}

TEST(WordTokenizerTest, CjkCharactersAreWordsByThemselves) {
  EXPECT_EQ(Words("日本語abc"), (Strings{"日", "本", "語", "abc"}));
  EXPECT_EQ(Words("ひらがなカタカナ"), (Strings{"ひ", "ら", "が", "な", "カ", "タ", "カ", "ナ"}));
  EXPECT_EQ(Words("한국어 단어"), (Strings{"한", "국", "어", "단", "어"}));
  EXPECT_EQ(Words("コーヒー"), (Strings{"コ", "ー", "ヒ", "ー"}));
  // A combining voiced sound mark stays with its kana.
  EXPECT_EQ(Words("か\u3099き"), (Strings{"か\u3099", "き"}));
  // Full-width Latin is not CJK script: it forms ordinary runs.
  EXPECT_EQ(Words("ＡＢＣ１２"), (Strings{"ＡＢＣ１２"}));
}

TEST(WordTokenizerTest, EmojiAreNotWords) {
  EXPECT_EQ(Words("I ❤️ pizza 🍕!"), (Strings{"I", "pizza"}));
  EXPECT_EQ(Words("😀👍🏽👨‍👩‍👧"), Strings{});
  EXPECT_EQ(Words("a😀b"), (Strings{"a", "b"}));
}

TEST(WordTokenizerTest, FoldedWords) {
  std::vector<std::string> out = {"stale"};
  FoldedWords("Straße İstanbul ΣΑΣ HELLO 東京", &out);
  EXPECT_EQ(out, (Strings{"strasse", "i\u0307stanbul", "σασ", "hello", "東", "京"}));
  FoldedWords("", &out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace quarry::text
