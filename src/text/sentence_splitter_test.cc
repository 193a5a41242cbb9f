#include "text/sentence_splitter.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::text {
namespace {

using Strings = std::vector<std::string>;

class SentenceSplitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SentenceSplitter> created = SentenceSplitter::Create();
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    splitter_.emplace(std::move(created).value());
  }

  // The text of each span, after checking the coverage guarantee: spans are in
  // order, trimmed, and every non-white-space character is in exactly one.
  Strings Sentences(const std::string& s) {
    const std::vector<Span> spans = splitter_->Split(s);
    Strings out;
    uint32_t previous_end = 0;
    for (const Span& span : spans) {
      EXPECT_LE(previous_end, span.begin);
      EXPECT_LT(span.begin, span.end);
      EXPECT_TRUE(IsBlank(std::string_view(s).substr(previous_end, span.begin - previous_end)));
      const std::string_view piece = SpanText(s, span);
      EXPECT_TRUE(IsValidUtf8(piece));
      EXPECT_EQ(TrimWhitespace(s, span), span);
      out.emplace_back(piece);
      previous_end = span.end;
    }
    EXPECT_TRUE(IsBlank(std::string_view(s).substr(previous_end)));
    return out;
  }

  std::optional<SentenceSplitter> splitter_;
};

TEST_F(SentenceSplitterTest, Basic) {
  EXPECT_EQ(Sentences("One sentence. Another one? Yes!"),
            (Strings{"One sentence.", "Another one?", "Yes!"}));
}

TEST_F(SentenceSplitterTest, AbbreviationsDoNotEndSentences) {
  EXPECT_EQ(Sentences("Dr. Smith arrived. He sat."), (Strings{"Dr. Smith arrived.", "He sat."}));
  EXPECT_EQ(Sentences("Mr. Jones met Prof. Lee, e.g. at noon. Fine."),
            (Strings{"Mr. Jones met Prof. Lee, e.g. at noon.", "Fine."}));
  EXPECT_EQ(Sentences("See Fig. 3 for details. Done."),
            (Strings{"See Fig. 3 for details.", "Done."}));
}

TEST_F(SentenceSplitterTest, Quotes) {
  // Closing quotes stay with the sentence they end.
  EXPECT_EQ(Sentences("He said \"Stop.\" Then he left. 'Really?' She nodded."),
            (Strings{"He said \"Stop.\"", "Then he left.", "'Really?'", "She nodded."}));
  // After a period, a lowercase word means the sentence goes on (UAX #29 SB8).
  EXPECT_EQ(Sentences("He said \"stop.\" then left."), (Strings{"He said \"stop.\" then left."}));
}

TEST_F(SentenceSplitterTest, LineBreaksEndSentences) {
  EXPECT_EQ(Sentences("first line\nsecond line\r\n\n  third  \n"),
            (Strings{"first line", "second line", "third"}));
}

TEST_F(SentenceSplitterTest, NoPunctuationIsOneSentence) {
  EXPECT_EQ(Sentences("just some words without any end"),
            (Strings{"just some words without any end"}));
}

TEST_F(SentenceSplitterTest, EmptyAndBlank) {
  EXPECT_TRUE(Sentences("").empty());
  EXPECT_TRUE(Sentences(" \n\t \u3000").empty());
}

TEST_F(SentenceSplitterTest, AstralCharactersKeepOffsetsRight) {
  // Each emoji is 4 bytes in UTF-8 and 2 units in UTF-16: a UTF-16 index used
  // as a byte offset would shift every later span.
  const std::string s =
      "😀😀 Emoji first. 𝄞 Music 🎵! Then 日本語です。 Last 👍🏽.";
  EXPECT_EQ(Sentences(s),
            (Strings{"😀😀 Emoji first.", "𝄞 Music 🎵!", "Then 日本語です。", "Last 👍🏽."}));
}

TEST_F(SentenceSplitterTest, SpansPointIntoTheInput) {
  const std::string s = "  é. Ünïcode here. ";
  const std::vector<Span> spans = splitter_->Split(s);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0], (Span{2, 5}));
  EXPECT_EQ(spans[1], (Span{6, 21}));
}

TEST_F(SentenceSplitterTest, CopiesAreIndependent) {
  SentenceSplitter copy = *splitter_;
  const std::string a = "Alpha one. Alpha two.";
  const std::string b = "Beta. Gamma. Delta.";
  const std::vector<Span> from_copy = copy.Split(b);
  EXPECT_EQ(splitter_->Split(a).size(), 2u);
  EXPECT_EQ(from_copy.size(), 3u);
  EXPECT_EQ(copy.Split(a), splitter_->Split(a));
}

TEST(SentenceSplitterLocaleTest, OtherLocalesAndRoot) {
  for (const char* locale : {"", "de", "fr_CA", "ja"}) {
    Result<SentenceSplitter> splitter = SentenceSplitter::Create(locale);
    ASSERT_TRUE(splitter.ok()) << locale << ": " << splitter.status().ToString();
    EXPECT_EQ(splitter->Split("Eins. Zwei.").size(), 2u) << locale;
  }
  // German's CLDR list keeps "z. B." together; English rules would not know it.
  Result<SentenceSplitter> german = SentenceSplitter::Create("de");
  ASSERT_TRUE(german.ok());
  EXPECT_EQ(german->Split("Das ist z.B. Obst. Gut.").size(), 2u);
}

TEST(SentenceSplitterEnglishTest, CopiesOfTheSharedSplitterSplitLikeANewOneInParallel) {
  const std::string text = "Dr. Smith measured it. The result held! Did it? Yes.";
  Result<SentenceSplitter> fresh = SentenceSplitter::Create("en");
  ASSERT_TRUE(fresh.ok());
  const std::vector<Span> expected = fresh->Split(text);
  ASSERT_EQ(expected.size(), 4u);  // "Dr." does not end a sentence
  std::vector<std::vector<Span>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      Result<SentenceSplitter> copy = SentenceSplitter::English();
      if (!copy.ok()) return;
      for (int i = 0; i < 50; ++i) got[t] = copy->Split(text);
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::vector<Span>& spans : got) EXPECT_EQ(spans, expected);
}

}  // namespace
}  // namespace quarry::text
