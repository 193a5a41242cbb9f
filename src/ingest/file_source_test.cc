#include "ingest/file_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace quarry::ingest {
namespace {
namespace fs = std::filesystem;

// A fresh directory under the system's temporary directory, removed afterwards.
class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    std::random_device random;
    root_ =
        fs::temp_directory_path() / ("quarry_ingest_test_" + std::to_string(::getpid()) + "_" +
                                     std::to_string(counter++) + "_" + std::to_string(random()));
    ASSERT_TRUE(fs::create_directories(root_));
    Write("docs/a.md", "Intro line\n# Alpha Doc ##\nSome text.\n");
    Write("docs/b.TXT", "plain b");
    Write("docs/design/x.markdown", "x");
    Write("docs/design/y.text", "y");
    Write("docs/.hidden.md", "hidden");
    Write("docs/.git/config", "[core]");
    Write("docs/image.png", "\x89PNG");
    Write("docs/noext", "no extension");
    Write("docs/latin1.txt", "caf\xE9 cr\xE8me");
    Write("docs/bom.md", "\xEF\xBB\xBF# Bom Title\nbody");
    fs::create_symlink(root_ / "docs/a.md", root_ / "docs/link.md");
    fs::create_symlink(root_ / "docs/design", root_ / "docs/zlinkdir");
    fs::create_directories(root_ / "other/docs");
    Write("other/docs/a.md", "same id as docs/a.md");
  }

  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_ / "docs/secret.txt", fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }

  void Write(const std::string& relative, const std::string& content) {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  std::string P(const std::string& relative) const { return (root_ / relative).string(); }

  static std::vector<std::string> Ids(const CollectResult& result) {
    std::vector<std::string> ids;
    for (const FileEntry& file : result.files) ids.push_back(file.document_id);
    return ids;
  }

  static bool Listed(const std::vector<std::string>& list, const std::string& path_suffix,
                     const std::string& reason) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& s) {
      const size_t colon = s.find(": ");
      return colon != std::string::npos && s.substr(0, colon).ends_with(path_suffix) &&
             s.find(reason, colon) != std::string::npos;
    });
  }
  // Left out on purpose.
  static bool Skipped(const CollectResult& result, const std::string& path_suffix,
                      const std::string& reason) {
    return Listed(result.skipped, path_suffix, reason);
  }
  // Left out because of an error.
  static bool Errored(const CollectResult& result, const std::string& path_suffix,
                      const std::string& reason) {
    return Listed(result.errors, path_suffix, reason);
  }

  fs::path root_;
};

TEST_F(FileSourceTest, WalksFoldersSortedWithIdsFromTheFolderName) {
  Result<CollectResult> result = CollectFiles({P("docs")}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Ids(*result), (std::vector<std::string>{"docs/a.md", "docs/b.TXT", "docs/bom.md",
                                                    "docs/design/x.markdown", "docs/design/y.text",
                                                    "docs/latin1.txt"}));
  EXPECT_EQ(result->files[0].path, P("docs/a.md"));
  EXPECT_TRUE(Skipped(*result, "/docs/.hidden.md", "hidden"));
  EXPECT_TRUE(Skipped(*result, "/docs/.git", "hidden"));
  EXPECT_FALSE(Skipped(*result, "/docs/.git/config", ""));  // never entered
  EXPECT_TRUE(Skipped(*result, "/docs/image.png", "unsupported extension"));
  EXPECT_TRUE(Skipped(*result, "/docs/noext", "unsupported extension"));
  EXPECT_TRUE(Skipped(*result, "/docs/link.md", "symbolic link"));
  EXPECT_TRUE(Skipped(*result, "/docs/zlinkdir", "symbolic link"));
}

TEST_F(FileSourceTest, TrailingSlashAndDotFolderNames) {
  Result<CollectResult> slash = CollectFiles({P("docs") + "/"}, {});
  ASSERT_TRUE(slash.ok());
  EXPECT_EQ(slash->files.front().document_id, "docs/a.md");
  Result<CollectResult> dot = CollectFiles({P("docs/design/.")}, {});
  ASSERT_TRUE(dot.ok());
  EXPECT_EQ(Ids(*dot), (std::vector<std::string>{"design/x.markdown", "design/y.text"}));
}

TEST_F(FileSourceTest, FollowsSymlinksWhenAskedAndSurvivesLoops) {
  fs::create_directory_symlink(root_ / "docs", root_ / "docs/design/loop");
  FileSourceOptions options;
  options.follow_symlinks = true;
  Result<CollectResult> result = CollectFiles({P("docs")}, options);
  ASSERT_TRUE(result.ok());
  const std::vector<std::string> ids = Ids(*result);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "docs/link.md"), ids.end());
  // The loop back to docs/ and the second way into design/ are both refused.
  EXPECT_TRUE(Skipped(*result, "/docs/design/loop", "already visited"));
  EXPECT_TRUE(Skipped(*result, "/docs/zlinkdir", "already visited"));
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "docs/design/x.markdown"), 1);
}

TEST_F(FileSourceTest, ExplicitFilesAreTakenWhateverTheirExtension) {
  const std::string dotted = (root_ / "docs" / "." / "noext").string();
  Result<CollectResult> result = CollectFiles({dotted, P("docs/image.png")}, {});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->files.size(), 2u);
  EXPECT_EQ(result->files[0].document_id, fs::path(P("docs/noext")).generic_string());
  EXPECT_EQ(result->files[0].path, dotted);
  EXPECT_TRUE(result->skipped.empty());
}

TEST_F(FileSourceTest, DuplicateIdsAreSkipped) {
  Result<CollectResult> result = CollectFiles({P("docs"), P("other/docs")}, {});
  ASSERT_TRUE(result.ok());
  const std::vector<std::string> ids = Ids(*result);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "docs/a.md"), 1);
  EXPECT_EQ(result->files[0].path, P("docs/a.md"));  // the first one wins
  EXPECT_TRUE(Errored(*result, "/other/docs/a.md", "already taken"));
  EXPECT_FALSE(Skipped(*result, "/other/docs/a.md", ""));
}

TEST_F(FileSourceTest, TheSameFileTwiceIsNotAnError) {
  Result<CollectResult> result = CollectFiles({P("docs/a.md"), P("docs/./a.md")}, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->files.size(), 1u);
  EXPECT_TRUE(result->errors.empty());
  EXPECT_TRUE(Skipped(*result, "a.md", "already listed"));
}

TEST_F(FileSourceTest, IncludeAndExcludePatternsApplyToRelativePaths) {
  Write("docs/design/drafts/z.md", "draft");
  Write("docs/design/keep.md", "keep");
  FileSourceOptions options;
  auto filter = PathFilter::Create({"*.md", "design/*.text"}, {"drafts/", "/a.md"});
  ASSERT_TRUE(filter.ok());
  options.filter = std::move(filter).value();
  Result<CollectResult> result = CollectFiles({P("docs")}, options);
  ASSERT_TRUE(result.ok());
  // Relative to docs/: a.md is excluded (anchored), design/drafts/ is not
  // entered, design/x.markdown and b.TXT are not included.
  EXPECT_EQ(Ids(*result),
            (std::vector<std::string>{"docs/bom.md", "docs/design/keep.md", "docs/design/y.text"}));
  // a.md, b.TXT, drafts/, x.markdown, image.png, latin1.txt, noext.
  EXPECT_EQ(result->excluded, 7u);
  EXPECT_FALSE(Skipped(*result, "image.png", ""));  // counted, not listed
  // Explicit files are not filtered.
  Result<CollectResult> named = CollectFiles({P("docs/a.md")}, options);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->files.size(), 1u);
}

TEST_F(FileSourceTest, StreamedFilesReportBytesRead) {
  Write("docs/records.jsonl",
        "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\", \"text\": \"y\"}\n");
  FileSourceOptions options;
  uint64_t last = 0;
  options.read_progress = [&](uint64_t bytes) { last = bytes; };
  int documents = 0;
  const Status s = ReadDocuments(
      {P("docs/records.jsonl"), "r"}, options,
      [&](DocumentInput) {
        ++documents;
        return Status::Ok();
      },
      [](std::string) {});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(documents, 2);
  EXPECT_EQ(last, fs::file_size(root_ / "docs/records.jsonl"));
}

TEST_F(FileSourceTest, FilesCarryTheirSize) {
  Result<CollectResult> result = CollectFiles({P("docs/b.TXT")}, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->files[0].size_bytes, 7u);
}

TEST_F(FileSourceTest, MissingPathIsNotFound) {
  Result<CollectResult> result = CollectFiles({P("docs"), P("nope")}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find(P("nope")), std::string::npos);
  EXPECT_EQ(CollectFiles({""}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FileSourceTest, UnreadableFileIsSkippedAndFailsToRead) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their permissions";
  Write("docs/secret.txt", "secret");
  fs::permissions(root_ / "docs/secret.txt", fs::perms::none);
  Result<CollectResult> result = CollectFiles({P("docs")}, {});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(Errored(*result, "/docs/secret.txt", "unreadable"));
  Result<DocumentInput> read = ReadDocumentFile({P("docs/secret.txt"), "s"}, {});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kIOError);
  EXPECT_NE(read.status().message().find("Permission denied"), std::string::npos);
}

TEST_F(FileSourceTest, ReadsMarkdownWithTitleFromFirstHeading) {
  Result<DocumentInput> doc = ReadDocumentFile({P("docs/a.md"), "docs/a.md"}, {});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->id, "docs/a.md");
  EXPECT_EQ(doc->source, P("docs/a.md"));
  EXPECT_EQ(doc->media_type, kMediaTypeMarkdown);
  EXPECT_EQ(doc->title, "Alpha Doc");
  EXPECT_EQ(doc->text, "Intro line\n# Alpha Doc ##\nSome text.\n");
}

TEST_F(FileSourceTest, ReadsPlainTextWithFileNameAsTitle) {
  Result<DocumentInput> doc = ReadDocumentFile({P("docs/b.TXT"), "b"}, {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->media_type, kMediaTypePlainText);
  EXPECT_EQ(doc->title, "b.TXT");
  EXPECT_EQ(doc->text, "plain b");
}

TEST_F(FileSourceTest, StripsBomAndReadsLatin1) {
  Result<DocumentInput> bom = ReadDocumentFile({P("docs/bom.md"), "bom"}, {});
  ASSERT_TRUE(bom.ok());
  EXPECT_EQ(bom->text, "# Bom Title\nbody");
  EXPECT_EQ(bom->title, "Bom Title");
  Result<DocumentInput> latin1 = ReadDocumentFile({P("docs/latin1.txt"), "l"}, {});
  ASSERT_TRUE(latin1.ok());
  EXPECT_EQ(latin1->text, "café crème");
}

TEST_F(FileSourceTest, OverLimitIsResourceExhausted) {
  FileSourceOptions options;
  options.max_file_bytes = 7;
  EXPECT_TRUE(ReadDocumentFile({P("docs/b.TXT"), "b"}, options).ok());  // exactly 7 bytes
  Write("docs/big.txt", "twelve bytes");
  Result<DocumentInput> doc = ReadDocumentFile({P("docs/big.txt"), "big"}, options);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(doc.status().message().find("12 bytes"), std::string::npos) << doc.status().message();
  EXPECT_NE(doc.status().message().find("limit of 7 bytes"), std::string::npos);
}

TEST_F(FileSourceTest, ReadFailures) {
  EXPECT_EQ(ReadDocumentFile({P("docs/gone.txt"), "g"}, {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadDocumentFile({P("docs/design"), "d"}, {}).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_EQ(::mkfifo(P("docs/fifo.txt").c_str(), 0600), 0);
  // Must fail at once rather than wait for a writer.
  EXPECT_EQ(ReadDocumentFile({P("docs/fifo.txt"), "f"}, {}).status().code(),
            StatusCode::kInvalidArgument);
  Result<CollectResult> result = CollectFiles({P("docs")}, {});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(Skipped(*result, "/docs/fifo.txt", "not a regular file"));
}

TEST(FileSourceNamesTest, ExtensionsAndMediaTypes) {
  EXPECT_TRUE(IsSupportedTextFile("a/b.MD"));
  EXPECT_TRUE(IsSupportedTextFile("notes.Markdown"));
  EXPECT_TRUE(IsSupportedTextFile("x.text"));
  EXPECT_FALSE(IsSupportedTextFile("x.txt.gz"));
  EXPECT_FALSE(IsSupportedTextFile("dir.md/file"));
  EXPECT_FALSE(IsSupportedTextFile(".md"));
  EXPECT_STREQ(MediaTypeForPath("A.MarkDown"), kMediaTypeMarkdown);
  EXPECT_STREQ(MediaTypeForPath("a.txt"), kMediaTypePlainText);
  EXPECT_STREQ(MediaTypeForPath("README"), kMediaTypePlainText);
}

// An upload's temporary file goes by the client's name: format by its
// extension, source and title from it.
TEST_F(FileSourceTest, AnEntryNameStandsForItsPath) {
  Write("tmp-XXXX", "<p>Hello <b>there</b></p>");
  FileEntry entry{P("tmp-XXXX"), "page.html", 0, "page.html"};
  std::vector<DocumentInput> seen;
  Status read = ReadDocuments(
      entry, FileSourceOptions{},
      [&](DocumentInput d) {
        seen.push_back(std::move(d));
        return Status::Ok();
      },
      [](std::string) {});
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].source, "page.html");
  EXPECT_EQ(seen[0].title, "page.html");
  EXPECT_EQ(seen[0].text.find("<p>"), std::string::npos) << "extracted as HTML, by the name";
}

}  // namespace
}  // namespace quarry::ingest
