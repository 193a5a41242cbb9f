#include "embed/token_estimate.h"

#include <algorithm>

namespace quarry::embed {

size_t EstimateTokens(std::string_view text) {
  size_t words = 0, symbols = 0;
  bool in_word = false;
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const bool word_byte = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                           (c >= 'A' && c <= 'Z');
    if (word_byte) {
      words += in_word ? 0 : 1;
      in_word = true;
      continue;
    }
    in_word = false;
    if (c > 0x20 && c < 0x7f) ++symbols;
  }
  return 2 + std::max((text.size() + 2) / 3, words + symbols);
}

}  // namespace quarry::embed
