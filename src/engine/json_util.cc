#include "engine/json_util.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace quarry::engine {

Result<boost::json::value> ParseJson(std::string_view text, std::string_view what) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  if (ec) {
    return Status::InvalidArgument(std::string(what) + " is not valid JSON: " + ec.message());
  }
  return v;
}

Result<std::string> CanonicalJsonObject(std::string_view text, std::string_view what) {
  QUARRY_ASSIGN_OR_RETURN(boost::json::value v, ParseJson(text, what));
  if (!v.is_object()) return Status::InvalidArgument(std::string(what) + " must be a JSON object");
  return boost::json::serialize(v);
}

}  // namespace quarry::engine
