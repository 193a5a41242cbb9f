#include "embed/wordpiece.h"

#include <algorithm>

#include "text/utf8.h"

namespace quarry::embed {

Result<WordPieceTokenizer> WordPieceTokenizer::Create(
    std::unordered_map<std::string, int32_t> vocab, WordPieceOptions options) {
  for (const auto& [token, id] : vocab) {
    if (id < 0) return Status::InvalidArgument("vocabulary id of '" + token + "' is negative");
  }
  for (const std::string* special :
       {&options.unk_token, &options.cls_token, &options.sep_token, &options.pad_token}) {
    if (!vocab.contains(*special)) {
      return Status::InvalidArgument("special token '" + *special + "' is not in the vocabulary");
    }
  }
  return WordPieceTokenizer(std::move(vocab), std::move(options));
}

WordPieceTokenizer::WordPieceTokenizer(std::unordered_map<std::string, int32_t> vocab,
                                       WordPieceOptions options)
    : vocab_(std::move(vocab)), options_(std::move(options)), basic_(options_.basic) {
  for (const auto& [token, id] : vocab_) {
    max_entry_bytes_ = std::max(max_entry_bytes_, token.size());
    vocab_size_ = std::max(vocab_size_, static_cast<size_t>(id) + 1);
  }
  id_to_token_.resize(vocab_size_);
  for (const auto& [token, id] : vocab_) id_to_token_[static_cast<size_t>(id)] = token;
  cls_id_ = vocab_.at(options_.cls_token);
  sep_id_ = vocab_.at(options_.sep_token);
  pad_id_ = vocab_.at(options_.pad_token);
  unk_id_ = vocab_.at(options_.unk_token);
}

bool WordPieceTokenizer::SegmentWord(const std::u32string& word,
                                     std::vector<int32_t>* ids) const {
  // UTF-8 of the word and the byte offset of each code point, so that
  // candidate pieces are substrings and lookups need no re-encoding.
  std::string utf8;
  std::vector<size_t> offsets;
  offsets.reserve(word.size() + 1);
  for (char32_t c : word) {
    offsets.push_back(utf8.size());
    text::AppendUtf8(c, &utf8);
  }
  offsets.push_back(utf8.size());

  const size_t first = ids->size();
  std::string candidate;
  size_t start = 0;
  while (start < word.size()) {
    const std::string_view prefix = start > 0 ? std::string_view(options_.continuing_prefix) : "";
    size_t end = word.size();
    // No entry is longer than max_entry_bytes_: skip candidates that cannot match.
    while (end > start && prefix.size() + offsets[end] - offsets[start] > max_entry_bytes_) --end;
    bool found = false;
    for (; end > start; --end) {
      candidate.assign(prefix);
      candidate.append(utf8, offsets[start], offsets[end] - offsets[start]);
      auto it = vocab_.find(candidate);
      if (it != vocab_.end()) {
        ids->push_back(it->second);
        found = true;
        break;
      }
    }
    if (!found) {
      ids->resize(first);
      return false;
    }
    start = end;
  }
  return true;
}

template <typename Emit>
void WordPieceTokenizer::ForEachId(std::string_view text, Emit&& emit) const {
  std::vector<int32_t> pieces;
  for (const std::u32string& word : basic_.Split(text)) {
    pieces.clear();
    if (word.size() > options_.max_input_chars_per_word || !SegmentWord(word, &pieces)) {
      emit(unk_id_);
      continue;
    }
    for (int32_t id : pieces) emit(id);
  }
}

std::vector<std::string> WordPieceTokenizer::Tokenize(std::string_view text) const {
  std::vector<std::string> out;
  ForEachId(text, [&](int32_t id) { out.push_back(id_to_token_[static_cast<size_t>(id)]); });
  return out;
}

std::vector<int32_t> WordPieceTokenizer::Encode(std::string_view text, size_t max_length) const {
  std::vector<int32_t> ids{cls_id_};
  const size_t budget = max_length < 2 ? 0 : max_length - 2;
  size_t seen = 0;
  ForEachId(text, [&](int32_t id) {
    if (seen++ < budget) ids.push_back(id);
  });
  ids.push_back(sep_id_);
  return ids;
}

std::vector<int32_t> WordPieceTokenizer::EncodeKnownPieces(std::string_view text,
                                                           size_t max_pieces) const {
  std::vector<int32_t> ids;
  ForEachId(text, [&](int32_t id) {
    if (id != unk_id_ && ids.size() < max_pieces) ids.push_back(id);
  });
  return ids;
}

size_t WordPieceTokenizer::CountTokens(std::string_view text) const {
  size_t count = 2;
  ForEachId(text, [&](int32_t) { ++count; });
  return count;
}

}  // namespace quarry::embed
