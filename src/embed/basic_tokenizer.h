// BasicTokenizer: the word-splitting half of Hugging Face's BertTokenizer.
//
// Reproduces transformers' BasicTokenizer step by step, because a model only
// sees the ids it was trained with and one differing split changes them:
//   1. clean: drop U+0000, U+FFFD and every code point of category C* except
//      \t \n \r; turn \t \n \r and Zs into a space;
//   2. put spaces around CJK ideographs (the ranges of BERT's _is_chinese_char);
//   3. NFC, then split on white space as Python's str.split() does (which also
//      splits on U+2028 and U+2029);
//   4. per word: full Unicode lowercasing, then NFD and removal of Mn marks
//      (accent stripping follows lowercasing unless set explicitly);
//   5. split off each punctuation character (ASCII 33-47, 58-64, 91-96,
//      123-126, and every P* category) as a word of its own.
// Differs from HF in one way: special tokens written in the text ("[SEP]") are
// not recognized as such; they are split like any other text, which also keeps
// users from injecting them.
//
// Thread-safety: immutable after construction; Split may run concurrently.
#ifndef QUARRY_EMBED_BASIC_TOKENIZER_H_
#define QUARRY_EMBED_BASIC_TOKENIZER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::embed {

struct BasicTokenizerOptions {
  bool clean_text = true;
  bool lowercase = true;
  // Unset: strip accents exactly when lowercasing (HF's strip_accents=None).
  std::optional<bool> strip_accents;
  bool split_cjk = true;
};

class BasicTokenizer {
 public:
  explicit BasicTokenizer(BasicTokenizerOptions options) : options_(options) {}

  // Splits UTF-8 `text` into words, each as code points (WordPiece counts
  // code points). Ill-formed UTF-8 decodes to U+FFFD, which cleaning drops.
  std::vector<std::u32string> Split(std::string_view text) const;

  const BasicTokenizerOptions& options() const { return options_; }

 private:
  BasicTokenizerOptions options_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_BASIC_TOKENIZER_H_
