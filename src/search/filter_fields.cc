#include "search/filter_fields.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <exception>

namespace quarry::search {
namespace {

namespace json = boost::json;

void Flatten(const json::value& v, const std::string& path, unsigned depth,
             std::vector<FieldEntry>* out) {
  if (depth > DocumentFields::kMaxDepth) return;
  switch (v.kind()) {
    case json::kind::string:
      out->push_back({path, std::string(v.get_string())});
      break;
    case json::kind::int64:
      out->push_back({path, static_cast<double>(v.get_int64())});
      break;
    case json::kind::uint64:
      out->push_back({path, static_cast<double>(v.get_uint64())});
      break;
    case json::kind::double_:
      out->push_back({path, v.get_double()});
      break;
    case json::kind::bool_:
      out->push_back({path, v.get_bool()});
      break;
    case json::kind::array:
      for (const json::value& e : v.get_array()) Flatten(e, path, depth + 1, out);
      break;
    case json::kind::object:
      for (const auto& [name, member] : v.get_object()) {
        std::string child = path;
        if (!child.empty()) child += '.';
        child.append(name.data(), name.size());
        Flatten(member, child, depth + 1, out);
      }
      break;
    case json::kind::null:
      break;
  }
}

}  // namespace

std::string_view FieldValueTypeName(const FieldValue& v) {
  switch (v.index()) {
    case 0:
      return "boolean";
    case 1:
      return "number";
    default:
      return "keyword";
  }
}

DocumentFields DocumentFields::FromObject(const boost::json::object& metadata) {
  DocumentFields fields;
  for (const auto& [name, member] : metadata) {
    Flatten(member, std::string(name.data(), name.size()), 1, &fields.entries_);
  }
  std::sort(fields.entries_.begin(), fields.entries_.end());
  fields.entries_.erase(std::unique(fields.entries_.begin(), fields.entries_.end()),
                        fields.entries_.end());
  return fields;
}

Result<DocumentFields> DocumentFields::FromJson(std::string_view metadata_json) {
  json::parse_options options;
  options.max_depth = kMaxDepth;
  boost::system::error_code ec;
  json::value v;
  try {
    v = json::parse(metadata_json, ec, {}, options);
  } catch (const std::exception& e) {  // bad_alloc is all parse can throw
    return Status::ResourceExhausted(std::string("metadata: ") + e.what());
  }
  if (ec) return Status::InvalidArgument("metadata is not valid JSON: " + ec.message());
  if (!v.is_object()) return Status::InvalidArgument("metadata must be a JSON object");
  return FromObject(v.get_object());
}

std::span<const FieldEntry> DocumentFields::Find(std::string_view path) const {
  const auto lo =
      std::lower_bound(entries_.begin(), entries_.end(), path,
                       [](const FieldEntry& e, std::string_view p) { return e.path < p; });
  auto hi = lo;
  while (hi != entries_.end() && hi->path == path) ++hi;
  return {lo, hi};
}

}  // namespace quarry::search
