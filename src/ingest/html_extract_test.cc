#include "ingest/html_extract.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/html_nesting.h"
#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

ExtractedDocument Extract(std::string_view html, HtmlOptions options = {}) {
  Result<ExtractedDocument> doc = ExtractHtml(html, options);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return doc.ok() ? std::move(doc).value() : ExtractedDocument{};
}

// The extractor's guarantees: valid UTF-8, sections in order covering every
// non-white-space byte exactly once.
void CheckSections(const ExtractedDocument& doc) {
  ASSERT_TRUE(text::IsValidUtf8(doc.text));
  uint32_t covered_to = 0;
  for (const DocumentSection& s : doc.sections) {
    ASSERT_LE(s.byte_begin, s.byte_end);
    ASSERT_LE(s.byte_end, doc.text.size());
    EXPECT_TRUE(text::IsBlank(std::string_view(doc.text).substr(covered_to, s.byte_begin - covered_to)));
    covered_to = s.byte_end;
  }
  EXPECT_TRUE(text::IsBlank(std::string_view(doc.text).substr(covered_to)));
}

std::string SectionText(const ExtractedDocument& doc, size_t i) {
  const DocumentSection& s = doc.sections[i];
  return doc.text.substr(s.byte_begin, s.byte_end - s.byte_begin);
}

constexpr char kPage[] = R"(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>  Caf&eacute; &amp; Co —
     Menu </title>
  <style>body { color: red; } .x::before { content: "STYLE"; }</style>
  <script>var hidden = "SCRIPT <p>not text</p>";</script>
  <link rel="stylesheet" href="a.css">
</head>
<body>
  <!-- a comment that is not text -->
  <nav><ul><li><a href="/">Home</a></li><li><a href="/menu">Menu</a></li></ul></nav>
  <noscript>NOSCRIPT</noscript>
  <template><p>TEMPLATE</p></template>
  <h1>Our   <em>menu</em></h1>
  <p>Fresh &lt;daily&gt; bread&nbsp;and caf&#233; au lait.
     Open 7&ndash;19.</p>
  <h2>Drinks</h2>
  <table>
    <tr><th>Name</th><th>Price</th></tr>
    <tr><td>Espresso</td><td>2 &euro;</td></tr>
    <tr><td><table><tr><td>Nested</td><td>cell</td></tr></table></td><td>3</td></tr>
  </table>
  <h3>Hot</h3>
  <pre>line one
  line  two
line three</pre>
  <img src="tea.png" alt="A cup of tea">
  <h2>Food</h2>
  <div>Bread<br>Cake<div>Pie</div></div>
  <p>Unclosed <b>bold <i>both</b> italic</i> text
  <p>Second paragraph</div></span>
</body>
</html>
)";

TEST(HtmlExtractTest, VisibleTextTitleAndEntities) {
  const ExtractedDocument doc = Extract(kPage);
  CheckSections(doc);
  EXPECT_EQ(doc.media_type, kMediaTypeHtml);
  EXPECT_EQ(doc.title, "Café & Co — Menu");
  for (const char* hidden : {"STYLE", "SCRIPT", "not text", "NOSCRIPT", "TEMPLATE", "comment",
                             "stylesheet", "color"}) {
    EXPECT_EQ(doc.text.find(hidden), std::string::npos) << hidden << " in:\n" << doc.text;
  }
  EXPECT_NE(doc.text.find("Fresh <daily> bread\u00A0and café au lait. Open 7–19."),
            std::string::npos)
      << doc.text;
  EXPECT_NE(doc.text.find("Espresso 2 €"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("Nested cell"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("A cup of tea"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("Unclosed bold both italic text"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("Second paragraph"), std::string::npos) << doc.text;
}

TEST(HtmlExtractTest, BlocksSeparateLinesAndParagraphs) {
  const ExtractedDocument doc = Extract(kPage);
  EXPECT_NE(doc.text.find("Home\nMenu"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("Bread\nCake\nPie"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("Our menu\n\nFresh"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("line one\n  line  two\nline three"), std::string::npos) << doc.text;
  EXPECT_EQ(doc.text.find("  Fresh"), std::string::npos);
  EXPECT_EQ(doc.text.front(), 'H');  // no leading white space
  EXPECT_NE(doc.text.back(), '\n');
}

TEST(HtmlExtractTest, HeadingsMakeSectionsWithPaths) {
  const ExtractedDocument doc = Extract(kPage);
  ASSERT_EQ(doc.sections.size(), 5u) << doc.text;
  EXPECT_EQ(doc.sections[0].heading_path, "");
  EXPECT_EQ(SectionText(doc, 0).substr(0, 4), "Home");
  EXPECT_EQ(doc.sections[1].heading_path, "Our menu");
  EXPECT_EQ(SectionText(doc, 1).substr(0, 8), "Our menu");
  EXPECT_EQ(doc.sections[2].heading_path, "Our menu > Drinks");
  EXPECT_EQ(doc.sections[3].heading_path, "Our menu > Drinks > Hot");
  EXPECT_EQ(doc.sections[4].heading_path, "Our menu > Food");
  EXPECT_EQ(SectionText(doc, 4).substr(0, 4), "Food");
  for (const DocumentSection& s : doc.sections) EXPECT_EQ(s.page, 0u);
}

TEST(HtmlExtractTest, TitleFallsBackToFirstH1) {
  EXPECT_EQ(Extract("<h2>Minor</h2><h1> Major\n title </h1><h1>Second</h1>").title,
            "Major title");
  EXPECT_EQ(Extract("<p>no heading</p>").title, "");
  EXPECT_EQ(Extract("<p>x<svg><title>icon</title></svg></p>").title, "");
  const ExtractedDocument empty_heading = Extract("<p>a</p><h2> </h2><p>b</p>");
  EXPECT_EQ(empty_heading.sections.size(), 1u);  // a heading without text starts nothing
}

TEST(HtmlExtractTest, ImageAltTextIsOptional) {
  HtmlOptions options;
  options.image_alt_text = false;
  EXPECT_EQ(Extract("<p>x<img alt=\"ALT\">y</p>", options).text, "x y");
  EXPECT_EQ(Extract("<p>x<img alt=\"ALT\">y</p>").text, "x ALT y");
}

TEST(HtmlExtractTest, MalformedAndHostileMarkup) {
  // Stray end tags, unclosed comments and attributes, NULs, broken UTF-8.
  const ExtractedDocument doc =
      Extract("</p></div><p class=x\">a</p><p>b\xFF\xFE c</b></i>&bogus; &#xD800; &#99999999;"
              "<p>d<!-- unclosed comment");
  CheckSections(doc);
  // Bad bytes and bad character references become U+FFFD; unknown entities stay as written.
  EXPECT_EQ(doc.text, "a\n\nb\uFFFD\uFFFD c&bogus; \uFFFD \uFFFD\n\nd");
  // An attribute value left open runs to the end of the input, as in browsers.
  EXPECT_EQ(Extract("<p>a</p><p class=\"x>b</p><p>c").text, "a");
  // gumbo 0.10.1 makes a lone byte of a reference past 32 bits; it is repaired.
  EXPECT_EQ(Extract("<title>&#xFFFFFFF1;</title><p>&#xFFFFFFF1;").text, "\uFFFD");
  EXPECT_EQ(Extract("<title>&#xFFFFFFF1;</title>").title, "\uFFFD");
  EXPECT_EQ(Extract("").text, "");
  EXPECT_TRUE(Extract("   \n").sections.empty());
  EXPECT_TRUE(Extract("<script>only()</script>").sections.empty());
  const ExtractedDocument nul = Extract(std::string("a\0b", 3));
  EXPECT_TRUE(text::IsValidUtf8(nul.text));
  EXPECT_EQ(nul.text.find('\0'), std::string::npos);
}

TEST(HtmlExtractTest, Utf16WithBomIsDecoded) {
  const std::string utf16le("\xFF\xFE<\0p\0>\0h\0i\0", 12);
  EXPECT_EQ(Extract(utf16le).text, "hi");
}

TEST(HtmlExtractTest, MetaCharsetDecodesLatin1Pages) {
  const ExtractedDocument doc = Extract(
      "<html><head><meta charset=\"ISO-8859-1\"><title>Caf\xE9</title></head>"
      "<body><p>cr\xE8me br\xFBl\xE9" "e \x96 \x93quoted\x94</p></body></html>");
  EXPECT_EQ(doc.title, "Café");
  EXPECT_EQ(doc.text, "crème brûlée \u2013 \u201Cquoted\u201D");
  const ExtractedDocument equiv = Extract(
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"
      "<p>na\xEFve</p>");
  EXPECT_EQ(equiv.text, "naïve");
  // Without a declaration, the same bytes are repaired UTF-8.
  EXPECT_EQ(Extract("<p>na\xEFve</p>").text, "na\uFFFDve");
  // A BOM wins over the meta tag.
  EXPECT_EQ(Extract("\xEF\xBB\xBF<meta charset=latin1><p>\xC3\xA9</p>").text, "\u00E9");
}

TEST(HtmlExtractTest, DeepNestingFailsWithAReason) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "x";
  Result<ExtractedDocument> doc = ExtractHtml(deep, {});
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(doc.status().message().find("deeper than the limit of 512"), std::string::npos)
      << doc.status().message();
  // Closed elements do not add up, and neither do elements whose end tag may be omitted.
  std::string flat;
  for (int i = 0; i < 20000; ++i) flat += "<div><span>a</span></div><li>b<p>c<td>d<br><img>";
  const ExtractedDocument ok = Extract(flat);
  EXPECT_FALSE(ok.text.empty());
}

TEST(HtmlExtractTest, FiftyMegabytesOfDivsFailFast) {
  std::string divs;
  divs.reserve(50u << 20);
  while (divs.size() < (50u << 20)) divs += "<div>";
  Result<ExtractedDocument> doc = ExtractHtml(divs, {});
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(doc.status().message().find("over the limit of 33554432 bytes"), std::string::npos)
      << doc.status().message();
  HtmlOptions unlimited;
  unlimited.max_input_bytes = 64u << 20;  // then the nesting limit stops it before parsing
  doc = ExtractHtml(divs, unlimited);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("deeper than"), std::string::npos);
}

TEST(HtmlExtractTest, ExtractedCharactersAreLimited) {
  HtmlOptions options;
  options.max_text_chars = 10;
  EXPECT_EQ(ExtractHtml("<p>0123456789</p>", options).status().code(), StatusCode::kOk);
  Result<ExtractedDocument> doc = ExtractHtml("<p>01234</p><p>56789</p>", options);  // 12 with "\n\n"
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(doc.status().message().find("10 characters"), std::string::npos);
}

TEST(HtmlNestingTest, EstimatesDepth) {
  EXPECT_EQ(EstimateHtmlNesting("plain text", 10), 0u);
  EXPECT_EQ(EstimateHtmlNesting("<div><p>a</p><p>b</p></div>", 10), 2u);
  EXPECT_EQ(EstimateHtmlNesting("<ul><li>a<li>b<li>c</ul>", 10), 2u);
  EXPECT_EQ(EstimateHtmlNesting("<table><tr><td>a<td>b<tr><td>c</table>", 10), 3u);
  EXPECT_EQ(EstimateHtmlNesting("<p>a<p>b<p>c", 10), 1u);
  EXPECT_EQ(EstimateHtmlNesting("<br><img src=x><hr/><input>", 10), 0u);
  EXPECT_EQ(EstimateHtmlNesting("<div/><div/><div/>", 10), 3u);  // "/>" does not close a div
  EXPECT_EQ(EstimateHtmlNesting("<svg><path/><path/><g><path/></g></svg>", 10), 2u);
  EXPECT_EQ(EstimateHtmlNesting("<script>\"<div><div><div>\"</script>", 10), 0u);
  EXPECT_EQ(EstimateHtmlNesting("<!-- <div><div> --><b>", 10), 1u);
  EXPECT_EQ(EstimateHtmlNesting("<a title='>'><b></a>", 10), 2u);
  EXPECT_EQ(EstimateHtmlNesting("</div></div><i>", 10), 1u);  // stray end tags ignored
  EXPECT_EQ(EstimateHtmlNesting("<i><i><i><i>", 2), 3u);       // stops past the limit
}

}  // namespace
}  // namespace quarry::ingest
