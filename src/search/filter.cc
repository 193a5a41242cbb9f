#include "search/filter.h"

#include <algorithm>

namespace quarry::search {
namespace {

bool MatchesField(const MatchCondition& m, const DocumentFields& fields) {
  for (const FieldEntry& e : fields.Find(m.key)) {
    if (std::binary_search(m.values.begin(), m.values.end(), e.value)) return true;
  }
  return false;
}

bool MatchesRange(const RangeCondition& r, const DocumentFields& fields) {
  for (const FieldEntry& e : fields.Find(r.key)) {
    const double* x = std::get_if<double>(&e.value);
    if (x != nullptr && r.Contains(*x)) return true;
  }
  return false;
}

}  // namespace

Condition MatchValue(std::string key, FieldValue value) {
  return MatchCondition{std::move(key), {std::move(value)}};
}

Condition MatchAny(std::string key, std::vector<FieldValue> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return MatchCondition{std::move(key), std::move(values)};
}

Condition Nested(Filter filter) { return std::make_unique<Filter>(std::move(filter)); }

bool Matches(const Condition& condition, const DocumentFields& fields) {
  if (const auto* m = std::get_if<MatchCondition>(&condition)) return MatchesField(*m, fields);
  if (const auto* r = std::get_if<RangeCondition>(&condition)) return MatchesRange(*r, fields);
  return Matches(*std::get<std::unique_ptr<Filter>>(condition), fields);
}

bool Matches(const Filter& filter, const DocumentFields& fields) {
  for (const Condition& c : filter.must) {
    if (!Matches(c, fields)) return false;
  }
  if (!filter.should.empty()) {
    bool any = false;
    for (const Condition& c : filter.should) {
      if (Matches(c, fields)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  for (const Condition& c : filter.must_not) {
    if (Matches(c, fields)) return false;
  }
  return true;
}

}  // namespace quarry::search
