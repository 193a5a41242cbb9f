#include "embed/openai_protocol.h"

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <vector>

namespace quarry::embed {
namespace {

namespace json = boost::json;

Status Bad(std::string what) {
  return Status::Corruption("embeddings response: " + std::move(what));
}

Status ReadItem(const json::value& item, size_t position, size_t count, uint32_t dimensions,
                std::vector<bool>& seen, std::span<float> out) {
  const std::string where = "data[" + std::to_string(position) + "]";
  if (!item.is_object()) return Bad(where + " is not an object");
  const json::object& obj = item.get_object();
  const json::value* index = obj.if_contains("index");
  if (index == nullptr || !(index->is_int64() || index->is_uint64())) {
    return Bad(where + ".index is missing or not an integer");
  }
  const bool negative = index->is_int64() && index->get_int64() < 0;
  const uint64_t i = negative ? 0 : index->to_number<uint64_t>();
  if (negative || i >= count) {
    return Bad(where + ".index is out of range (" + std::to_string(count) + " inputs)");
  }
  if (seen[i]) return Bad("index " + std::to_string(i) + " appears twice");
  seen[i] = true;
  const json::value* embedding = obj.if_contains("embedding");
  if (embedding == nullptr || !embedding->is_array()) {
    return Bad(where + ".embedding is missing or not a list of numbers (base64 is not accepted)");
  }
  const json::array& values = embedding->get_array();
  if (values.size() != dimensions) {
    return Bad(where + ".embedding has " + std::to_string(values.size()) +
               " values but embedder.dimensions is " + std::to_string(dimensions));
  }
  float* dst = out.data() + i * dimensions;
  for (size_t d = 0; d < values.size(); ++d) {
    if (!values[d].is_number()) return Bad(where + ".embedding holds a non-number");
    const double v = values[d].to_number<double>();
    if (!std::isfinite(v) || std::fabs(v) > std::numeric_limits<float>::max()) {
      return Bad(where + ".embedding holds a value that is not a finite float32");
    }
    dst[d] = static_cast<float>(v);
  }
  return Status::Ok();
}

}  // namespace

std::string BuildEmbeddingsRequest(std::string_view model, std::span<const std::string_view> texts) {
  json::array input;
  input.reserve(texts.size());
  for (std::string_view text : texts) input.emplace_back(json::string(text));
  json::object body;
  body["model"] = model;
  body["input"] = std::move(input);
  body["encoding_format"] = "float";
  return json::serialize(body);
}

Status ParseEmbeddingsResponse(std::string_view body, size_t count, uint32_t dimensions,
                               std::span<float> out) {
  try {
    boost::system::error_code ec;
    json::value root = json::parse(body, ec);
    if (ec) return Bad("not JSON (" + ec.message() + ")");
    if (!root.is_object()) return Bad("not a JSON object");
    const json::value* data = root.get_object().if_contains("data");
    if (data == nullptr || !data->is_array()) return Bad("no 'data' list");
    const json::array& items = data->get_array();
    if (items.size() != count) {
      return Bad(std::to_string(items.size()) + " embeddings for " + std::to_string(count) +
                 " inputs");
    }
    std::vector<bool> seen(count);
    for (size_t p = 0; p < items.size(); ++p) {
      QUARRY_RETURN_IF_ERROR(ReadItem(items[p], p, count, dimensions, seen, out));
    }
    return Status::Ok();  // count items, all indexes distinct and < count: all seen
  } catch (const std::exception& e) {
    return Bad(e.what());
  }
}

std::string ServiceErrorMessage(std::string_view body, size_t max_bytes) {
  std::string message(body);
  try {
    boost::system::error_code ec;
    json::value root = json::parse(body, ec);
    const json::value* error = !ec && root.is_object() ? root.get_object().if_contains("error")
                                                       : nullptr;
    if (error != nullptr && error->is_string()) {
      message = std::string(error->get_string());
    } else if (error != nullptr && error->is_object()) {
      const json::value* m = error->get_object().if_contains("message");
      if (m != nullptr && m->is_string()) message = std::string(m->get_string());
    }
  } catch (const std::exception&) {
    // keep the raw body
  }
  if (message.size() > max_bytes) {
    size_t cut = max_bytes;  // not inside a UTF-8 sequence
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
    message = message.substr(0, cut) + "...";
  }
  for (char& c : message) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return message;
}

}  // namespace quarry::embed
