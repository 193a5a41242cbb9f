// The JSON form of a Filter (filter.h), as search requests carry it.
//
// Everything a client sends is checked before any document is looked at:
// FilterLimits (depth, number of clauses, size of "any" lists, key length,
// text size), the shape of every object (unknown members are refused, not
// ignored, so a typo like "must_nt" cannot silently widen a result), and
// value types. Each error is InvalidArgument and names the path of the bad
// part, e.g. "filter.must[2].range.gte: must be a number".
//
// Accepted forms (beyond filter.h's summary): a clause list may be a single
// clause instead of an array; "value" and "any" take strings, numbers and
// booleans; "any": [] matches nothing; a range needs at least one of gt, gte,
// lt, lte.
//
// Thread-safety: pure functions.
#ifndef QUARRY_SEARCH_FILTER_JSON_H_
#define QUARRY_SEARCH_FILTER_JSON_H_

#include <boost/json/value.hpp>
#include <string_view>

#include "quarry/status.h"
#include "search/filter.h"

namespace quarry::search {

// Parses a filter from its JSON text (at most FilterLimits::kMaxJsonBytes).
Result<Filter> ParseFilterJson(std::string_view text);

// Reads a filter from an already parsed value, such as the "filter" member
// of a search request body.
Result<Filter> ParseFilter(const boost::json::value& value);

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_FILTER_JSON_H_
