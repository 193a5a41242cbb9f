#include "ingest/pdf_document.h"

#include <gtest/gtest.h>

namespace quarry::ingest {
namespace {

TEST(PdfDocumentTest, OneSectionPerPageWithTextKeepingPageNumbers) {
  PdfText pdf;
  pdf.title = "Report";
  pdf.pages = {"First page.", "", " \n\t", "Fourth page, with text.\n"};
  ExtractedDocument doc = PdfTextToDocument(pdf);
  EXPECT_EQ(doc.media_type, kMediaTypePdf);
  EXPECT_EQ(doc.title, "Report");
  EXPECT_EQ(doc.text, "First page.\n\nFourth page, with text.\n");
  ASSERT_EQ(doc.sections.size(), 2u);
  EXPECT_EQ(doc.sections[0].page, 1u);
  EXPECT_EQ(doc.text.substr(doc.sections[0].byte_begin,
                            doc.sections[0].byte_end - doc.sections[0].byte_begin),
            "First page.");
  EXPECT_EQ(doc.sections[1].page, 4u);
  EXPECT_EQ(doc.text.substr(doc.sections[1].byte_begin), "Fourth page, with text.\n");
  EXPECT_EQ(doc.sections[1].heading_path, "");
}

TEST(PdfDocumentTest, APdfWithoutTextIsBlank) {
  PdfText pdf;
  pdf.pages = {"", "  "};
  ExtractedDocument doc = PdfTextToDocument(pdf);
  EXPECT_EQ(doc.text, "");
  EXPECT_TRUE(doc.sections.empty());
  EXPECT_TRUE(PdfTextToDocument(PdfText{}).sections.empty());
}

}  // namespace
}  // namespace quarry::ingest
