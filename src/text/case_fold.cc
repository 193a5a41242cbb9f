#include "text/case_fold.h"

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>

#include "text/utf8.h"

namespace quarry::text {

void AppendCaseFolded(std::string_view valid_utf8, std::string* out) {
  bool ascii = true;
  for (char c : valid_utf8) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    // Full folding of ASCII is exactly A-Z -> a-z.
    const size_t start = out->size();
    out->append(valid_utf8);
    for (size_t i = start; i < out->size(); ++i) {
      char& c = (*out)[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return;
  }
  const size_t start = out->size();
  UErrorCode status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(out);
  icu::CaseMap::utf8Fold(
      U_FOLD_CASE_DEFAULT,
      icu::StringPiece(valid_utf8.data(), static_cast<int32_t>(valid_utf8.size())), sink, nullptr,
      status);
  // ICU fails only on invalid arguments (input over 2 GiB); keeping the text
  // unfolded is better than losing it.
  if (U_FAILURE(status)) {
    out->resize(start);
    out->append(valid_utf8);
  }
}

std::string CaseFold(std::string_view valid_utf8) {
  std::string out;
  out.reserve(valid_utf8.size());
  AppendCaseFolded(valid_utf8, &out);
  return out;
}

}  // namespace quarry::text
