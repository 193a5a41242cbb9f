// WordPieceTokenizer: text to BERT token ids, as Hugging Face's BertTokenizer
// produces them (BasicTokenizer, then greedy longest-match-first WordPiece).
//
// Each word from the BasicTokenizer is cut left to right into the longest
// vocabulary entries, pieces after the first carrying the continuation prefix
// ("##"). A word longer than max_input_chars_per_word code points, or one with
// a part no entry matches, becomes a single [UNK]. Encode frames the pieces
// with [CLS] ... [SEP] and truncates to a maximum length.
//
// Loading from model folders lives in tokenizer_files.h.
//
// Thread-safety: immutable after construction; all const methods may run
// concurrently.
#ifndef QUARRY_EMBED_WORDPIECE_H_
#define QUARRY_EMBED_WORDPIECE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "embed/basic_tokenizer.h"
#include "quarry/status.h"

namespace quarry::embed {

struct WordPieceOptions {
  BasicTokenizerOptions basic;
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string continuing_prefix = "##";
  size_t max_input_chars_per_word = 100;
};

class WordPieceTokenizer {
 public:
  // `vocab` maps each token (UTF-8) to its id. InvalidArgument when the
  // special tokens are missing from it or an id is negative.
  static Result<WordPieceTokenizer> Create(std::unordered_map<std::string, int32_t> vocab,
                                           WordPieceOptions options);

  // The word pieces of `text` as strings, without [CLS]/[SEP]; for tests and
  // debugging.
  std::vector<std::string> Tokenize(std::string_view text) const;

  // [CLS] ids... [SEP], keeping the first max_length - 2 pieces.
  // REQUIRES: max_length >= 2.
  std::vector<int32_t> Encode(std::string_view text, size_t max_length) const;

  // The length Encode would return without truncation ([CLS] and [SEP] included).
  size_t CountTokens(std::string_view text) const;

  // The first max_pieces piece ids of `text`, without [CLS]/[SEP] and without
  // [UNK] (static models skip unknown words, as model2vec does).
  std::vector<int32_t> EncodeKnownPieces(std::string_view text, size_t max_pieces) const;

  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }
  // One more than the largest id.
  size_t vocab_size() const { return vocab_size_; }
  const WordPieceOptions& options() const { return options_; }

 private:
  WordPieceTokenizer(std::unordered_map<std::string, int32_t> vocab, WordPieceOptions options);

  // Calls emit(id) for each piece of each word of `text`.
  template <typename Emit>
  void ForEachId(std::string_view text, Emit&& emit) const;
  // Appends the ids of one word; returns false (appending nothing) when the
  // word has no complete segmentation.
  bool SegmentWord(const std::u32string& word, std::vector<int32_t>* ids) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  WordPieceOptions options_;
  BasicTokenizer basic_;
  size_t max_entry_bytes_ = 0;
  size_t vocab_size_ = 0;
  int32_t cls_id_ = 0, sep_id_ = 0, pad_id_ = 0, unk_id_ = 0;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_WORDPIECE_H_
