// Cutting text into the longest pieces that fit a token limit, measured with
// the real token counter.
//
// Token counts are not additive (a tokenizer adds [CLS]/[SEP], merges across a
// join, counts whitespace), so every piece produced here has been counted as
// the exact text it is. The search probes the previous piece's length first and
// steps away from it, so text cut into similar pieces costs a handful of counts
// per piece (O(log k) at worst for pieces of k atoms).
//
// Internal to ingest/. Thread-safety: pure functions (the counter is called
// from the calling thread only).
#ifndef QUARRY_INGEST_TOKEN_FIT_H_
#define QUARRY_INGEST_TOKEN_FIT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "quarry/status.h"
#include "text/span.h"

namespace quarry::ingest {

using TokenCounter = std::function<size_t(std::string_view)>;

struct CountedSpan {
  text::Span span;
  size_t tokens = 0;  // count_tokens applied to exactly the span's text
};

// Cuts [starts.front(), end) into pieces. Atom i is [starts[i], starts[i+1])
// (the last one ends at `end`); a piece is the whitespace-trimmed text of
// consecutive atoms. Greedily, each piece is the longest whose count is at most
// `limit`. An atom counting more than `limit` but at most `hard_limit` becomes a
// piece by itself; one counting more than `hard_limit` is cut again at code
// point boundaries. Blank pieces are dropped, so the pieces cover every
// non-white-space character of the range exactly once, in order.
// Fails with InvalidArgument if a single code point counts more than hard_limit.
// REQUIRES: text is valid UTF-8; starts is non-empty, strictly increasing, on
// code point boundaries, and starts.back() < end <= text.size(); limit <= hard_limit.
Status FitPieces(std::string_view text, const std::vector<uint32_t>& starts, uint32_t end,
                 size_t limit, size_t hard_limit, const TokenCounter& count_tokens,
                 std::vector<CountedSpan>* out);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_TOKEN_FIT_H_
