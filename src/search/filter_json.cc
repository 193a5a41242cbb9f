#include "search/filter_json.h"

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <exception>
#include <initializer_list>
#include <string>

namespace quarry::search {
namespace {

namespace json = boost::json;

constexpr std::string_view kRoot = "filter";

Status Error(std::string_view path, std::string_view what) {
  std::string message(path);
  message += ": ";
  message += what;
  return Status::InvalidArgument(std::move(message));
}

std::string Member(std::string_view path, std::string_view name) {
  std::string out(path);
  out += '.';
  out += name;
  return out;
}

std::string Index(std::string_view path, size_t i) {
  std::string out(path);
  out += '[';
  out += std::to_string(i);
  out += ']';
  return out;
}

// Refuses members of `obj` not in `known`, naming the first one.
Status OnlyKnown(const json::object& obj, std::string_view path,
                 std::initializer_list<std::string_view> known, std::string_view hint) {
  for (const auto& [name, value] : obj) {
    bool found = false;
    for (std::string_view k : known) found = found || name == k;
    if (!found) {
      std::string what = "unknown member '";
      // Keys are shown cut short: they come from the client and may be huge.
      what += std::string_view(name).substr(0, 64);
      what += "' (";
      what += hint;
      what += ')';
      return Error(path, what);
    }
  }
  return Status::Ok();
}

Status ReadScalar(const json::value& v, std::string_view path, FieldValue* out) {
  switch (v.kind()) {
    case json::kind::string:
      *out = std::string(v.get_string());
      return Status::Ok();
    case json::kind::int64:
      *out = static_cast<double>(v.get_int64());
      return Status::Ok();
    case json::kind::uint64:
      *out = static_cast<double>(v.get_uint64());
      return Status::Ok();
    case json::kind::double_:
      *out = v.get_double();
      return Status::Ok();
    case json::kind::bool_:
      *out = v.get_bool();
      return Status::Ok();
    default:
      return Error(path, "must be a string, number or boolean");
  }
}

Status ReadNumber(const json::value& v, std::string_view path, std::optional<double>* out) {
  if (v.is_int64()) {
    *out = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    *out = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    *out = v.get_double();
  } else {
    return Error(path, "must be a number");
  }
  return Status::Ok();
}

class FilterReader {
 public:
  Status ReadFilter(const json::value& v, const std::string& path, size_t depth, Filter* out) {
    if (depth > FilterLimits::kMaxDepth) {
      return Error(
          path, "filters nest deeper than " + std::to_string(FilterLimits::kMaxDepth) + " levels");
    }
    if (!v.is_object()) return Error(path, "must be a JSON object");
    const json::object& obj = v.get_object();
    QUARRY_RETURN_IF_ERROR(OnlyKnown(obj, path, {"must", "should", "must_not"},
                                     "a filter has must, should and must_not"));
    QUARRY_RETURN_IF_ERROR(ReadList(obj, "must", path, depth, &out->must));
    QUARRY_RETURN_IF_ERROR(ReadList(obj, "should", path, depth, &out->should));
    return ReadList(obj, "must_not", path, depth, &out->must_not);
  }

 private:
  Status ReadList(const json::object& obj, std::string_view name, const std::string& parent,
                  size_t depth, std::vector<Condition>* out) {
    const json::value* v = obj.if_contains(name);
    if (v == nullptr) return Status::Ok();
    const std::string path = Member(parent, name);
    if (v->is_object()) return ReadOne(*v, path, depth, out);  // a single clause
    if (!v->is_array()) return Error(path, "must be an array of conditions");
    const json::array& list = v->get_array();
    // Counted before any clause is read, so a huge list costs nothing.
    if (list.size() > FilterLimits::kMaxConditions - conditions_) return TooMany(path);
    out->reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      QUARRY_RETURN_IF_ERROR(ReadOne(list[i], Index(path, i), depth, out));
    }
    return Status::Ok();
  }

  Status TooMany(std::string_view path) const {
    return Error(path, "a filter may hold at most " + std::to_string(FilterLimits::kMaxConditions) +
                           " conditions");
  }

  Status ReadOne(const json::value& v, const std::string& path, size_t depth,
                 std::vector<Condition>* out) {
    if (conditions_ >= FilterLimits::kMaxConditions) return TooMany(path);
    ++conditions_;
    if (!v.is_object()) return Error(path, "must be a JSON object (a condition or a filter)");
    const json::object& obj = v.get_object();
    if (!obj.contains("key")) {
      Filter nested;
      QUARRY_RETURN_IF_ERROR(ReadFilter(v, path, depth + 1, &nested));
      out->push_back(Nested(std::move(nested)));
      return Status::Ok();
    }
    QUARRY_RETURN_IF_ERROR(
        OnlyKnown(obj, path, {"key", "match", "range"}, "a condition has key and match or range"));
    const json::value& key_value = obj.at("key");
    if (!key_value.is_string() || key_value.get_string().empty()) {
      return Error(Member(path, "key"), "must be a non-empty string");
    }
    if (key_value.get_string().size() > FilterLimits::kMaxKeyBytes) {
      return Error(Member(path, "key"),
                   "must be at most " + std::to_string(FilterLimits::kMaxKeyBytes) + " bytes");
    }
    std::string key(key_value.get_string());
    const json::value* match = obj.if_contains("match");
    const json::value* range = obj.if_contains("range");
    if ((match == nullptr) == (range == nullptr)) {
      return Error(path, "a condition needs exactly one of match and range");
    }
    if (match != nullptr) return ReadMatch(*match, Member(path, "match"), std::move(key), out);
    return ReadRange(*range, Member(path, "range"), std::move(key), out);
  }

  static Status ReadMatch(const json::value& v, const std::string& path, std::string key,
                          std::vector<Condition>* out) {
    if (!v.is_object()) return Error(path, "must be an object with value or any");
    const json::object& obj = v.get_object();
    QUARRY_RETURN_IF_ERROR(OnlyKnown(obj, path, {"value", "any"}, "match takes value or any"));
    const json::value* value = obj.if_contains("value");
    const json::value* any = obj.if_contains("any");
    if ((value == nullptr) == (any == nullptr)) {
      return Error(path, "match needs exactly one of value and any");
    }
    if (value != nullptr) {
      FieldValue fv;
      QUARRY_RETURN_IF_ERROR(ReadScalar(*value, Member(path, "value"), &fv));
      out->push_back(MatchValue(std::move(key), std::move(fv)));
      return Status::Ok();
    }
    const std::string any_path = Member(path, "any");
    if (!any->is_array()) return Error(any_path, "must be an array");
    const json::array& list = any->get_array();
    if (list.size() > FilterLimits::kMaxAnyValues) {
      return Error(any_path,
                   "may hold at most " + std::to_string(FilterLimits::kMaxAnyValues) + " values");
    }
    std::vector<FieldValue> values(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      QUARRY_RETURN_IF_ERROR(ReadScalar(list[i], Index(any_path, i), &values[i]));
    }
    out->push_back(MatchAny(std::move(key), std::move(values)));
    return Status::Ok();
  }

  static Status ReadRange(const json::value& v, const std::string& path, std::string key,
                          std::vector<Condition>* out) {
    if (!v.is_object()) return Error(path, "must be an object with gt, gte, lt or lte");
    const json::object& obj = v.get_object();
    QUARRY_RETURN_IF_ERROR(
        OnlyKnown(obj, path, {"gt", "gte", "lt", "lte"}, "range takes gt, gte, lt and lte"));
    if (obj.empty()) return Error(path, "needs at least one of gt, gte, lt and lte");
    RangeCondition range{.key = std::move(key)};
    const std::pair<std::string_view, std::optional<double>*> bounds[] = {
        {"gt", &range.gt}, {"gte", &range.gte}, {"lt", &range.lt}, {"lte", &range.lte}};
    for (const auto& [name, bound] : bounds) {
      if (const json::value* b = obj.if_contains(name)) {
        QUARRY_RETURN_IF_ERROR(ReadNumber(*b, Member(path, name), bound));
      }
    }
    out->push_back(std::move(range));
    return Status::Ok();
  }

  size_t conditions_ = 0;
};

Result<Filter> ReadRoot(const json::value& value) {
  Filter filter;
  FilterReader reader;
  QUARRY_RETURN_IF_ERROR(reader.ReadFilter(value, std::string(kRoot), 1, &filter));
  return filter;
}

}  // namespace

Result<Filter> ParseFilter(const boost::json::value& value) {
  try {
    return ReadRoot(value);
  } catch (const std::exception& e) {  // only bad_alloc can get here
    return Status::ResourceExhausted(std::string("filter: ") + e.what());
  }
}

Result<Filter> ParseFilterJson(std::string_view text) {
  if (text.size() > FilterLimits::kMaxJsonBytes) {
    return Error(
        kRoot, "must be at most " + std::to_string(FilterLimits::kMaxJsonBytes) + " bytes of JSON");
  }
  json::parse_options options;
  // A filter of the deepest allowed nesting is 2 JSON levels per filter
  // level plus 4 for a condition with an "any" list; anything deeper is
  // refused by the parser before it builds anything.
  options.max_depth = 2 * FilterLimits::kMaxDepth + 4;
  boost::system::error_code ec;
  json::value value;
  try {
    value = json::parse(text, ec, {}, options);
  } catch (const std::exception& e) {
    return Status::ResourceExhausted(std::string("filter: ") + e.what());
  }
  if (ec == json::error::too_deep) {
    return Error(kRoot,
                 "filters nest deeper than " + std::to_string(FilterLimits::kMaxDepth) + " levels");
  }
  if (ec) return Error(kRoot, "not valid JSON: " + ec.message());
  return ParseFilter(value);
}

}  // namespace quarry::search
