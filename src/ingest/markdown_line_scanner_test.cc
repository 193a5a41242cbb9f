#include "ingest/markdown_line_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quarry::ingest {
namespace {

// "begin level text" of each heading the scanner reports.
std::vector<std::string> Scan(std::string_view md) {
  std::vector<std::string> out;
  ScanMarkdownHeadingLines(md, SkipMarkdownFrontMatter(md), [&](const MarkdownHeading& h) {
    out.push_back(std::to_string(h.begin) + " " + std::to_string(h.level) + " " + h.text);
    return true;
  });
  return out;
}

using Strings = std::vector<std::string>;

TEST(MarkdownLineScannerTest, AtxAndSetextHeadings) {
  EXPECT_EQ(Scan("intro\n# A\n## B ##\nTitle\n  more\n===\nSub\n---\n"),
            (Strings{"6 1 A", "10 2 B", "18 1 Title more", "35 2 Sub"}));
  EXPECT_EQ(Scan("#tag\n####### seven\n    # code\n- item\n---\n"), Strings{});
}

TEST(MarkdownLineScannerTest, FencesAndFrontMatterHideHeadings) {
  EXPECT_EQ(Scan("---\n# yaml: x\n---\n```\n# code\n```\n~~~~\n~~~\n# code\n~~~~\n# Real\n"),
            (Strings{"54 1 Real"}));
  EXPECT_EQ(SkipMarkdownFrontMatter("---\nunclosed\n"), 0u);
}

TEST(MarkdownLineScannerTest, StopsWhenTheSinkSaysSo) {
  int calls = 0;
  ScanMarkdownHeadingLines("# a\n# b\n", 0, [&](const MarkdownHeading&) { return ++calls < 1; });
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace quarry::ingest
