#include "engine/payload_cache.h"

#include <algorithm>

namespace quarry::engine {

Result<std::shared_ptr<const search::PayloadIndex>> PayloadCache::Get(
    const storage::Segment& segment, std::span<const uint64_t> live_segment_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = indexes_.find(segment.id()); it != indexes_.end()) return it->second;
  // A miss is rare (once per segment): the moment to forget merged-away segments.
  std::erase_if(indexes_, [&](const auto& entry) {
    return std::find(live_segment_ids.begin(), live_segment_ids.end(), entry.first) ==
           live_segment_ids.end();
  });
  search::PayloadIndexBuilder builder;
  const size_t documents = segment.store().entries().size();
  for (size_t ordinal = 0; ordinal < documents; ++ordinal) {
    Result<storage::StoredDocument> doc = segment.store().Read(ordinal);
    if (!doc.ok()) return doc.status().WithContext("indexing metadata for a filter");
    // Stored metadata was validated as a JSON object when it was written;
    // AddJson keeps ordinals aligned even if it were not.
    (void)builder.AddJson(doc->metadata_json.empty() ? "{}" : doc->metadata_json);
  }
  auto index = std::make_shared<const search::PayloadIndex>(builder.Build());
  indexes_.emplace(segment.id(), index);
  return index;
}

}  // namespace quarry::engine
