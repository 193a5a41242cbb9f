// The in-process extractor on trusted files only: hostile files go through
// the sandbox (pdf_sandbox_test.cc), never into the test process.
#include "ingest/pdf/poppler_extract.h"

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"
#include "ingest/pdf/pdf_test_support.h"
#include "ingest/pdf/test_pdfs.h"
#include "text/utf8.h"

namespace quarry::ingest {
namespace {

using quarry::testing::TempDir;
using testing::MakeReportLabPdf;
using testing::ReadFile;

TEST(PopplerExtractTest, PagesAndTitleOfASimplePdf) {
  Result<PdfText> r = ExtractPdfInProcess(
      testing::SimplePdf({"Hello (first) page", "Second page"}, "A (small) title"), PdfLimits{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "A (small) title");
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_NE(r->pages[0].find("Hello (first) page"), std::string::npos) << r->pages[0];
  EXPECT_NE(r->pages[1].find("Second page"), std::string::npos) << r->pages[1];
}

TEST(PopplerExtractTest, NoTitleGivesEmptyTitle) {
  Result<PdfText> r = ExtractPdfInProcess(testing::SimplePdf({"x"}, ""), PdfLimits{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->title, "");
}

TEST(PopplerExtractTest, ReportLabDocumentWithNonAsciiText) {
  TempDir dir;
  MakeReportLabPdf("multipage", dir.Sub("m.pdf"));
  Result<PdfText> r = ExtractPdfInProcess(ReadFile(dir.Sub("m.pdf")), PdfLimits{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "Überschrift: Ἀρχή — Начало");
  ASSERT_EQ(r->pages.size(), 4u);
  EXPECT_NE(r->pages[0].find("First page of the test document."), std::string::npos);
  EXPECT_NE(r->pages[1].find("Grüße aus Köln, naïve café."), std::string::npos) << r->pages[1];
  EXPECT_NE(r->pages[1].find("Ελληνικά κείμενα και Кириллица."), std::string::npos);
  EXPECT_EQ(r->pages[2], "");
  EXPECT_NE(r->pages[3].find("Fourth and last page."), std::string::npos);
  for (const std::string& p : r->pages) EXPECT_TRUE(text::IsValidUtf8(p));
}

TEST(PopplerExtractTest, ColumnsComeInReadingOrder) {
  // The right column is drawn first; reading order puts the left one first.
  TempDir dir;
  MakeReportLabPdf("columns", dir.Sub("c.pdf"));
  Result<PdfText> r = ExtractPdfInProcess(ReadFile(dir.Sub("c.pdf")), PdfLimits{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->pages.size(), 1u);
  const std::string& page = r->pages[0];
  const size_t last_left = page.find("Left column line 20.");
  const size_t first_right = page.find("Right column line 1.");
  ASSERT_NE(last_left, std::string::npos) << page;
  ASSERT_NE(first_right, std::string::npos) << page;
  EXPECT_LT(last_left, first_right) << page;
  // Whole lines, not columns interleaved line by line.
  EXPECT_NE(page.find("Left column line 1.\nLeft column line 2."), std::string::npos) << page;
}

// The fork server's warm state holds a document open; extraction goes on
// beside it (the children's situation) and gives the same text as without.
TEST(PopplerExtractTest, AWarmStateHoldsAValidPdfAndExtractionWorksBesideIt) {
  const std::string pdf = testing::SimplePdf({"first page words", "second page words"}, "Held");
  Result<PdfText> cold = ExtractPdfInProcess(pdf, PdfLimits{});
  ASSERT_TRUE(cold.ok()) << cold.status().ToString();
  {
    const PopplerWarmState warm(testing::SimplePdf({"warm up"}, "warm"));
    EXPECT_TRUE(warm.holding());
    Result<PdfText> beside = ExtractPdfInProcess(pdf, PdfLimits{});
    ASSERT_TRUE(beside.ok()) << beside.status().ToString();
    EXPECT_EQ(beside->title, cold->title);
    EXPECT_EQ(beside->pages, cold->pages);
  }
  Result<PdfText> after = ExtractPdfInProcess(pdf, PdfLimits{});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->pages, cold->pages);
}

TEST(PopplerExtractTest, AWarmStateOfAnUnloadableFileHoldsNothing) {
  const PopplerWarmState garbage(std::string("%PDF-1.4\nnot really"));
  EXPECT_FALSE(garbage.holding());
  const PopplerWarmState empty((std::string()));
  EXPECT_FALSE(empty.holding());
}

TEST(PopplerExtractTest, NotAPdf) {
  Result<PdfText> r = ExtractPdfInProcess("just some text, no header", PdfLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not a PDF"), std::string::npos);
}

TEST(PopplerExtractTest, HeaderButNothingElseIsDamaged) {
  Result<PdfText> r = ExtractPdfInProcess("%PDF-1.7\nnothing here\n", PdfLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("damaged PDF"), std::string::npos) << r.status().message();
}

TEST(PopplerExtractTest, TooManyPages) {
  PdfLimits limits;
  limits.max_pages = 10;
  EXPECT_TRUE(ExtractPdfInProcess(testing::ManyPagePdf(10), limits).ok());
  Result<PdfText> r = ExtractPdfInProcess(testing::ManyPagePdf(11), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(), "too many pages: 11, limit 10");
}

TEST(PopplerExtractTest, TooMuchText) {
  PdfLimits limits;
  limits.max_chars = 25;
  Result<PdfText> r = ExtractPdfInProcess(
      testing::SimplePdf({"0123456789", "0123456789", "0123456789"}, ""), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("too much text: over 25 characters by page 3"),
            std::string::npos)
      << r.status().message();
}

TEST(PopplerExtractTest, EncryptedNeedsAPassword) {
  TempDir dir;
  testing::WriteFile(dir.Sub("plain.pdf"), testing::SimplePdf({"secret text"}, "t"));
  testing::Encrypt(dir.Sub("plain.pdf"), dir.Sub("locked.pdf"), "user-pw", "owner-pw");
  Result<PdfText> r = ExtractPdfInProcess(ReadFile(dir.Sub("locked.pdf")), PdfLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(r.status().message().find("encrypted"), std::string::npos);

  // Encrypted with an empty user password (only "owner" restrictions): poppler
  // opens it without a password, and so do we.
  testing::Encrypt(dir.Sub("plain.pdf"), dir.Sub("owner.pdf"), "", "owner-pw");
  Result<PdfText> open = ExtractPdfInProcess(ReadFile(dir.Sub("owner.pdf")), PdfLimits{});
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_NE(open->pages.at(0).find("secret text"), std::string::npos);
}

}  // namespace
}  // namespace quarry::ingest
