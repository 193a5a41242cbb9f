#include "engine/mutable_segment.h"

#include <cstdio>
#include <cstdlib>

#include "base/check.h"

namespace quarry::engine {

uint32_t MutableSegment::Add(storage::StoredDocument doc, std::span<const float> vectors,
                             const DocumentTerms& terms) {
  QUARRY_CHECK(terms.chunks.size() == doc.chunks.size(),
               "the collection analyzes every chunk of the document it adds");
  const uint32_t dims = index_.dimensions();
  const uint32_t ordinal = static_cast<uint32_t>(docs_.size());
  // Stored metadata was validated as a JSON object; anything else has no fields.
  Result<search::DocumentFields> fields =
      search::DocumentFields::FromJson(doc.metadata_json.empty() ? "{}" : doc.metadata_json);
  fields_.push_back(fields.ok() ? std::move(fields).value() : search::DocumentFields());
  AddChunkTerms(terms, &postings_builder_);
  {
    std::lock_guard<std::mutex> lock(postings_mu_);
    if (!delta_overflowed_ && delta_builder_.doc_count() + terms.chunks.size() > kMaxDeltaRows) {
      delta_overflowed_ = true;  // the next search rebuilds the base instead
      delta_builder_ = lexical::Bm25IndexBuilder();
    }
    if (!delta_overflowed_) AddChunkTerms(terms, &delta_builder_);
  }
  Doc& d = docs_.emplace_back();
  d.first_row = static_cast<uint32_t>(row_owner_.size());
  for (size_t c = 0; c < doc.chunks.size(); ++c) {
    Status s =
        index_.Add(static_cast<vector::RowId>(row_owner_.size()), vectors.subspan(c * dims, dims));
    // Rows are appended in order; vectors come from our embedder or a
    // checksummed log record, with the collection's dimensions. What is left
    // is memory running out (the rows' chunks are mapped as they fill).
    if (!s.ok()) {
      std::fprintf(stderr, "quarry: cannot add a row to the in-memory segment: %s\n",
                   s.ToString().c_str());
      std::abort();
    }
    row_owner_.push_back(ordinal);
  }
  dead_rows_.resize((row_owner_.size() + 63) / 64, 0);
  d.doc = std::move(doc);
  return ordinal;
}

void MutableSegment::Remove(uint32_t ordinal) {
  Doc& d = docs_[ordinal];
  if (!d.live) return;
  for (size_t c = 0; c < d.doc.chunks.size(); ++c) {
    const uint32_t row = d.first_row + static_cast<uint32_t>(c);
    (void)index_.Remove(row);  // live rows: cannot fail
    dead_rows_[row >> 6] |= uint64_t{1} << (row & 63);
  }
  d.live = false;
}

MutableSegment::PostingsView MutableSegment::Postings() const {
  std::lock_guard<std::mutex> lock(postings_mu_);
  auto build = [](const lexical::Bm25IndexBuilder& builder) {
    Result<lexical::Bm25Index> built = builder.Build();
    QUARRY_CHECK(built.ok(), "the builder's own serialization verifies");
    return std::make_shared<const lexical::Bm25Index>(std::move(built).value());
  };
  if (delta_overflowed_) {
    base_ = build(postings_builder_);
    base_rows_ = postings_builder_.doc_count();
    delta_builder_ = lexical::Bm25IndexBuilder();
    delta_ = nullptr;
    delta_overflowed_ = false;
  }
  if (delta_builder_.doc_count() == 0) {
    delta_ = nullptr;
  } else if (delta_ == nullptr || delta_->doc_count() != delta_builder_.doc_count()) {
    delta_ = build(delta_builder_);
  }
  return {base_, delta_, base_rows_};
}

void MutableSegment::CollectLive(std::vector<uint32_t>* ordinals,
                                 std::vector<uint32_t>* rows) const {
  size_t live_docs = 0;
  for (const Doc& d : docs_) live_docs += d.live ? 1 : 0;
  ordinals->reserve(ordinals->size() + live_docs);
  rows->reserve(rows->size() + index_.live_count());
  for (uint32_t o = 0; o < docs_.size(); ++o) {
    const Doc& d = docs_[o];
    if (!d.live) continue;
    for (uint32_t c = 0; c < d.doc.chunks.size(); ++c) rows->push_back(d.first_row + c);
    ordinals->push_back(o);
  }
}

}  // namespace quarry::engine
