#include "lexical/bm25_merge.h"

#include <string>
#include <string_view>
#include <vector>

#include "lexical/bm25_writer.h"
#include "lexical/posting_cursor.h"

namespace quarry::lexical {
namespace {

constexpr size_t kWriteChunk = 1 << 20;  // postings bytes buffered per Append
constexpr uint32_t kTermsPerCancelCheck = 1024;

std::string_view AsChars(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

Status CheckNumbering(std::span<const MergeInput> inputs, uint32_t doc_count) {
  uint64_t next = 0;  // the id the next kept document must have
  for (size_t i = 0; i < inputs.size(); ++i) {
    const MergeInput& in = inputs[i];
    if (in.index == nullptr || in.new_doc.size() != in.index->doc_count()) {
      return Status::InvalidArgument("merge input " + std::to_string(i) +
                                     " needs one new doc id per document");
    }
    for (uint32_t id : in.new_doc) {
      if (id == kDroppedDoc) continue;
      if (id != next || id >= doc_count) {
        return Status::InvalidArgument(
            "merge input " + std::to_string(i) + " numbers a kept document " + std::to_string(id) +
            " where " + std::to_string(next) + " is next of " + std::to_string(doc_count));
      }
      ++next;
    }
  }
  if (next != doc_count) {
    return Status::InvalidArgument("merge inputs keep " + std::to_string(next) +
                                   " documents, not " + std::to_string(doc_count));
  }
  return Status::Ok();
}

// Walks the union of the inputs' terms in byte order and calls
// fn(term, postings) with each term's kept postings, renumbered, for terms
// that keep at least one.
class MergedTerms {
 public:
  MergedTerms(std::span<const MergeInput> inputs, const std::atomic<bool>* cancel)
      : inputs_(inputs), cancel_(cancel) {}

  template <typename Fn>
  Status ForEach(Fn&& fn) {
    std::vector<uint32_t> next(inputs_.size(), 0);  // each input's next term
    uint32_t since_check = 0;
    for (;;) {
      std::string_view term;
      bool any = false;
      for (size_t i = 0; i < inputs_.size(); ++i) {
        if (next[i] >= inputs_[i].index->term_count()) continue;
        const std::string_view t = inputs_[i].index->TermAt(next[i]);
        if (!any || t < term) term = t;
        any = true;
      }
      if (!any) return Status::Ok();
      if (++since_check == kTermsPerCancelCheck) {
        since_check = 0;
        if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
          return Status::Unavailable("merge of keyword postings cancelled");
        }
      }
      postings_.clear();
      for (size_t i = 0; i < inputs_.size(); ++i) {
        const Bm25Index& index = *inputs_[i].index;
        if (next[i] >= index.term_count() || index.TermAt(next[i]) != term) continue;
        const TermInfo info = index.TermInfoAt(next[i]);
        if (Status s = index.VerifyTerm(info); !s.ok()) {
          return s.WithContext(inputs_[i].name.empty() ? "merge input " + std::to_string(i)
                                                       : std::string(inputs_[i].name));
        }
        cursor_.Reset(&index, info);
        for (; cursor_.doc() != PostingCursor::kEnd; cursor_.Next()) {
          const uint32_t doc = inputs_[i].new_doc[cursor_.doc()];
          if (doc != kDroppedDoc) postings_.push_back(Posting{doc, cursor_.tf()});
        }
        ++next[i];
      }
      if (!postings_.empty()) QUARRY_RETURN_IF_ERROR(fn(term, std::span<const Posting>(postings_)));
    }
  }

 private:
  std::span<const MergeInput> inputs_;
  const std::atomic<bool>* cancel_;
  PostingCursor cursor_;
  std::vector<Posting> postings_;  // the current term's
};

}  // namespace

Status MergeBm25Indexes(std::span<const MergeInput> inputs, uint32_t doc_count, WritableFile& out,
                        const std::atomic<bool>* cancel) {
  QUARRY_RETURN_IF_ERROR(CheckNumbering(inputs, doc_count));
  if (out.Size() != 0) return Status::InvalidArgument("the merged postings need an empty file");
  std::vector<FieldLengths> lengths(doc_count);
  for (const MergeInput& in : inputs) {
    for (uint32_t d = 0; d < in.new_doc.size(); ++d) {
      if (in.new_doc[d] == kDroppedDoc) continue;
      FieldLengths& l = lengths[in.new_doc[d]];
      for (size_t f = 0; f < kNumFields; ++f) l[f] = in.index->FieldLength(d, f);
    }
  }

  // Pass 1: the tables, which precede the postings in the file.
  Bm25Writer writer(lengths);
  uint64_t total_postings = 0;
  MergedTerms terms(inputs, cancel);
  QUARRY_RETURN_IF_ERROR(terms.ForEach([&](std::string_view term, std::span<const Posting> list) {
    total_postings += list.size();
    if (total_postings > UINT32_MAX) {
      return Status::ResourceExhausted("a keyword index holds at most 2^32 - 1 postings");
    }
    writer.AddTerm(term, list, nullptr);
    return Status::Ok();
  }));

  // Pass 2: header placeholder, tables, then the postings as they are encoded.
  const std::array<uint8_t, format::kHeaderSize> placeholder{};
  QUARRY_RETURN_IF_ERROR(out.Append(AsChars(placeholder)));
  std::vector<uint8_t> tables;
  writer.AppendTables(&tables);
  QUARRY_RETURN_IF_ERROR(out.Append(AsChars(tables)));
  uint64_t written = 0;
  std::vector<uint8_t> pending;
  const auto flush = [&]() -> Status {
    written += pending.size();
    Status s = out.Append(AsChars(pending));
    pending.clear();
    return s;
  };
  QUARRY_RETURN_IF_ERROR(terms.ForEach([&](std::string_view, std::span<const Posting> list) {
    Bm25Writer::EncodePostings(list, &pending);
    return pending.size() >= kWriteChunk ? flush() : Status::Ok();
  }));
  QUARRY_RETURN_IF_ERROR(flush());
  if (written != writer.postings_size()) {
    return Status::Internal("merged postings: " + std::to_string(written) + " bytes written, " +
                            std::to_string(writer.postings_size()) + " planned");
  }
  const std::array<uint8_t, format::kHeaderSize> header = writer.Header(tables);
  return out.WriteAt(0, AsChars(header));
}

}  // namespace quarry::lexical
