// Reading fields of a parsed JSON report leniently: a missing or mistyped
// field reads as 0, "" or an empty object, so that rendering an older report
// never fails.
//
// Thread-safety: pure functions.
#ifndef QUARRY_BENCH_COMMON_JSON_FIELDS_H_
#define QUARRY_BENCH_COMMON_JSON_FIELDS_H_

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace quarry::bench {

double Num(const boost::json::object& o, std::string_view key);
std::string Str(const boost::json::object& o, std::string_view key);
bool Flag(const boost::json::object& o, std::string_view key);
const boost::json::object& Obj(const boost::json::object& o, std::string_view key);
const boost::json::array& Arr(const boost::json::object& o, std::string_view key);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_COMMON_JSON_FIELDS_H_
