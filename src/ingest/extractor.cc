#include "ingest/extractor.h"

#include "ingest/html_extract.h"
#include "ingest/markdown_sections.h"
#include "ingest/text_decode.h"

namespace quarry::ingest {
namespace {

// True if `s` starts with `prefix`, ASCII letters compared without case.
bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// `prefix` without a UTF-8 BOM and leading ASCII white space.
std::string_view SkipBomAndSpace(std::string_view prefix) {
  if (prefix.substr(0, 3) == "\xEF\xBB\xBF") prefix.remove_prefix(3);
  const size_t start = prefix.find_first_not_of(" \t\r\n\f");
  return start == std::string_view::npos ? std::string_view() : prefix.substr(start);
}

}  // namespace

std::string LowercaseExtension(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  std::string ext(name.substr(dot));
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

DocumentFormat SniffFormat(std::string_view prefix, std::string_view path) {
  if (prefix.substr(0, 5) == "%PDF-") return DocumentFormat::kPdf;
  const std::string_view start = SkipBomAndSpace(prefix);
  if (StartsWithNoCase(start, "<!doctype html") || StartsWithNoCase(start, "<html")) {
    return DocumentFormat::kHtml;
  }
  const std::string ext = LowercaseExtension(path);
  if (ext == ".html" || ext == ".htm") return DocumentFormat::kHtml;
  if (ext == ".json") return DocumentFormat::kJson;
  if (ext == ".jsonl" || ext == ".ndjson") return DocumentFormat::kJsonLines;
  if (ext == ".md" || ext == ".markdown") return DocumentFormat::kMarkdown;
  if (ext == ".pdf") return DocumentFormat::kPdf;
  return DocumentFormat::kPlainText;
}

bool IsRecordFormat(DocumentFormat format) {
  return format == DocumentFormat::kJson || format == DocumentFormat::kJsonLines;
}

Result<ExtractedDocument> ExtractDocument(DocumentFormat format, std::string_view bytes,
                                          const ExtractOptions& options) {
  ExtractedDocument doc;
  switch (format) {
    case DocumentFormat::kPlainText:
      doc.text = DecodeTextBytes(bytes);
      return doc;
    case DocumentFormat::kMarkdown:
      doc.media_type = kMediaTypeMarkdown;
      doc.text = DecodeTextBytes(bytes);
      doc.title = FirstMarkdownHeading(doc.text);
      return doc;
    case DocumentFormat::kHtml:
      return ExtractHtml(bytes, options.html);
    case DocumentFormat::kPdf:
      // PDFs are parsed in the sandboxed helper, from the file (ReadDocuments).
      return Status::InvalidArgument(
          "a PDF is extracted from its file by the sandboxed helper (ReadDocuments), not from bytes");
    case DocumentFormat::kJson:
    case DocumentFormat::kJsonLines:
      break;
  }
  return Status::InvalidArgument(
      "JSON holds records, not one document: read it with ReadJsonRecords");
}

}  // namespace quarry::ingest
