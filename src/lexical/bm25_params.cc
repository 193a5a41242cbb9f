#include "lexical/bm25_params.h"

#include <cmath>
#include <string>

namespace quarry::lexical {

Status Bm25Params::Validate() const {
  if (!std::isfinite(k1) || k1 < 0) {
    return Status::InvalidArgument("bm25 k1 must be a finite number >= 0, got " +
                                   std::to_string(k1));
  }
  if (!std::isfinite(b) || b < 0 || b > 1) {
    return Status::InvalidArgument("bm25 b must be in [0, 1], got " + std::to_string(b));
  }
  double sum = 0;
  for (double w : field_weights) {
    if (!std::isfinite(w) || w < 0 || w > 1e6) {
      return Status::InvalidArgument("bm25 field weights must be in [0, 1e6], got " +
                                     std::to_string(w));
    }
    sum += w;
  }
  if (sum <= 0) return Status::InvalidArgument("bm25 field weights are all 0");
  return Status::Ok();
}

}  // namespace quarry::lexical
