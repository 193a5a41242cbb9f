#include "engine/mutable_segment.h"

#include "base/check.h"

namespace quarry::engine {

uint32_t MutableSegment::Add(storage::StoredDocument doc, std::span<const float> vectors) {
  const uint32_t dims = index_.dimensions();
  const uint32_t ordinal = static_cast<uint32_t>(docs_.size());
  Doc& d = docs_.emplace_back();
  d.first_row = static_cast<uint32_t>(row_owner_.size());
  for (size_t c = 0; c < doc.chunks.size(); ++c) {
    Status s = index_.Add(static_cast<vector::RowId>(row_owner_.size()),
                          vectors.subspan(c * dims, dims));
    QUARRY_CHECK(s.ok(), "rows are appended in order; vectors come from our embedder or a "
                         "checksummed log record, with the collection's dimensions");
    row_owner_.push_back(ordinal);
  }
  d.doc = std::move(doc);
  return ordinal;
}

void MutableSegment::Remove(uint32_t ordinal) {
  Doc& d = docs_[ordinal];
  if (!d.live) return;
  for (size_t c = 0; c < d.doc.chunks.size(); ++c) {
    (void)index_.Remove(d.first_row + static_cast<uint32_t>(c));  // live rows: cannot fail
  }
  d.live = false;
}

void MutableSegment::CollectLive(std::vector<storage::StoredDocument>* docs,
                                 std::vector<float>* vectors,
                                 std::vector<uint32_t>* ordinals) const {
  const uint32_t dims = index_.dimensions();
  for (uint32_t o = 0; o < docs_.size(); ++o) {
    const Doc& d = docs_[o];
    if (!d.live) continue;
    const size_t base = vectors->size();
    vectors->resize(base + d.doc.chunks.size() * dims);
    for (size_t c = 0; c < d.doc.chunks.size(); ++c) {
      Status s = index_.GetVector(d.first_row + static_cast<uint32_t>(c),
                                  std::span<float>(*vectors).subspan(base + c * dims, dims));
      QUARRY_CHECK(s.ok(), "the document is live, so are its rows");
    }
    docs->push_back(d.doc);
    ordinals->push_back(o);
  }
}

}  // namespace quarry::engine
