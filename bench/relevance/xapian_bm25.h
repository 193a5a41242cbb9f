// XapianBm25: the peer. Xapian 1.4 (Debian's libxapian-dev) with its own
// BM25 weighting, Snowball English stemmer and the same Lucene stopword
// list, over title and text in one field, as Anserini's "flat" index does.
// Built only when Xapian is installed (QUARRY_BENCH_HAVE_XAPIAN).
//
// Thread-safety: NOT thread-safe; one thread.
#ifndef QUARRY_BENCH_RELEVANCE_XAPIAN_BM25_H_
#define QUARRY_BENCH_RELEVANCE_XAPIAN_BM25_H_

#include <memory>
#include <string>
#include <vector>

#include "quarry/status.h"
#include "search/beir_dataset.h"

namespace quarry::bench {

class XapianBm25 {
 public:
  // Indexes `corpus` into a new on-disk (glass) database under `dir`.
  static Result<std::unique_ptr<XapianBm25>> Build(const std::vector<search::BeirDocument>& corpus,
                                                   const std::string& dir, double k1, double b);
  ~XapianBm25();

  Status Search(const std::string& query, size_t k, std::vector<std::string>* ranking);

  double index_seconds() const { return index_seconds_; }
  double index_mib() const { return index_mib_; }

 private:
  struct State;
  XapianBm25();
  std::unique_ptr<State> state_;
  double index_seconds_ = 0;
  double index_mib_ = 0;
};

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_RELEVANCE_XAPIAN_BM25_H_
