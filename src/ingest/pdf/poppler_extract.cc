#include "ingest/pdf/poppler_extract.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <exception>
#include <memory>
#include <new>
#include <string>

#include "ingest/text_decode.h"
#include "text/utf8.h"

namespace quarry::ingest {
namespace {

// poppler checks for the header in the first 1024 bytes, as do we.
constexpr size_t kHeaderWindow = 1024;

// Keeps poppler's last error message (poppler prints to stderr otherwise).
void RememberPopplerError(const std::string& message, void* closure) {
  *static_cast<std::string*>(closure) = message;
}
void IgnorePopplerError(const std::string&, void*) {}

// Points poppler's error callback at a string for one extraction, and away
// from it again before the string goes.
class PopplerErrorCapture {
 public:
  PopplerErrorCapture() { poppler::set_debug_error_function(RememberPopplerError, &last_); }
  ~PopplerErrorCapture() { poppler::set_debug_error_function(IgnorePopplerError, nullptr); }
  PopplerErrorCapture(const PopplerErrorCapture&) = delete;
  PopplerErrorCapture& operator=(const PopplerErrorCapture&) = delete;
  const std::string& last() const { return last_; }

 private:
  std::string last_;
};

std::string ToUtf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  // poppler gives UTF-8: repair it, never reinterpret it as Latin-1.
  return DecodeTextBytes(std::string_view(bytes.data(), bytes.size()), TextEncoding::kUtf8);
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

// Page text as poppler gives it, less the line breaks and form feed it puts
// at the end of every page (so an empty page is ""); a form feed inside a page
// becomes a line break.
std::string PageText(const poppler::page& page) {
  std::string text =
      ToUtf8(page.text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
  const size_t end = text.find_last_not_of(" \t\r\n\f\v");
  text.resize(end == std::string::npos ? 0 : end + 1);
  for (char& c : text) {
    if (c == '\f') c = '\n';
  }
  return text;
}

Result<PdfText> Extract(std::string_view bytes, const PdfLimits& limits) {
  if (bytes.substr(0, kHeaderWindow).find("%PDF-") == std::string_view::npos) {
    return Status::InvalidArgument("not a PDF (no %PDF- header in the first 1024 bytes)");
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return Status::ResourceExhausted("PDF of " + std::to_string(bytes.size()) +
                                     " bytes is over poppler's 2 GiB limit");
  }
  PopplerErrorCapture errors;
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (doc == nullptr) {
    return Status::InvalidArgument("damaged PDF: " + (errors.last().empty()
                                                          ? std::string("poppler could not load it")
                                                          : text::SanitizeUtf8(errors.last())));
  }
  if (doc->is_locked()) return Status::NotSupported("encrypted PDF (a password is required)");
  const int page_count = doc->pages();
  if (page_count < 0 || static_cast<uint64_t>(page_count) > limits.max_pages) {
    return Status::ResourceExhausted("too many pages: " + std::to_string(page_count) + ", limit " +
                                     std::to_string(limits.max_pages));
  }
  PdfText out;
  out.title = ToUtf8(doc->info_key("Title"));
  if (IsBlank(out.title)) out.title.clear();
  uint64_t chars = text::CountCodePoints(out.title);
  out.pages.reserve(page_count);
  for (int i = 0; i < page_count; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    // A page poppler cannot build (a broken page tree) counts as empty, so
    // the numbers of the pages after it stay right.
    out.pages.push_back(page == nullptr ? std::string() : PageText(*page));
    chars += text::CountCodePoints(out.pages.back());
    if (chars > limits.max_chars) {
      return Status::ResourceExhausted("too much text: over " + std::to_string(limits.max_chars) +
                                       " characters by page " + std::to_string(i + 1));
    }
  }
  return out;
}

}  // namespace

Result<PdfText> ExtractPdfInProcess(std::string_view bytes, const PdfLimits& limits) {
  try {
    return Extract(bytes, limits);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("damaged PDF: ") + text::SanitizeUtf8(e.what()));
  } catch (...) {
    return Status::InvalidArgument("damaged PDF: poppler threw an unknown exception");
  }
}

PopplerWarmState::PopplerWarmState(std::string pdf) : bytes_(std::move(pdf)) {
  PopplerErrorCapture errors;  // the warm-up file's warnings go nowhere
  std::shared_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes_.data(), static_cast<int>(bytes_.size())));
  if (doc == nullptr || doc->pages() < 1) return;  // not the file it was meant to be
  held_ = std::move(doc);
}

PopplerWarmState::~PopplerWarmState() = default;

}  // namespace quarry::ingest
