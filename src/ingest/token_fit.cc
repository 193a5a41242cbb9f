#include "ingest/token_fit.h"

#include <algorithm>
#include <string>

#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

class Fitter {
 public:
  Fitter(std::string_view text, size_t limit, size_t hard_limit, const TokenCounter& count_tokens,
         std::vector<CountedSpan>* out)
      : text_(text),
        limit_(limit),
        hard_limit_(hard_limit),
        count_tokens_(count_tokens),
        out_(out) {}

  Status Fit(const std::vector<uint32_t>& starts, uint32_t end) {
    const size_t n = starts.size();
    // The trimmed text of atoms [i, j).
    const auto piece = [&](size_t i, size_t j) {
      return text::TrimWhitespace(text_, text::Span{starts[i], j < n ? starts[j] : end});
    };
    size_t guess = 1;  // atoms in the previous piece: the next is likely similar
    size_t a = 0;
    while (a < n) {
      const text::Span one = piece(a, a + 1);
      if (one.empty()) {
        ++a;
        continue;
      }
      const size_t one_tokens = Count(one);
      if (one_tokens > limit_) {
        if (one_tokens <= hard_limit_) {
          out_->push_back({one, one_tokens});
        } else {
          QUARRY_RETURN_IF_ERROR(FitCodePoints(one, one_tokens));
        }
        ++a;
        continue;
      }
      // Invariant: `lo` atoms fit; `hi` atoms do not (or run past the end).
      // Neighbouring pieces tend to hold about as many atoms, so probe the
      // previous piece's length first, then step away from it in growing
      // steps, then bisect what is left.
      const size_t remaining = n - a;
      size_t lo = 1;
      size_t lo_tokens = one_tokens;
      size_t hi = remaining + 1;
      const size_t first_probe = std::clamp<size_t>(guess, 1, remaining);
      size_t step = std::max<size_t>(1, first_probe / 16);
      if (first_probe > 1) {
        const size_t tokens = Count(piece(a, a + first_probe));
        if (tokens <= limit_) {
          lo = first_probe;
          lo_tokens = tokens;
        } else {
          hi = first_probe;
        }
      }
      if (lo == first_probe) {
        while (hi - lo > 1) {  // upwards
          const size_t k = std::min(lo + step, remaining);
          const size_t tokens = Count(piece(a, a + k));
          if (tokens > limit_) {
            hi = k;
            break;
          }
          lo = k;
          lo_tokens = tokens;
          if (k == remaining) break;
          step *= 2;
        }
      } else {
        while (hi - lo > 1) {  // downwards
          const size_t k = hi > step + 1 ? hi - step : 1;
          if (k <= lo) break;
          const size_t tokens = Count(piece(a, a + k));
          if (tokens <= limit_) {
            lo = k;
            lo_tokens = tokens;
            break;
          }
          hi = k;
          step *= 2;
        }
      }
      while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        const size_t tokens = Count(piece(a, a + mid));
        if (tokens <= limit_) {
          lo = mid;
          lo_tokens = tokens;
        } else {
          hi = mid;
        }
      }
      out_->push_back({piece(a, a + lo), lo_tokens});
      guess = lo;
      a += lo;
    }
    return Status::Ok();
  }

 private:
  size_t Count(text::Span span) const { return count_tokens_(text::SpanText(text_, span)); }

  // An atom with no word boundary inside (a long URL, a base64 blob) that is
  // over the hard limit: cut it between code points.
  Status FitCodePoints(text::Span atom, size_t tokens) {
    std::vector<uint32_t> starts;
    for (uint32_t i = atom.begin; i < atom.end; ++i) {
      if (!text::IsContinuationByte(text_[i])) starts.push_back(i);
    }
    if (starts.size() <= 1) {
      return Status::InvalidArgument("max_tokens " + std::to_string(hard_limit_) +
                                     " is too small: the single character '" +
                                     std::string(text::SpanText(text_, atom)) + "' alone counts " +
                                     std::to_string(tokens) + " tokens");
    }
    return Fit(starts, atom.end);
  }

  std::string_view text_;
  size_t limit_;
  size_t hard_limit_;
  const TokenCounter& count_tokens_;
  std::vector<CountedSpan>* out_;
};

}  // namespace

Status FitPieces(std::string_view text, const std::vector<uint32_t>& starts, uint32_t end,
                 size_t limit, size_t hard_limit, const TokenCounter& count_tokens,
                 std::vector<CountedSpan>* out) {
  return Fitter(text, limit, hard_limit, count_tokens, out).Fit(starts, end);
}

}  // namespace quarry::ingest
