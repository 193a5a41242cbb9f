#include "search/snippet.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "search/snippet_html.h"
#include "text/utf8.h"

namespace quarry::search {
namespace {

SnippetMaker Maker(size_t window = 0, SnippetOptions options = {}) {
  options.window_chars = window;
  Result<SnippetMaker> made = SnippetMaker::Create(text::AnalyzerOptions{}, std::move(options));
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  return std::move(made).value();
}

std::string Html(std::string_view query, std::string_view text, size_t window = 0) {
  SnippetMaker maker = Maker(window);
  maker.SetQuery(query);
  return maker.Make(text).html;
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (size_t p = s->find(from); p != std::string::npos; p = s->find(from, p + to.size())) {
    s->replace(p, from.size(), to);
  }
}

// What a reader sees: the snippet without tags and ellipses, unescaped.
std::string Visible(std::string html) {
  ReplaceAll(&html, "<mark>", "");
  ReplaceAll(&html, "</mark>", "");
  ReplaceAll(&html, "\u2026", "");
  ReplaceAll(&html, "&lt;", "<");
  ReplaceAll(&html, "&gt;", ">");
  ReplaceAll(&html, "&quot;", "\"");
  ReplaceAll(&html, "&#39;", "'");
  ReplaceAll(&html, "&amp;", "&");
  return html;
}

TEST(SnippetTest, HighlightsWhatTheAnalyzerEquates) {
  // Porter2: runs, running -> run; runner stays runner. "the" is a stopword.
  EXPECT_EQ(Html("the run", "The runner runs quickly. Running is fun."),
            "The runner <mark>runs</mark> quickly. <mark>Running</mark> is fun.");
  // Case folding and NFKC: the ligature "ﬁ" and full-width letters.
  EXPECT_EQ(Html("file dna", "A ﬁle of ＤＮＡ and DNA."),
            "A <mark>ﬁle</mark> of <mark>ＤＮＡ</mark> and <mark>DNA</mark>.");
  EXPECT_EQ(Html("Café", "CAFÉ cafe café"), "<mark>CAFÉ</mark> cafe <mark>café</mark>");
}

TEST(SnippetTest, EscapesEverythingButTheTags) {
  EXPECT_EQ(Html("script cat", R"(<script>alert("x")</script> & cat's <b>)"),
            "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; &amp; "
            "<mark>cat</mark>&#39;s &lt;b&gt;");
  EXPECT_EQ(HtmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  // An attempt to close the mark and open a tag is text like any other.
  EXPECT_EQ(Html("x", "x</mark><img src=y onerror=alert(1)>"),
            "<mark>x</mark>&lt;/mark&gt;&lt;img src=y onerror=alert(1)&gt;");
}

TEST(SnippetTest, TagsAreConfigurable) {
  SnippetOptions options;
  options.pre_tag = "<em class=\"hl\">";
  options.post_tag = "</em>";
  SnippetMaker maker = Maker(0, options);
  maker.SetQuery("fox");
  const Snippet s = maker.Make("The quick fox. Foxes!");
  EXPECT_EQ(s.html, "The quick <em class=\"hl\">fox</em>. <em class=\"hl\">Foxes</em>!");
  EXPECT_EQ(s.highlights, 2u);
  EXPECT_EQ(s.distinct_terms, 1u);
}

TEST(SnippetTest, BadOptionsAreRefused) {
  SnippetOptions options;
  options.pre_tag = std::string(65, 'x');
  EXPECT_EQ(SnippetMaker::Create({}, options).status().code(), StatusCode::kInvalidArgument);
  options = {};
  options.post_tag = "\xff";
  EXPECT_EQ(SnippetMaker::Create({}, options).status().code(), StatusCode::kInvalidArgument);
  options = {};
  options.window_chars = SnippetOptions::kMaxWindowChars + 1;
  EXPECT_EQ(SnippetMaker::Create({}, options).status().code(), StatusCode::kInvalidArgument);
  text::AnalyzerOptions klingon;
  klingon.language = "klingon";
  EXPECT_EQ(SnippetMaker::Create(klingon, {}).status().code(), StatusCode::kInvalidArgument);
}

std::string Filler(size_t words) {
  static const char* kWords[] = {"lorem", "ipsum", "dolor", "sit", "amet", "consectetur"};
  std::string s;
  for (size_t i = 0; i < words; ++i) {
    s += kWords[i % 6];
    s += i % 9 == 8 ? ". " : " ";
  }
  return s;
}

TEST(SnippetTest, WindowCoversTheDensestRegion) {
  // One "alpha" early, then "alpha beta gamma" together later: the later
  // region has more distinct terms.
  const std::string text =
      Filler(20) + "alpha " + Filler(200) + "alpha beta gamma " + Filler(200) + "beta";
  SnippetMaker maker = Maker(80);
  maker.SetQuery("alpha beta gamma");
  const Snippet s = maker.Make(text);
  EXPECT_NE(s.html.find("<mark>alpha</mark> <mark>beta</mark> <mark>gamma</mark>"),
            std::string::npos)
      << s.html;
  EXPECT_EQ(s.highlights, 3u);
  EXPECT_EQ(s.distinct_terms, 3u);
  EXPECT_EQ(s.html.rfind("\u2026", 0), 0u);  // starts with an ellipsis
  EXPECT_EQ(s.html.substr(s.html.size() - 3), "\u2026");
  const std::string visible = Visible(s.html);
  EXPECT_LE(text::CountCodePoints(visible), 80u);
  EXPECT_GE(text::CountCodePoints(visible), 60u);  // the context is used
  // No word is cut: the visible text is whole words of the original.
  EXPECT_NE(text.find(visible), std::string::npos);
  EXPECT_NE(visible.front(), ' ');
  EXPECT_NE(visible.back(), ' ');
  const size_t at = text.find(visible);
  EXPECT_TRUE(at == 0 || text[at - 1] == ' ' || text[at - 1] == '.');
  const char after = text[at + visible.size()];
  EXPECT_TRUE(after == ' ' || after == '.') << visible;
}

TEST(SnippetTest, WithoutMatchesTheSnippetIsTheBeginning) {
  const std::string text = Filler(100);
  SnippetMaker maker = Maker(50);
  maker.SetQuery("absent");
  const Snippet s = maker.Make(text);
  EXPECT_EQ(s.highlights, 0u);
  EXPECT_EQ(s.html.rfind("lorem ipsum", 0), 0u);
  EXPECT_LE(text::CountCodePoints(Visible(s.html)), 50u);
  maker.SetQuery("");  // no terms at all
  EXPECT_EQ(maker.Make(text).html, s.html);
  maker.SetQuery("the of and");  // only stopwords
  EXPECT_EQ(maker.Make(text).html, s.html);
}

TEST(SnippetTest, ShortTextIsShownWhole) {
  EXPECT_EQ(Html("b", "a b c", 200), "a <mark>b</mark> c");
  EXPECT_EQ(Html("b", "", 200), "");
}

TEST(SnippetTest, InvalidUtf8AndNulAreRepaired) {
  const std::string html = Html("cat", std::string("caf\xC3 cat\0dog \xFF\xFE", 15));
  EXPECT_TRUE(text::IsValidUtf8(html));
  EXPECT_EQ(html, "caf\uFFFD <mark>cat</mark> dog \uFFFD\uFFFD");
}

TEST(SnippetTest, RandomMultibyteTextIsNeverCutInsideACodePoint) {
  const char* kPieces[] = {"é",      "日本", "語", " ",  ". ", "ß",      "😀",   "a",   "mot",
                           "\u0301", "<",    "&",  "ｘ", "ﬁ",  "Straße", "the", "data"};
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    for (int i = static_cast<int>(rng() % 400); i > 0; --i) text += kPieces[rng() % 17];
    SnippetMaker maker = Maker(rng() % 60);
    maker.SetQuery(std::string(kPieces[rng() % 17]) + " " + kPieces[rng() % 17]);
    const Snippet s = maker.Make(text);
    ASSERT_TRUE(text::IsValidUtf8(s.html)) << text;
    const std::string visible = Visible(s.html);
    ASSERT_NE(text.find(visible), std::string::npos) << s.html;
  }
}

TEST(SnippetTest, HugeTextsAreBounded) {
  // 20 MB with the only match past the scanned prefix: the beginning is shown.
  std::string huge = Filler(3'000'000);
  huge += " needle";
  SnippetMaker maker = Maker(100);
  maker.SetQuery("needle lorem");
  Snippet s = maker.Make(huge);
  EXPECT_GT(s.highlights, 0u);
  EXPECT_EQ(s.html.rfind("<mark>lorem</mark>", 0), 0u);
  EXPECT_LE(s.html.size(), 1000u);
  // One enormous word, with a window of all of it: cut at the scan limit on
  // a code point boundary and marked as cut.
  const std::string word(SnippetOptions::kMaxScanBytes * 4, 'x');
  SnippetMaker whole = Maker(0);
  whole.SetQuery("x");
  s = whole.Make("é" + word);
  EXPECT_TRUE(text::IsValidUtf8(s.html));
  EXPECT_LE(s.html.size(), SnippetOptions::kMaxScanBytes + 8);
  EXPECT_EQ(s.html.substr(s.html.size() - 3), "\u2026");
}

}  // namespace
}  // namespace quarry::search
