#include "ingest/path_glob.h"

#include <gtest/gtest.h>

#include <string>

namespace quarry::ingest {
namespace {

bool Match(const std::string& pattern, const std::string& path, bool is_dir = false) {
  auto glob = PathGlob::Compile(pattern);
  EXPECT_TRUE(glob.ok()) << pattern << ": " << glob.status().message();
  return glob.ok() && glob->Matches(path, is_dir);
}

TEST(PathGlobTest, StarStaysWithinASegment) {
  EXPECT_TRUE(Match("docs/*.md", "docs/a.md"));
  EXPECT_TRUE(Match("docs/*.md", "docs/.md"));
  EXPECT_FALSE(Match("docs/*.md", "docs/sub/a.md"));
  EXPECT_FALSE(Match("docs/*.md", "docs/a.mdx"));
  EXPECT_TRUE(Match("a*b*c", "abc"));
  EXPECT_TRUE(Match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(Match("a*b*c", "axxbyy"));
  EXPECT_FALSE(Match("/a*c", "ab/c"));
}

TEST(PathGlobTest, PatternWithoutSlashMatchesAtAnyDepth) {
  EXPECT_TRUE(Match("*.md", "a.md"));
  EXPECT_TRUE(Match("*.md", "x/y/z/a.md"));
  EXPECT_TRUE(Match("drafts", "notes/drafts", true));
  EXPECT_FALSE(Match("*.md", "a.md/b.txt"));
  // A leading or middle '/' anchors at the folder.
  EXPECT_TRUE(Match("/a.md", "a.md"));
  EXPECT_FALSE(Match("/a.md", "x/a.md"));
  EXPECT_FALSE(Match("docs/a.md", "x/docs/a.md"));
}

TEST(PathGlobTest, DoubleStarSpansSegments) {
  EXPECT_TRUE(Match("**/x.md", "x.md"));
  EXPECT_TRUE(Match("**/x.md", "a/b/x.md"));
  EXPECT_TRUE(Match("a/**/b", "a/b"));
  EXPECT_TRUE(Match("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(Match("a/**/b", "x/a/b"));
  EXPECT_TRUE(Match("a/**", "a/x"));
  EXPECT_TRUE(Match("a/**", "a/x/y"));
  EXPECT_FALSE(Match("a/**", "a", true));  // what is inside a, not a
  EXPECT_TRUE(Match("a/**/*.md", "a/q.md"));
  EXPECT_TRUE(Match("a/**/*.md", "a/1/2/3/q.md"));
  EXPECT_FALSE(Match("a/**/*.md", "a/1/2/3/q.txt"));
  // `**` inside a segment is a plain star.
  EXPECT_TRUE(Match("/a**b", "axxb"));
  EXPECT_FALSE(Match("/a**b", "a/b"));
}

TEST(PathGlobTest, QuestionMarkAndClasses) {
  EXPECT_TRUE(Match("?.txt", "a.txt"));
  EXPECT_FALSE(Match("?.txt", "ab.txt"));
  EXPECT_TRUE(Match("?.txt", "é.txt"));  // one code point, two bytes
  EXPECT_TRUE(Match("[abc].md", "b.md"));
  EXPECT_FALSE(Match("[abc].md", "d.md"));
  EXPECT_TRUE(Match("v[0-9].md", "v7.md"));
  EXPECT_TRUE(Match("v[!0-9].md", "vx.md"));
  EXPECT_FALSE(Match("v[^0-9].md", "v7.md"));
  EXPECT_TRUE(Match("[]x].md", "].md"));  // ']' first is literal
  EXPECT_TRUE(Match("[!]].md", "a.md"));
  EXPECT_FALSE(Match("[!]].md", "].md"));
  EXPECT_TRUE(Match("[a-].md", "-.md"));  // '-' last is literal
  EXPECT_TRUE(Match("\\*.md", "*.md"));
  EXPECT_FALSE(Match("\\*.md", "a.md"));
  EXPECT_TRUE(Match("\\!x", "!x"));
}

TEST(PathGlobTest, TrailingSlashMatchesFoldersOnly) {
  EXPECT_TRUE(Match("build/", "build", true));
  EXPECT_TRUE(Match("build/", "src/build", true));
  EXPECT_FALSE(Match("build/", "build", false));
}

TEST(PathGlobTest, CaseSensitive) { EXPECT_FALSE(Match("*.MD", "a.md")); }

TEST(PathGlobTest, BadPatternsAreRefusedWithTheirReason) {
  const auto message = [](const std::string& pattern) {
    auto glob = PathGlob::Compile(pattern);
    EXPECT_FALSE(glob.ok()) << pattern;
    EXPECT_EQ(glob.status().code(), StatusCode::kInvalidArgument);
    return glob.ok() ? std::string() : glob.status().message();
  };
  EXPECT_NE(message("").find("empty"), std::string::npos);
  EXPECT_NE(message("[").find("not closed"), std::string::npos);
  EXPECT_NE(message("a[bc").find("not closed"), std::string::npos);
  EXPECT_NE(message("[/]").find("not closed"), std::string::npos);
  EXPECT_NE(message("[z-a]").find("reversed"), std::string::npos);
  EXPECT_NE(message("abc\\").find("escapes nothing"), std::string::npos);
  EXPECT_NE(message("!*.md").find("--exclude"), std::string::npos);
  EXPECT_NE(message("/").find("nothing"), std::string::npos);
  EXPECT_NE(message(std::string(kMaxGlobBytes + 1, 'a')).find("limit"), std::string::npos);
  EXPECT_NE(message("\xFF.md").find("UTF-8"), std::string::npos);
}

TEST(PathGlobTest, HostilePatternsStayCheap) {
  // Runs of stars collapse; `***` as a segment is `**`.
  EXPECT_TRUE(Match("***", "a/b/c"));
  EXPECT_TRUE(Match("a/***/b", "a/x/y/b"));
  // Many stars against a long name that almost matches: the greedy matcher
  // is O(pattern x name); a backtracking one would take 2^n steps here.
  std::string stars;
  for (int i = 0; i < 200; ++i) stars += "a*";
  stars += "b";
  EXPECT_FALSE(Match("/" + stars, std::string(1000, 'a')));
  EXPECT_TRUE(Match("/" + stars, std::string(1000, 'a') + "b"));
  // Many `**` segments against a deep path that almost matches.
  std::string deep_pattern;
  for (int i = 0; i < 200; ++i) deep_pattern += "**/a/";
  deep_pattern += "b";
  std::string deep_path;
  for (int i = 0; i < 1000; ++i) deep_path += "a/";
  EXPECT_FALSE(Match(deep_pattern, deep_path + "c"));
  EXPECT_TRUE(Match(deep_pattern, deep_path + "b"));
  // A long class list and a pattern at the size limit compile.
  EXPECT_TRUE(PathGlob::Compile("[" + std::string(kMaxGlobBytes - 2, 'x') + "]").ok());
}

TEST(PathFilterTest, ExcludesWinAndFoldersIncludeTheirFiles) {
  auto filter = PathFilter::Create({"*.md", "notes"}, {"drafts/", "secret*"});
  ASSERT_TRUE(filter.ok()) << filter.status().message();
  EXPECT_TRUE(filter->Included("a.md"));
  EXPECT_TRUE(filter->Included("x/y/a.md"));
  EXPECT_FALSE(filter->Included("a.txt"));
  EXPECT_TRUE(filter->Included("notes/a.txt"));  // below an included folder
  EXPECT_TRUE(filter->Included("x/notes/y/a.txt"));
  EXPECT_TRUE(filter->Excluded("drafts", true));
  EXPECT_TRUE(filter->Excluded("a/drafts", true));
  EXPECT_FALSE(filter->Excluded("drafts", false));  // a file named drafts
  EXPECT_TRUE(filter->Excluded("secret.md", false));
  EXPECT_FALSE(filter->Excluded("a.md", false));

  auto none = PathFilter::Create({}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(none->Included("anything/at/all.txt"));
  EXPECT_FALSE(none->Excluded("anything", true));

  EXPECT_FALSE(PathFilter::Create({"ok"}, {"[bad"}).ok());
}

}  // namespace
}  // namespace quarry::ingest
