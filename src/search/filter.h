// Filter: a condition on document metadata, in the spirit of Qdrant's filter
// JSON (docs/design/filters.md; filter_json.h parses it):
//
//   {"must": [...], "should": [...], "must_not": [...]}
//
// A document passes when it passes every `must` clause, at least one `should`
// clause if there is any, and no `must_not` clause. An empty filter passes
// everything. A clause is one of:
//   match   {"key": "lang", "match": {"value": "en"}}         equality
//           {"key": "lang", "match": {"any": ["en", "de"]}}   in (any of)
//   range   {"key": "year", "range": {"gte": 2000, "lt": 2010}}
//   nested  another {"must", "should", "must_not"} object
// Keys name flattened metadata fields (filter_fields.h). A field with several
// values (an array) passes a match or range clause when any value does; a
// document without the field, or with no value of the right type, fails it
// (and so passes `must_not` of it).
//
// Thread-safety: immutable once built; evaluate from any number of threads.
#ifndef QUARRY_SEARCH_FILTER_H_
#define QUARRY_SEARCH_FILTER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "search/filter_fields.h"

namespace quarry::search {

struct Filter;

struct MatchCondition {
  std::string key;
  std::vector<FieldValue> values;  // sorted, distinct (MatchAny makes them so)
};

struct RangeCondition {
  std::string key;
  std::optional<double> gt, gte, lt, lte;

  bool Contains(double x) const {
    return (!gt || x > *gt) && (!gte || x >= *gte) && (!lt || x < *lt) && (!lte || x <= *lte);
  }
};

// One clause of a filter. Move-only (a nested filter is owned).
using Condition = std::variant<MatchCondition, RangeCondition, std::unique_ptr<Filter>>;

struct Filter {
  std::vector<Condition> must;
  std::vector<Condition> should;
  std::vector<Condition> must_not;

  bool empty() const { return must.empty() && should.empty() && must_not.empty(); }
};

// Builders that keep MatchCondition's invariant.
Condition MatchValue(std::string key, FieldValue value);
Condition MatchAny(std::string key, std::vector<FieldValue> values);
Condition Nested(Filter filter);

// True if the document whose fields are `fields` passes `filter`.
bool Matches(const Filter& filter, const DocumentFields& fields);
bool Matches(const Condition& condition, const DocumentFields& fields);

// Limits every filter is checked against before it is used (filter_json.h
// refuses larger ones with InvalidArgument).
struct FilterLimits {
  static constexpr size_t kMaxDepth = 16;         // filter objects, the outermost counting 1
  static constexpr size_t kMaxConditions = 1024;  // clauses in all lists, nested ones included
  static constexpr size_t kMaxAnyValues = 1024;   // values of one "any"
  static constexpr size_t kMaxKeyBytes = 256;
  static constexpr size_t kMaxJsonBytes = 1 << 20;  // of the filter's text
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_FILTER_H_
