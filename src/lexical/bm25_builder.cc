#include "lexical/bm25_builder.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "lexical/bm25_format.h"
#include "lexical/bm25_writer.h"

namespace quarry::lexical {

Result<uint32_t> Bm25IndexBuilder::AddDocument(std::span<const std::string> title_terms,
                                               std::span<const std::string> body_terms) {
  if (lengths_.size() >= kMaxDocs) {
    return Status::ResourceExhausted("a keyword index holds at most " + std::to_string(kMaxDocs) +
                                     " documents");
  }
  const std::array<std::span<const std::string>, kNumFields> fields = {title_terms, body_terms};
  for (const auto& terms : fields) {
    if (terms.size() > UINT32_MAX) return Status::InvalidArgument("field has too many terms");
    for (const std::string& t : terms) {
      if (t.empty()) return Status::InvalidArgument("empty term");
      if (t.size() > kMaxTermBytes) {
        return Status::InvalidArgument("term of " + std::to_string(t.size()) +
                                       " bytes; the limit is " + std::to_string(kMaxTermBytes));
      }
    }
  }
  // Every posting is at most one block, so this keeps the format's u32 block
  // and term counts exact.
  if (total_postings_ + title_terms.size() + body_terms.size() > UINT32_MAX) {
    return Status::ResourceExhausted("a keyword index holds at most 2^32 - 1 postings");
  }
  const auto doc = static_cast<uint32_t>(lengths_.size());
  std::array<uint32_t, kNumFields> lengths{};
  for (size_t f = 0; f < kNumFields; ++f) {
    for (const std::string& t : fields[f]) {
      auto [it, inserted] = term_ids_.try_emplace(t, static_cast<uint32_t>(postings_.size()));
      if (inserted) {
        terms_.push_back(it->first);  // unordered_map keys never move
        postings_.emplace_back();
      }
      std::vector<Posting>& list = postings_[it->second];
      if (list.empty() || list.back().doc != doc) {
        list.push_back(Posting{doc, {}});
        ++total_postings_;
      }
      ++list.back().tf[f];
    }
    lengths[f] = static_cast<uint32_t>(fields[f].size());
  }
  lengths_.push_back(lengths);
  return doc;
}

std::vector<uint8_t> Bm25IndexBuilder::Serialize() const {
  std::vector<uint32_t> order(postings_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return terms_[a] < terms_[b]; });
  Bm25Writer writer(lengths_);
  std::vector<uint8_t> postings;
  for (uint32_t id : order) writer.AddTerm(terms_[id], postings_[id], &postings);

  std::vector<uint8_t> out(format::kHeaderSize, 0);
  writer.AppendTables(&out);  // the header's size keeps the sections aligned
  const auto header = writer.Header(std::span(out).subspan(format::kHeaderSize));
  std::copy(header.begin(), header.end(), out.begin());
  out.insert(out.end(), postings.begin(), postings.end());
  return out;
}

Result<Bm25Index> Bm25IndexBuilder::Build() const { return Bm25Index::Adopt(Serialize()); }

}  // namespace quarry::lexical
