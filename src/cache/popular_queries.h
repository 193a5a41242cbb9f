// PopularQueries: the most frequent searches, counted in bounded memory with
// the Space-Saving algorithm (Metwally, Agrawal, El Abbadi 2005): at most
// `capacity` counters; a new query takes the place of the least counted one
// and inherits its count as its possible overestimate. Every query more
// frequent than total/capacity is guaranteed to be held. The cache warmer
// re-runs the top of this list.
//
// Thread-safety: every method may be called from any thread (one mutex; a
// record is a hash lookup and an increment, a replacement a scan of the
// counters).
#ifndef QUARRY_CACHE_POPULAR_QUERIES_H_
#define QUARRY_CACHE_POPULAR_QUERIES_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace quarry::cache {

struct PopularQuery {
  std::string identity;    // cache/cache_key.h SearchIdentity
  std::string collection;
  std::string query;       // the query text, for display
  std::string body;        // the request body as received, to run it again
  uint64_t count = 0;      // an upper bound of how often it was asked
  uint64_t error = 0;      // count - error is a lower bound
};

class PopularQueries {
 public:
  static constexpr size_t kMaxBodyBytes = 16 * 1024;  // larger requests are not remembered

  explicit PopularQueries(size_t capacity = 1000);

  void Record(std::string_view identity, std::string_view collection, std::string_view query,
              std::string_view body);
  // The `n` most counted, most first.
  std::vector<PopularQuery> Top(size_t n) const;
  uint64_t total() const;
  void Clear();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::vector<PopularQuery> counters_;                 // guarded by mu_
  std::unordered_map<std::string, size_t> index_;      // identity -> counters_ slot
  uint64_t total_ = 0;                                 // guarded by mu_
};

}  // namespace quarry::cache

#endif  // QUARRY_CACHE_POPULAR_QUERIES_H_
