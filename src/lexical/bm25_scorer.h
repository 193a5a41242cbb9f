// Bm25Scorer: the BM25F arithmetic of bm25_params.h, for one query's
// parameters and collection statistics. Every score, exact or bound, is
// computed here by the same expressions, so the pruning search and the
// exhaustive one produce bit-identical numbers.
//
// Thread-safety: immutable after construction.
#ifndef QUARRY_LEXICAL_BM25_SCORER_H_
#define QUARRY_LEXICAL_BM25_SCORER_H_

#include <array>
#include <cmath>
#include <cstdint>

#include "lexical/bm25_params.h"
#include "lexical/collection_stats.h"
#include "lexical/field.h"

namespace quarry::lexical {

class Bm25Scorer {
 public:
  // REQUIRES: params.Validate().ok(); stats.doc_count > 0.
  Bm25Scorer(const Bm25Params& params, const CollectionStats& stats) : params_(params) {
    double avg = 0;
    for (size_t f = 0; f < kNumFields; ++f) {
      avg += params.field_weights[f] * static_cast<double>(stats.total_length[f]) /
             static_cast<double>(stats.doc_count);
    }
    // An all-empty collection has no length to normalize by; any positive
    // average gives the same (length-free) scores then.
    inv_avg_length_ = avg > 0 ? 1.0 / avg : 1.0;
    doc_count_ = static_cast<double>(stats.doc_count);
  }

  // ln(1 + (N - df + 0.5) / (df + 0.5)): always > 0 when df <= N.
  double Idf(uint64_t doc_freq) const {
    const double df = static_cast<double>(doc_freq);
    return std::log(1.0 + (doc_count_ - df + 0.5) / (df + 0.5));
  }

  // k1 * (1 - b + b * dl~ / avgdl~) for a document with these field lengths.
  double LengthNorm(const std::array<uint32_t, kNumFields>& lengths) const {
    double dl = 0;
    for (size_t f = 0; f < kNumFields; ++f) dl += params_.field_weights[f] * lengths[f];
    return params_.k1 * (1.0 - params_.b + params_.b * dl * inv_avg_length_);
  }

  // sum_f w_f * tf_f.
  double WeightedTf(const std::array<uint32_t, kNumFields>& tf) const {
    double w = 0;
    for (size_t f = 0; f < kNumFields; ++f) w += params_.field_weights[f] * tf[f];
    return w;
  }

  // One term's contribution: term_weight * tf~ / (tf~ + norm); 0 when tf~ is
  // 0 (the term occurs only in fields weighted 0). Increasing in tf~ and
  // decreasing in norm, which is what makes block-max bounds valid.
  static double Contribution(double term_weight, double weighted_tf, double length_norm) {
    if (weighted_tf <= 0) return 0;
    return term_weight * (weighted_tf / (weighted_tf + length_norm));
  }

 private:
  Bm25Params params_;
  double inv_avg_length_ = 1;
  double doc_count_ = 0;
};

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_BM25_SCORER_H_
