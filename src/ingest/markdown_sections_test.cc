#include "ingest/markdown_sections.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

// (heading_path, section text) pairs, after checking that the sections are in
// order and cover every non-white-space byte exactly once.
std::vector<std::pair<std::string, std::string>> Sections(std::string_view md) {
  std::vector<std::pair<std::string, std::string>> out;
  uint32_t previous_end = 0;
  for (const Section& section : SplitMarkdownSections(md)) {
    EXPECT_LE(previous_end, section.span.begin);
    EXPECT_TRUE(text::IsBlank(md.substr(previous_end, section.span.begin - previous_end)));
    EXPECT_FALSE(text::IsBlank(text::SpanText(md, section.span)));
    out.emplace_back(section.heading_path, std::string(text::SpanText(md, section.span)));
    previous_end = section.span.end;
  }
  EXPECT_TRUE(text::IsBlank(md.substr(previous_end)));
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(MarkdownSectionsTest, AtxHeadingsAndPreamble) {
  EXPECT_EQ(
      Sections("intro\n# A\ntext a\n## B\ntext b\n# C\n"),
      (Pairs{
          {"", "intro\n"}, {"A", "# A\ntext a\n"}, {"A > B", "## B\ntext b\n"}, {"C", "# C\n"}}));
}

TEST(MarkdownSectionsTest, HeadingPathPopsToTheRightLevel) {
  const Pairs sections = Sections("# A\n### C\nc\n## B\nb\n#### D\nd\n# E\ne\n");
  std::vector<std::string> paths;
  for (const auto& [path, text] : sections) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"A", "A > C", "A > B", "A > B > D", "E"}));
}

TEST(MarkdownSectionsTest, AtxDetails) {
  EXPECT_EQ(Sections("## Title ##\nx")[0].first, "Title");  // closing sequence stripped
  EXPECT_EQ(Sections("# foo#\nx")[0].first, "foo#");        // not a closing sequence
  EXPECT_EQ(Sections("#   spaced   \t\nx")[0].first, "spaced");
  EXPECT_EQ(Sections("   # three spaces\nx")[0].first, "three spaces");
  EXPECT_EQ(Sections("# A\r\ntext\r\n")[0].first, "A");  // CRLF
  // An empty heading opens a section but adds nothing to the path.
  EXPECT_EQ(Sections("# A\n## ###\nx\n")[1].first, "A");
}

TEST(MarkdownSectionsTest, NotHeadings) {
  for (const char* md : {"#hashtag\ntext", "####### seven\ntext", "    # indented code\ntext",
                         "text\n\\# escaped", "\t# tab indented"}) {
    const Pairs sections = Sections(md);
    ASSERT_EQ(sections.size(), 1u) << md;
    EXPECT_EQ(sections[0].first, "") << md;
  }
}

TEST(MarkdownSectionsTest, SetextHeadings) {
  EXPECT_EQ(Sections("Title\n=====\ntext\n\nSub\n---\nmore\n"),
            (Pairs{{"Title", "Title\n=====\ntext\n\n"}, {"Title > Sub", "Sub\n---\nmore\n"}}));
  // A multi-line paragraph is one heading; its section starts at its first line.
  EXPECT_EQ(
      Sections("before\n\nLine one\n  line two\n===\nbody\n"),
      (Pairs{{"", "before\n\n"}, {"Line one line two", "Line one\n  line two\n===\nbody\n"}}));
}

TEST(MarkdownSectionsTest, ThematicBreaksAreNotUnderlines) {
  for (const char* md : {"text\n\n---\nmore", "- item\n---\nmore", "> quote\n---\nmore",
                         "1. item\n---\nmore", "---\nstart"}) {
    const Pairs sections = Sections(md);
    ASSERT_EQ(sections.size(), 1u) << md;
    EXPECT_EQ(sections[0].first, "") << md;
  }
}

TEST(MarkdownSectionsTest, FencedCodeHidesHeadings) {
  const std::string md =
      "# Real\n"
      "```bash\n"
      "# not a heading\n"
      "Not\n"
      "===\n"
      "```\n"
      "## Sub\n"
      "~~~~\n"
      "# still code\n"
      "~~~\n"  // too short to close a 4-tilde fence
      "# still code\n"
      "~~~~~\n"
      "# Last\n";
  const Pairs sections = Sections(md);
  ASSERT_EQ(sections.size(), 3u);
  EXPECT_EQ(sections[0].first, "Real");
  EXPECT_EQ(sections[1].first, "Real > Sub");
  EXPECT_EQ(sections[2].first, "Last");
  EXPECT_EQ(sections[2].second, "# Last\n");
}

TEST(MarkdownSectionsTest, UnclosedFenceRunsToTheEnd) {
  const Pairs sections = Sections("# A\n```\n# B\n");
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].first, "A");
}

TEST(MarkdownSectionsTest, BacktickFenceInfoCannotHoldBackticks) {
  // "``` a ` b" is inline code, not a fence, so the heading after it counts.
  const Pairs sections = Sections("``` a ` b\n# Heading\n");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[1].first, "Heading");
}

TEST(MarkdownSectionsTest, FrontMatterIsPreamble) {
  const Pairs sections = Sections("---\ntitle: x\n# not: a heading\n---\n# Doc\nbody\n");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].first, "");
  EXPECT_EQ(sections[0].second, "---\ntitle: x\n# not: a heading\n---\n");
  EXPECT_EQ(sections[1].first, "Doc");
}

TEST(MarkdownSectionsTest, BlankSectionsAreLeftOut) {
  EXPECT_TRUE(Sections("").empty());
  EXPECT_TRUE(Sections(" \n\n\t\n").empty());
  EXPECT_EQ(Sections("\n\n# A\n\n\n# B\n"), (Pairs{{"A", "# A\n\n\n"}, {"B", "# B\n"}}));
}

TEST(MarkdownSectionsTest, FirstHeading) {
  EXPECT_EQ(FirstMarkdownHeading("intro\n#\n```\n# code\n```\n## Real title ##\n# Next"),
            "Real title");
  EXPECT_EQ(FirstMarkdownHeading("Setext\n======\n# Later"), "Setext");
  EXPECT_EQ(FirstMarkdownHeading("no headings here\n"), "");
}

}  // namespace
}  // namespace quarry::ingest
