// DocumentFields: a document's metadata (a JSON object) flattened into the
// (path, value) pairs that filters test and the payload index indexes, so
// that both see exactly the same fields.
//
// Flattening rules:
//   - a member of a nested object gets the dotted path of its names:
//     {"a": {"b": 1}} has the field "a.b" (a literal dot in a name is not
//     escaped, so {"a.b": 1} is the same field);
//   - an array gives its path every one of its elements: {"tags": ["x", "y"]}
//     has the field "tags" with two values (objects in arrays are flattened
//     under the array's path, as Qdrant does for "a[].b");
//   - strings are keywords, numbers (integers included) doubles, true and
//     false booleans; null contributes nothing;
//   - a path keeps each distinct value once.
//
// Thread-safety: immutable after construction; share freely.
#ifndef QUARRY_SEARCH_FILTER_FIELDS_H_
#define QUARRY_SEARCH_FILTER_FIELDS_H_

#include <boost/json/object.hpp>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quarry/status.h"

namespace quarry::search {

// A value a filter can match: a keyword, a number or a boolean. Values of
// different types are never equal (the keyword "2000" is not the number
// 2000). Numbers compare as doubles, so integers are exact up to 2^53.
using FieldValue = std::variant<bool, double, std::string>;

// "keyword", "number" or "boolean".
std::string_view FieldValueTypeName(const FieldValue& v);

struct FieldEntry {
  std::string path;
  FieldValue value;

  friend auto operator<=>(const FieldEntry&, const FieldEntry&) = default;
};

class DocumentFields {
 public:
  // Metadata nesting deeper than this is ignored (the engine caps stored
  // JSON at a smaller depth already).
  static constexpr unsigned kMaxDepth = 64;

  DocumentFields() = default;  // no fields

  static DocumentFields FromObject(const boost::json::object& metadata);
  // Parses `metadata_json`; InvalidArgument unless it is a JSON object.
  static Result<DocumentFields> FromJson(std::string_view metadata_json);

  // The distinct values of `path`, sorted; empty when the document lacks it.
  std::span<const FieldEntry> Find(std::string_view path) const;

  // Every (path, value), sorted by path then value.
  std::span<const FieldEntry> entries() const { return entries_; }

 private:
  std::vector<FieldEntry> entries_;
};

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_FILTER_FIELDS_H_
