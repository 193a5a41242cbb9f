// PayloadIndex: an index over the metadata of a set of documents (dense
// ordinals 0..n-1, e.g. one segment's), so that a filter becomes the bitmap
// of the ordinals it allows without looking at any document, and so that the
// planner can estimate how many pass before it chooses between an HNSW
// traversal and an exact scan of the allowed rows.
//
// Per flattened field (filter_fields.h):
//   keywords  value -> sorted ordinals (an inverted list)
//   booleans  true / false -> sorted ordinals
//   numbers   (value, ordinal) pairs sorted by value: a range is two binary
//             searches and one run of the array; equality on a number is
//             an equal_range
// Evaluate() returns exactly the ordinals whose DocumentFields pass Matches()
// (the tests check it against that brute force on random data).
//
// The index is immutable once built; a mutable segment, small by design,
// evaluates filters per document with Matches() instead, and a sealed one
// builds its index once when it opens.
//
// Thread-safety: immutable after Build(); Evaluate and Estimate may run from
// any number of threads.
#ifndef QUARRY_SEARCH_PAYLOAD_INDEX_H_
#define QUARRY_SEARCH_PAYLOAD_INDEX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quarry/status.h"
#include "search/filter.h"
#include "search/filter_bitmap.h"
#include "search/filter_fields.h"

namespace quarry::search {

// Bounds on how many documents pass a filter: min <= exact count <= max,
// always; `expected` assumes the conditions are independent.
struct CardinalityEstimate {
  size_t min = 0;
  size_t expected = 0;
  size_t max = 0;
};

class PayloadIndex {
 public:
  PayloadIndex() = default;  // over no documents

  size_t size() const { return size_; }

  // The ordinals of the documents that pass `filter`.
  OrdinalBitmap Evaluate(const Filter& filter) const;

  // Bounds on Evaluate(filter).Count(), from list sizes alone (no bitmap is
  // built): exact for a single condition on a field with one value per
  // document, Qdrant's combination rules for boolean clauses.
  CardinalityEstimate Estimate(const Filter& filter) const;

 private:
  friend class PayloadIndexBuilder;

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct NumberEntry {
    double value;
    uint32_t ordinal;
  };
  struct FieldIndex {
    std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>> keywords;
    std::array<std::vector<uint32_t>, 2> booleans;  // [false], [true]
    std::vector<NumberEntry> numbers;               // sorted by value, then ordinal
    uint32_t max_values = 0;                        // most values one document has
  };
  using FieldMap = std::unordered_map<std::string, FieldIndex, StringHash, std::equal_to<>>;

  const FieldIndex* FindField(std::string_view key) const;
  OrdinalBitmap EvaluateCondition(const Condition& condition) const;
  CardinalityEstimate EstimateCondition(const Condition& condition) const;
  // [begin, end) of the numbers of `field` inside `range`.
  static std::pair<size_t, size_t> RangeBounds(const FieldIndex& field,
                                               const RangeCondition& range);
  // Calls f(ordinal list) for each list a match condition selects; numbers
  // pass a run of NumberEntry instead.
  template <typename Lists, typename Numbers>
  static void ForEachMatch(const FieldIndex& field, const MatchCondition& match, Lists&& lists,
                           Numbers&& numbers);

  size_t size_ = 0;
  FieldMap fields_;
};

class PayloadIndexBuilder {
 public:
  // Adds the next document: its ordinal is the number of documents added
  // before it.
  void Add(const DocumentFields& fields);

  // As Add, from metadata JSON text. When the text is not a JSON object the
  // document is still added (with no fields, so ordinals stay aligned with
  // the segment's) and InvalidArgument says why.
  Status AddJson(std::string_view metadata_json);

  size_t size() const { return index_.size_; }

  // The index over every document added. Leaves the builder empty.
  PayloadIndex Build();

 private:
  PayloadIndex index_;
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_PAYLOAD_INDEX_H_
