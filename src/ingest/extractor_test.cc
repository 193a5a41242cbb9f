#include "ingest/extractor.h"

#include <gtest/gtest.h>

#include <string>

namespace quarry::ingest {
namespace {

TEST(ExtractorTest, SniffsContentBeforeExtension) {
  EXPECT_EQ(SniffFormat("%PDF-1.7\n", "report.txt"), DocumentFormat::kPdf);
  EXPECT_EQ(SniffFormat("\xEF\xBB\xBF  \n<!DOCTYPE HTML><p>x", "page.md"), DocumentFormat::kHtml);
  EXPECT_EQ(SniffFormat("<Html lang=en>", "README"), DocumentFormat::kHtml);
  EXPECT_EQ(SniffFormat("<div>no doctype</div>", "a.HTM"), DocumentFormat::kHtml);
  EXPECT_EQ(SniffFormat("<div>no doctype</div>", "a.txt"), DocumentFormat::kPlainText);
  EXPECT_EQ(SniffFormat("[{\"text\": \"x\"}]", "r.json"), DocumentFormat::kJson);
  EXPECT_EQ(SniffFormat("{\"_id\": \"1\"}\n", "corpus.JSONL"), DocumentFormat::kJsonLines);
  EXPECT_EQ(SniffFormat("{}", "x.ndjson"), DocumentFormat::kJsonLines);
  EXPECT_EQ(SniffFormat("# Title", "notes.markdown"), DocumentFormat::kMarkdown);
  EXPECT_EQ(SniffFormat("", "paper.pdf"), DocumentFormat::kPdf);
  EXPECT_EQ(SniffFormat("{\"not\": \"json by name\"}", "x.txt"), DocumentFormat::kPlainText);
  EXPECT_EQ(SniffFormat(" %PDF-", "x.txt"), DocumentFormat::kPlainText);  // only at byte 0
  EXPECT_TRUE(IsRecordFormat(DocumentFormat::kJson));
  EXPECT_TRUE(IsRecordFormat(DocumentFormat::kJsonLines));
  EXPECT_FALSE(IsRecordFormat(DocumentFormat::kHtml));
}

TEST(ExtractorTest, LowercaseExtension) {
  EXPECT_EQ(LowercaseExtension("a/b.MD"), ".md");
  EXPECT_EQ(LowercaseExtension("dir.md/file"), "");
  EXPECT_EQ(LowercaseExtension(".profile"), "");
  EXPECT_EQ(LowercaseExtension("x.tar.GZ"), ".gz");
}

TEST(ExtractorTest, ExtractsEachSingleDocumentFormat) {
  Result<ExtractedDocument> text =
      ExtractDocument(DocumentFormat::kPlainText, "caf\xE9", ExtractOptions{});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->text, "café");  // no UTF-8 in it: read as windows-1252
  EXPECT_EQ(text->media_type, kMediaTypePlainText);
  EXPECT_TRUE(text->sections.empty());  // the chunker makes one

  Result<ExtractedDocument> md =
      ExtractDocument(DocumentFormat::kMarkdown, "intro\n## Setup\nbody", ExtractOptions{});
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->title, "Setup");
  EXPECT_EQ(md->media_type, kMediaTypeMarkdown);
  EXPECT_TRUE(md->sections.empty());  // the chunker cuts Markdown itself

  Result<ExtractedDocument> html =
      ExtractDocument(DocumentFormat::kHtml, "<title>T</title><p>x", ExtractOptions{});
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->media_type, kMediaTypeHtml);
  EXPECT_EQ(html->title, "T");
}

TEST(ExtractorTest, PdfIsNotExtractedFromBytesAndRecordsAreNotOneDocument) {
  Result<ExtractedDocument> pdf = ExtractDocument(DocumentFormat::kPdf, "%PDF-1.4", {});
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(pdf.status().message().find("sandboxed helper"), std::string::npos);
  EXPECT_EQ(ExtractDocument(DocumentFormat::kJsonLines, "{}", {}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace quarry::ingest
