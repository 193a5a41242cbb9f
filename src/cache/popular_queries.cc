#include "cache/popular_queries.h"

#include <algorithm>

namespace quarry::cache {

PopularQueries::PopularQueries(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {}

void PopularQueries::Record(std::string_view identity, std::string_view collection,
                            std::string_view query, std::string_view body) {
  if (body.size() > kMaxBodyBytes) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++total_;
  if (auto it = index_.find(std::string(identity)); it != index_.end()) {
    ++counters_[it->second].count;
    return;
  }
  PopularQuery entry{std::string(identity), std::string(collection), std::string(query),
                     std::string(body), 1, 0};
  if (counters_.size() < capacity_) {
    index_.emplace(entry.identity, counters_.size());
    counters_.push_back(std::move(entry));
    return;
  }
  auto least = std::min_element(counters_.begin(), counters_.end(),
                                [](const PopularQuery& a, const PopularQuery& b) {
                                  return a.count < b.count;
                                });
  index_.erase(least->identity);
  entry.error = least->count;
  entry.count = least->count + 1;
  index_.emplace(entry.identity, static_cast<size_t>(least - counters_.begin()));
  *least = std::move(entry);
}

std::vector<PopularQuery> PopularQueries::Top(size_t n) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const PopularQuery*> order;
  for (const PopularQuery& q : counters_) order.push_back(&q);
  const size_t m = std::min(n, order.size());
  std::partial_sort(order.begin(), order.begin() + m, order.end(),
                    [](const PopularQuery* a, const PopularQuery* b) {
                      return a->count != b->count ? a->count > b->count
                                                  : a->identity < b->identity;
                    });
  std::vector<PopularQuery> top;
  for (size_t i = 0; i < m; ++i) top.push_back(*order[i]);
  return top;
}

uint64_t PopularQueries::total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

void PopularQueries::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  counters_.clear();
  index_.clear();
  total_ = 0;
}

}  // namespace quarry::cache
