// PayloadCache: the metadata index (search/payload_index.h) of each sealed
// segment, built the first time a filtered search reaches the segment, by
// reading every document of it once, and kept while the segment lives.
// Built lazily rather than at open so that collections nobody filters never
// pay for it (a cold start reads no document).
//
// Thread-safety: Get() may be called from any number of threads; one builds
// while the others wait for it. The caller keeps the segment alive (it holds
// the collection's state lock) for as long as it uses the returned index.
#ifndef QUARRY_ENGINE_PAYLOAD_CACHE_H_
#define QUARRY_ENGINE_PAYLOAD_CACHE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>

#include "quarry/status.h"
#include "search/payload_index.h"
#include "storage/segment.h"

namespace quarry::engine {

class PayloadCache {
 public:
  // The index of `segment`'s documents by ordinal. `live` lists the segments
  // the collection has now: entries of any other segment are dropped.
  // Corruption if a document of the segment cannot be read.
  Result<std::shared_ptr<const search::PayloadIndex>> Get(
      const storage::Segment& segment, std::span<const uint64_t> live_segment_ids);

 private:
  std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<const search::PayloadIndex>> indexes_;  // guarded by mu_
};

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_PAYLOAD_CACHE_H_
