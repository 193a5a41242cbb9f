// Fuzzes tokenizer.json parsing and the WordPiece tokenizer. The first byte
// picks the mode: tokenize the rest as text with a small fixed vocabulary
// (every id returned must be a vocabulary id, and CountTokens must agree with
// an untruncated Encode), or parse the rest as tokenizer.json.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "embed/tokenizer_files.h"

namespace {

const quarry::embed::WordPieceTokenizer& SmallTokenizer() {
  // The vocabulary is valid, so value() cannot fail.
  static const quarry::embed::WordPieceTokenizer tokenizer =
      quarry::embed::ParseVocabTxt("[PAD]\n[UNK]\n[CLS]\n[SEP]\na\nb\n##a\n##b\nab\n!\n\xe4\xb8\xad\n",
                                   "")
          .value();
  return tokenizer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    (void)quarry::embed::ParseTokenizerJson(rest);
    return 0;
  }
  const auto& tokenizer = SmallTokenizer();
  const auto ids = tokenizer.Encode(rest, SIZE_MAX);
  if (ids.size() != tokenizer.CountTokens(rest)) std::abort();
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= tokenizer.vocab_size()) std::abort();
  }
  return 0;
}
