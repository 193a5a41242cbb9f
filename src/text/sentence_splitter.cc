#include "text/sentence_splitter.h"

#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include "text/whitespace.h"

namespace quarry::text {
namespace {

// Abbreviations that precede a capitalized word far more often than they end
// a sentence, missing from CLDR's English list ("Dr." is absent because it
// also abbreviates "Drive"). A wrong suppression only makes one unit longer;
// a wrong break cuts "Dr. | Smith" apart.
constexpr const char* kExtraEnglishAbbreviations[] = {
    "Dr.", "Drs.", "Fig.", "Figs.", "Eq.", "Eqs.", "Vol.", "Vols.", "Ref.", "Refs.",
};

Status IcuError(std::string_view what, std::string_view locale, UErrorCode code) {
  return Status::Internal(std::string(what) + " for locale '" + std::string(locale) +
                          "': " + u_errorName(code));
}

}  // namespace

class SentenceSplitter::Impl {
 public:
  explicit Impl(std::unique_ptr<icu::BreakIterator> iterator) : iterator_(std::move(iterator)) {}

  std::unique_ptr<Impl> Clone() const {
    return std::make_unique<Impl>(std::unique_ptr<icu::BreakIterator>(iterator_->clone()));
  }

  std::vector<Span> Split(std::string_view text) {
    std::vector<Span> spans;
    if (text.empty()) return spans;
    const Span whole{0, static_cast<uint32_t>(text.size())};
    UErrorCode status = U_ZERO_ERROR;
    UText utext = UTEXT_INITIALIZER;
    utext_openUTF8(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
    if (U_SUCCESS(status)) iterator_->setText(&utext, status);
    if (U_FAILURE(status)) {
      utext_close(&utext);
      const Span trimmed = TrimWhitespace(text, whole);
      if (!trimmed.empty()) spans.push_back(trimmed);
      return spans;
    }
    int32_t begin = iterator_->first();
    for (int32_t end = iterator_->next(); end != icu::BreakIterator::DONE;
         begin = end, end = iterator_->next()) {
      const Span trimmed =
          TrimWhitespace(text, Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
      if (!trimmed.empty()) spans.push_back(trimmed);
    }
    // The iterator keeps a shallow clone of the UText, which points into the
    // caller's buffer; point it at an empty text so nothing dangles.
    utext_openUTF8(&utext, "", 0, &status);
    iterator_->setText(&utext, status);
    utext_close(&utext);
    return spans;
  }

 private:
  std::unique_ptr<icu::BreakIterator> iterator_;
};

Result<SentenceSplitter> SentenceSplitter::Create(std::string_view locale) {
  const std::string name(locale);
  const icu::Locale icu_locale = name.empty() ? icu::Locale::getRoot() : icu::Locale(name.c_str());
  if (icu_locale.isBogus()) {
    return Status::InvalidArgument("locale '" + name + "' is not a valid locale id");
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> base(
      icu::BreakIterator::createSentenceInstance(icu_locale, status));
  if (U_FAILURE(status)) return IcuError("creating the sentence iterator", name, status);
  std::unique_ptr<icu::FilteredBreakIteratorBuilder> builder(
      icu::FilteredBreakIteratorBuilder::createInstance(icu_locale, status));
  if (status == U_MISSING_RESOURCE_ERROR) {
    // Root and many locales have no abbreviation list: filter nothing.
    status = U_ZERO_ERROR;
    builder.reset(icu::FilteredBreakIteratorBuilder::createEmptyInstance(status));
  }
  if (U_FAILURE(status)) return IcuError("loading abbreviations", name, status);
  if (std::strcmp(icu_locale.getLanguage(), "en") == 0) {
    for (const char* abbreviation : kExtraEnglishAbbreviations) {
      builder->suppressBreakAfter(icu::UnicodeString::fromUTF8(abbreviation), status);
    }
    if (U_FAILURE(status)) return IcuError("adding abbreviations", name, status);
  }
  // wrapIteratorWithFilter adopts `base` whether or not it succeeds.
  std::unique_ptr<icu::BreakIterator> filtered(
      builder->wrapIteratorWithFilter(base.release(), status));
  if (U_FAILURE(status) || filtered == nullptr) {
    return IcuError("building the filtered sentence iterator", name, status);
  }
  return SentenceSplitter(std::make_unique<Impl>(std::move(filtered)));
}

Result<SentenceSplitter> SentenceSplitter::English() {
  static const Result<SentenceSplitter> prototype = Create("en");
  // Cloning a const iterator that nothing changes is safe in ICU; the lock
  // keeps that from resting on it.
  static std::mutex mu;
  if (!prototype.ok()) return prototype.status();
  std::lock_guard<std::mutex> lock(mu);
  return SentenceSplitter(*prototype);
}

SentenceSplitter::SentenceSplitter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SentenceSplitter::SentenceSplitter(const SentenceSplitter& other)
    : impl_(other.impl_ ? other.impl_->Clone() : nullptr) {}
SentenceSplitter& SentenceSplitter::operator=(const SentenceSplitter& other) {
  if (this != &other) impl_ = other.impl_ ? other.impl_->Clone() : nullptr;
  return *this;
}
SentenceSplitter::SentenceSplitter(SentenceSplitter&& other) noexcept = default;
SentenceSplitter& SentenceSplitter::operator=(SentenceSplitter&& other) noexcept = default;
SentenceSplitter::~SentenceSplitter() = default;

std::vector<Span> SentenceSplitter::Split(std::string_view valid_utf8) {
  return impl_->Split(valid_utf8);
}

}  // namespace quarry::text
