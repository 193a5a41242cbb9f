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

// The limits of the line scanner that md4c fixed.

TEST(MarkdownSectionsTest, HtmlCommentsAndBlocksHideHeadings) {
  const Pairs sections = Sections(
      "# A\n"
      "<!--\n"
      "# commented out\n"
      "-->\n"
      "<div>\n"
      "# inside a div\n"
      "</div>\n"
      "\n"
      "# B\n");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].first, "A");
  EXPECT_EQ(sections[1], (std::pair<std::string, std::string>{"B", "# B\n"}));
}

TEST(MarkdownSectionsTest, IndentedCodeHidesHeadings) {
  for (const char* md : {"# A\n\ntext\n\n    # code comment\n    ## more\n",
                         "# A\n\n- item\n\n      # code in the item\n",
                         "# A\n\n\t# tab\n\n    Not\n    ===\n"}) {
    const Pairs sections = Sections(md);
    ASSERT_EQ(sections.size(), 1u) << md;
    EXPECT_EQ(sections[0].first, "A") << md;
  }
}

TEST(MarkdownSectionsTest, FencedCodeInAListItemHidesHeadings) {
  const Pairs sections = Sections("# A\n- run:\n  ```\n  # a shell comment\n  ```\n");
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].first, "A");
}

TEST(MarkdownSectionsTest, HeadingsInBlockQuotesAreQuotedText) {
  // Quoted material: its heading neither cuts nor names what follows.
  EXPECT_EQ(Sections("# A\n> # Quoted title\n> quoted text\n\nafter\n"),
            (Pairs{{"A", "# A\n> # Quoted title\n> quoted text\n\nafter\n"}}));
  EXPECT_EQ(Sections("> - ## In a list in a quote\n"),
            (Pairs{{"", "> - ## In a list in a quote\n"}}));
  EXPECT_EQ(FirstMarkdownHeading("> # Quoted\n\n# Own\n"), "Own");
}

TEST(MarkdownSectionsTest, HeadingsInListItemsCut) {
  // The section starts at the line's first byte, the list marker.
  EXPECT_EQ(Sections("# Guide\n1. ## Install\n   text\n2. ## Use\n   more\n"),
            (Pairs{{"Guide", "# Guide\n"},
                   {"Guide > Install", "1. ## Install\n   text\n"},
                   {"Guide > Use", "2. ## Use\n   more\n"}}));
}

TEST(MarkdownSectionsTest, InlineMarkupIsStrippedFromHeadingText) {
  EXPECT_EQ(Sections("## The *fast* path\nx")[0].first, "The fast path");
  EXPECT_EQ(Sections("# `run()` and [the **docs**](http://x.org \"t\") ~~old~~\nx")[0].first,
            "run() and the docs old");
  EXPECT_EQ(Sections("# Q&amp;A &#233;t&eacute; <span>raw</span> \\# \\*x\\*\nx")[0].first,
            "Q&A \xC3\xA9t&eacute; raw # *x*");
  EXPECT_EQ(Sections("# ![logo](l.png) Title\nx")[0].first, "logo Title");
  EXPECT_EQ(Sections("*Emphasized*\n  setext\n===\nx")[0].first, "Emphasized setext");
  EXPECT_EQ(FirstMarkdownHeading("## The _fast_ path\n"), "The fast path");
}

TEST(MarkdownSectionsTest, LazyContinuationIsNotAnUnderline) {
  // "===" cannot continue the list item's paragraph as an underline (it is not
  // indented into the item), so it is lazy paragraph text: no heading. The line
  // scanner took "b" for a setext heading.
  for (const char* md : {"- a\n\n  b\n===\n", "> foo\nbar\n===\n", "- item\n  more\n===\n"}) {
    const Pairs sections = Sections(md);
    ASSERT_EQ(sections.size(), 1u) << md;
    EXPECT_EQ(sections[0].first, "") << md;
  }
  // A heading line is never lazy: it ends the quote.
  EXPECT_EQ(Sections("> quote\n# After\n"), (Pairs{{"", "> quote\n"}, {"After", "# After\n"}}));
}

TEST(MarkdownSectionsTest, HeadingsWithoutTextFromTheInputArePlaced) {
  // md4c passes no text for these; they are placed on their lines all the same.
  EXPECT_EQ(Sections("# A\ntext\n## \nmore\n### ![](x.png)\nend\n- #\n"),
            (Pairs{{"A", "# A\ntext\n"},
                   {"A", "## \nmore\n"},
                   {"A", "### ![](x.png)\nend\n"},
                   {"", "- #\n"}}));
  // A quoted empty heading is not taken for the line of the one after it.
  EXPECT_EQ(Sections("# A\n> ##\n##\nx\n"), (Pairs{{"A", "# A\n> ##\n"}, {"A", "##\nx\n"}}));
}

TEST(MarkdownSectionsTest, TableRowsAreNotASetextHeading) {
  // Without the tables extension, the rows would be a paragraph and "---" its underline.
  const Pairs sections = Sections("| a | b |\n|---|---|\n| c | d |\n---\nafter\n");
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].first, "");
}

TEST(MarkdownSectionsTest, LargeDocumentsUseTheLineScanner) {
  std::string md = "# Start\n";
  while (md.size() <= kMaxParsedMarkdownBytes) md += "Some prose, [bracketed] and *starred*.\n";
  md += "# End\ntail\n";
  const Pairs sections = Sections(md);
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].first, "Start");
  EXPECT_EQ(sections[1], (std::pair<std::string, std::string>{"End", "# End\ntail\n"}));
}

TEST(MarkdownSectionsTest, HostileInputKeepsTheGuarantees) {
  // Deep nesting and long runs of inline openers: no crash, every byte covered.
  for (const std::string& md :
       {std::string(100'000, '>') + " # x\n", std::string(200'000, '['),
        std::string(200'000, '*') + "a", std::string(100'000, '`') + "\n# h\n"}) {
    Sections(md);
  }
  std::string lists;
  for (int i = 0; i < 2'000; ++i) lists += std::string(2 * i, ' ') + "- # item\n";
  EXPECT_EQ(Sections(lists).size(), 2'000u);
}

TEST(MarkdownSectionsTest, FirstHeading) {
  EXPECT_EQ(FirstMarkdownHeading("intro\n#\n```\n# code\n```\n## Real title ##\n# Next"),
            "Real title");
  EXPECT_EQ(FirstMarkdownHeading("Setext\n======\n# Later"), "Setext");
  EXPECT_EQ(FirstMarkdownHeading("no headings here\n"), "");
}

}  // namespace
}  // namespace quarry::ingest
