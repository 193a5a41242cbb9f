#include "search/payload_index.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace quarry::search {
namespace {

// ---- Qdrant's rules for combining cardinality estimates -------------------

CardinalityEstimate Clamped(double lo, double expected, double hi, size_t n) {
  const double top = static_cast<double>(n);
  lo = std::clamp(lo, 0.0, top);
  hi = std::clamp(hi, lo, top);
  expected = std::clamp(expected, lo, hi);
  return {static_cast<size_t>(lo), static_cast<size_t>(std::llround(expected)),
          static_cast<size_t>(hi)};
}

// All of `parts` pass.
CardinalityEstimate AllOf(const std::vector<CardinalityEstimate>& parts, size_t n) {
  if (n == 0) return {};
  const double total = static_cast<double>(n);
  double lo = 0, expected = total, hi = total;
  for (const CardinalityEstimate& e : parts) {
    lo += static_cast<double>(e.min);
    expected *= static_cast<double>(e.expected) / total;
    hi = std::min(hi, static_cast<double>(e.max));
  }
  // Inclusion-exclusion lower bound: sets of min m_i in a universe of n share
  // at least Σ m_i − (k − 1)·n elements.
  lo -= static_cast<double>(parts.size() > 0 ? parts.size() - 1 : 0) * total;
  if (parts.empty()) lo = total;
  return Clamped(lo, expected, hi, n);
}

// At least one of `parts` passes. REQUIRES: !parts.empty().
CardinalityEstimate AnyOf(const std::vector<CardinalityEstimate>& parts, size_t n) {
  if (n == 0) return {};
  const double total = static_cast<double>(n);
  double lo = 0, none = 1, hi = 0;
  for (const CardinalityEstimate& e : parts) {
    lo = std::max(lo, static_cast<double>(e.min));
    none *= 1 - static_cast<double>(e.expected) / total;
    hi += static_cast<double>(e.max);
  }
  return Clamped(lo, total * (1 - none), hi, n);
}

CardinalityEstimate Complement(const CardinalityEstimate& e, size_t n) {
  return {n - e.max, n - e.expected, n - e.min};
}

// A leaf: `postings` entries matched, the largest single list `largest`, on a
// field with at most `max_values` values per document.
CardinalityEstimate Leaf(size_t postings, size_t largest, uint32_t max_values, size_t n) {
  const size_t hi = std::min(postings, n);
  if (max_values <= 1) return {hi, hi, hi};
  const size_t lo = std::max(largest, (postings + max_values - 1) / max_values);
  return {std::min(lo, hi), hi, hi};
}

}  // namespace

// ---- PayloadIndex ---------------------------------------------------------

const PayloadIndex::FieldIndex* PayloadIndex::FindField(std::string_view key) const {
  const auto it = fields_.find(key);
  return it == fields_.end() ? nullptr : &it->second;
}

std::pair<size_t, size_t> PayloadIndex::RangeBounds(const FieldIndex& field,
                                                    const RangeCondition& range) {
  const auto& numbers = field.numbers;
  const auto below = [](const NumberEntry& e, double x) { return e.value < x; };
  const auto above = [](double x, const NumberEntry& e) { return x < e.value; };
  auto begin = numbers.begin();
  auto end = numbers.end();
  if (range.gt) begin = std::max(begin, std::upper_bound(numbers.begin(), end, *range.gt, above));
  if (range.gte) begin = std::max(begin, std::lower_bound(numbers.begin(), end, *range.gte, below));
  if (range.lt)
    end = std::min(end, std::lower_bound(numbers.begin(), numbers.end(), *range.lt, below));
  if (range.lte) {
    end = std::min(end, std::upper_bound(numbers.begin(), numbers.end(), *range.lte, above));
  }
  if (end < begin) end = begin;
  return {static_cast<size_t>(begin - numbers.begin()), static_cast<size_t>(end - numbers.begin())};
}

template <typename Lists, typename Numbers>
void PayloadIndex::ForEachMatch(const FieldIndex& field, const MatchCondition& match, Lists&& lists,
                                Numbers&& numbers) {
  for (const FieldValue& v : match.values) {
    if (const bool* flag = std::get_if<bool>(&v)) {
      lists(field.booleans[*flag ? 1 : 0]);
    } else if (const double* x = std::get_if<double>(&v)) {
      const auto [lo, hi] = std::equal_range(
          field.numbers.begin(), field.numbers.end(), NumberEntry{*x, 0},
          [](const NumberEntry& a, const NumberEntry& b) { return a.value < b.value; });
      numbers(std::span<const NumberEntry>(lo, hi));
    } else {
      const auto it = field.keywords.find(std::get<std::string>(v));
      if (it != field.keywords.end()) lists(it->second);
    }
  }
}

OrdinalBitmap PayloadIndex::EvaluateCondition(const Condition& condition) const {
  if (const auto* nested = std::get_if<std::unique_ptr<Filter>>(&condition)) {
    return Evaluate(**nested);
  }
  OrdinalBitmap bits(size_);
  if (const auto* match = std::get_if<MatchCondition>(&condition)) {
    if (const FieldIndex* field = FindField(match->key)) {
      ForEachMatch(
          *field, *match,
          [&](const std::vector<uint32_t>& list) {
            for (uint32_t o : list) bits.Set(o);
          },
          [&](std::span<const NumberEntry> run) {
            for (const NumberEntry& e : run) bits.Set(e.ordinal);
          });
    }
    return bits;
  }
  const auto& range = std::get<RangeCondition>(condition);
  if (const FieldIndex* field = FindField(range.key)) {
    const auto [begin, end] = RangeBounds(*field, range);
    for (size_t i = begin; i < end; ++i) bits.Set(field->numbers[i].ordinal);
  }
  return bits;
}

OrdinalBitmap PayloadIndex::Evaluate(const Filter& filter) const {
  OrdinalBitmap result(size_, /*all=*/true);
  for (const Condition& c : filter.must) {
    if (result.None()) return result;
    result.And(EvaluateCondition(c));
  }
  if (!filter.should.empty() && !result.None()) {
    OrdinalBitmap any(size_);
    for (const Condition& c : filter.should) any.Or(EvaluateCondition(c));
    result.And(any);
  }
  for (const Condition& c : filter.must_not) {
    if (result.None()) return result;
    result.AndNot(EvaluateCondition(c));
  }
  return result;
}

CardinalityEstimate PayloadIndex::EstimateCondition(const Condition& condition) const {
  if (const auto* nested = std::get_if<std::unique_ptr<Filter>>(&condition)) {
    return Estimate(**nested);
  }
  if (const auto* match = std::get_if<MatchCondition>(&condition)) {
    const FieldIndex* field = FindField(match->key);
    if (field == nullptr) return {};
    size_t postings = 0, largest = 0;
    const auto count = [&](size_t n) {
      postings += n;
      largest = std::max(largest, n);
    };
    ForEachMatch(
        *field, *match, [&](const std::vector<uint32_t>& list) { count(list.size()); },
        [&](std::span<const NumberEntry> run) { count(run.size()); });
    return Leaf(postings, largest, field->max_values, size_);
  }
  const auto& range = std::get<RangeCondition>(condition);
  const FieldIndex* field = FindField(range.key);
  if (field == nullptr) return {};
  const auto [begin, end] = RangeBounds(*field, range);
  return Leaf(end - begin, 0, field->max_values, size_);
}

CardinalityEstimate PayloadIndex::Estimate(const Filter& filter) const {
  std::vector<CardinalityEstimate> parts;
  for (const Condition& c : filter.must) parts.push_back(EstimateCondition(c));
  if (!filter.should.empty()) {
    std::vector<CardinalityEstimate> any;
    for (const Condition& c : filter.should) any.push_back(EstimateCondition(c));
    parts.push_back(AnyOf(any, size_));
  }
  if (!filter.must_not.empty()) {
    std::vector<CardinalityEstimate> any;
    for (const Condition& c : filter.must_not) any.push_back(EstimateCondition(c));
    parts.push_back(Complement(AnyOf(any, size_), size_));
  }
  return AllOf(parts, size_);
}

// ---- PayloadIndexBuilder --------------------------------------------------

void PayloadIndexBuilder::Add(const DocumentFields& fields) {
  QUARRY_CHECK(index_.size_ < UINT32_MAX, "a segment holds far fewer than 2^32 documents");
  const auto ordinal = static_cast<uint32_t>(index_.size_++);
  const std::span<const FieldEntry> entries = fields.entries();
  for (size_t i = 0; i < entries.size();) {
    // Entries are sorted by path: one run per field, each value once.
    size_t j = i;
    while (j < entries.size() && entries[j].path == entries[i].path) ++j;
    PayloadIndex::FieldIndex& field = index_.fields_[entries[i].path];
    field.max_values = std::max(field.max_values, static_cast<uint32_t>(j - i));
    for (; i < j; ++i) {
      const FieldValue& v = entries[i].value;
      if (const bool* b = std::get_if<bool>(&v)) {
        field.booleans[*b ? 1 : 0].push_back(ordinal);
      } else if (const double* x = std::get_if<double>(&v)) {
        field.numbers.push_back({*x, ordinal});
      } else {
        field.keywords[std::get<std::string>(v)].push_back(ordinal);
      }
    }
  }
}

Status PayloadIndexBuilder::AddJson(std::string_view metadata_json) {
  Result<DocumentFields> fields = DocumentFields::FromJson(metadata_json);
  Add(fields.ok() ? *fields : DocumentFields());
  return fields.ok() ? Status::Ok() : fields.status();
}

PayloadIndex PayloadIndexBuilder::Build() {
  for (auto& [path, field] : index_.fields_) {
    std::sort(field.numbers.begin(), field.numbers.end(),
              [](const PayloadIndex::NumberEntry& a, const PayloadIndex::NumberEntry& b) {
                return a.value != b.value ? a.value < b.value : a.ordinal < b.ordinal;
              });
  }
  PayloadIndex built = std::move(index_);
  index_ = PayloadIndex();
  return built;
}

}  // namespace quarry::search
