#include "ingest/pdf_document.h"

#include <utility>

namespace quarry::ingest {
namespace {

bool IsBlank(const std::string& s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

}  // namespace

ExtractedDocument PdfTextToDocument(PdfText pdf) {
  ExtractedDocument doc;
  doc.media_type = kMediaTypePdf;
  doc.title = std::move(pdf.title);
  for (size_t i = 0; i < pdf.pages.size(); ++i) {
    const std::string& page = pdf.pages[i];
    if (IsBlank(page)) continue;  // its number is kept by the pages around it
    if (!doc.text.empty()) doc.text += "\n\n";
    DocumentSection section;
    section.byte_begin = static_cast<uint32_t>(doc.text.size());
    doc.text += page;
    section.byte_end = static_cast<uint32_t>(doc.text.size());
    section.page = static_cast<uint32_t>(i + 1);
    doc.sections.push_back(std::move(section));
  }
  return doc;
}

}  // namespace quarry::ingest
