// The JSON form of CollectionConfig (see include/quarry/options.h).
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <string>
#include <utility>

#include "engine/json_util.h"
#include "quarry/options.h"

namespace quarry {
namespace {

namespace json = boost::json;

// "'<path>' must be <what>". Built by appending: GCC 12 warns falsely
// (-Wrestrict, bug 105651) on "literal" + std::string at -O3.
Status MustBe(std::string_view path, std::string_view what) {
  std::string message = "'";
  message += path;
  message += "' must be ";
  message += what;
  return Status::InvalidArgument(std::move(message));
}

Status RejectUnknownKeys(const json::object& obj, std::string_view where,
                         std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : obj) {
    bool found = false;
    for (std::string_view k : known) found = found || (key == k);
    if (!found) {
      return Status::InvalidArgument("unknown field '" + std::string(where) + std::string(key) +
                                     "'");
    }
  }
  return Status::Ok();
}

Result<const json::object*> OptionalObject(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  if (v == nullptr) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return MustBe(key, "an object");
  return &v->get_object();
}

Status ReadUint32(const json::object& obj, std::string_view key, std::string_view path,
                  uint32_t* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return Status::Ok();
  if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() <= UINT32_MAX) {
    *out = static_cast<uint32_t>(v->get_int64());
  } else if (v->is_uint64() && v->get_uint64() <= UINT32_MAX) {
    *out = static_cast<uint32_t>(v->get_uint64());
  } else {
    return MustBe(path, "a non-negative integer");
  }
  return Status::Ok();
}

Status ReadDouble(const json::object& obj, std::string_view key, std::string_view path,
                  double* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_number()) return MustBe(path, "a number");
  *out = v->to_number<double>();
  return Status::Ok();
}

Status ReadBool(const json::object& obj, std::string_view key, std::string_view path, bool* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_bool()) return MustBe(path, "true or false");
  *out = v->get_bool();
  return Status::Ok();
}

// Reads a string field that must be one of the names of an enum.
template <typename E, size_t N>
Status ReadEnum(const json::object& obj, std::string_view key, std::string_view path,
                const std::array<E, N>& values, std::string_view (*name)(E), E* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return Status::Ok();
  std::string allowed;
  for (E e : values) {
    if (v->is_string() && v->get_string() == name(e)) {
      *out = e;
      return Status::Ok();
    }
    allowed += allowed.empty() ? "" : ", ";
    allowed += name(e);
  }
  return MustBe(path, "one of: " + allowed);
}

Status ReadVectors(const json::object& v, VectorIndexConfig* out) {
  QUARRY_RETURN_IF_ERROR(
      RejectUnknownKeys(v, "vectors.",
                        {"metric", "m", "ef_construct", "ef", "full_scan_threshold", "quantization",
                         "quantile", "rescore", "oversampling", "always_ram"}));
  if (const json::value* metric = v.if_contains("metric")) {
    if (!metric->is_string() || metric->get_string() != "cosine") {
      return Status::InvalidArgument("unsupported vectors.metric (available: cosine)");
    }
  }
  QUARRY_RETURN_IF_ERROR(ReadUint32(v, "m", "vectors.m", &out->m));
  QUARRY_RETURN_IF_ERROR(ReadUint32(v, "ef_construct", "vectors.ef_construct", &out->ef_construct));
  QUARRY_RETURN_IF_ERROR(ReadUint32(v, "ef", "vectors.ef", &out->ef));
  QUARRY_RETURN_IF_ERROR(ReadUint32(v, "full_scan_threshold", "vectors.full_scan_threshold",
                                    &out->full_scan_threshold));
  constexpr std::array kModes = {QuantizationMode::kNone, QuantizationMode::kInt8,
                                 QuantizationMode::kBinary, QuantizationMode::kAuto};
  QUARRY_RETURN_IF_ERROR(ReadEnum(v, "quantization", "vectors.quantization", kModes,
                                  &QuantizationModeName, &out->quantization));
  QUARRY_RETURN_IF_ERROR(ReadDouble(v, "quantile", "vectors.quantile", &out->quantile));
  QUARRY_RETURN_IF_ERROR(ReadBool(v, "rescore", "vectors.rescore", &out->rescore));
  QUARRY_RETURN_IF_ERROR(ReadBool(v, "always_ram", "vectors.always_ram", &out->always_ram));
  return ReadDouble(v, "oversampling", "vectors.oversampling", &out->oversampling);
}

Status ReadStorage(const json::object& s, StorageConfig* out) {
  QUARRY_RETURN_IF_ERROR(
      RejectUnknownKeys(s, "storage.",
                        {"fsync", "fsync_interval_ms", "seal_rows", "on_disk_vectors",
                         "on_disk_payload", "on_disk_graph"}));
  constexpr std::array kPolicies = {FsyncPolicy::kAlways, FsyncPolicy::kInterval,
                                    FsyncPolicy::kNever};
  QUARRY_RETURN_IF_ERROR(
      ReadEnum(s, "fsync", "storage.fsync", kPolicies, &FsyncPolicyName, &out->fsync));
  QUARRY_RETURN_IF_ERROR(
      ReadUint32(s, "fsync_interval_ms", "storage.fsync_interval_ms", &out->fsync_interval_ms));
  QUARRY_RETURN_IF_ERROR(ReadUint32(s, "seal_rows", "storage.seal_rows", &out->seal_rows));
  QUARRY_RETURN_IF_ERROR(
      ReadBool(s, "on_disk_vectors", "storage.on_disk_vectors", &out->on_disk_vectors));
  QUARRY_RETURN_IF_ERROR(
      ReadBool(s, "on_disk_graph", "storage.on_disk_graph", &out->on_disk_graph));
  return ReadBool(s, "on_disk_payload", "storage.on_disk_payload", &out->on_disk_payload);
}

Status ReadString(const json::object& obj, std::string_view key, std::string_view path,
                  std::string* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_string()) return MustBe(path, "a string");
  out->assign(v->get_string().data(), v->get_string().size());
  return Status::Ok();
}

Status ReadEmbedder(const json::object& e, EmbedderConfig* out) {
  QUARRY_RETURN_IF_ERROR(RejectUnknownKeys(
      e, "embedder.",
      {"type", "dimensions", "model", "precision", "query_prompt", "document_prompt", "base_url",
       "api_key_env", "api_key_header", "max_batch", "timeout_ms", "max_retries", "max_tokens"}));
  constexpr std::array kKinds = {EmbedderKind::kLexical, EmbedderKind::kLocal,
                                 EmbedderKind::kStatic, EmbedderKind::kOpenAi};
  QUARRY_RETURN_IF_ERROR(
      ReadEnum(e, "type", "embedder.type", kKinds, &EmbedderKindName, &out->kind));
  if (out->kind != EmbedderKind::kOpenAi) {
    for (std::string_view key :
         {"base_url", "api_key_env", "api_key_header", "max_batch", "timeout_ms", "max_retries",
          "max_tokens"}) {
      if (e.contains(key)) {
        return Status::InvalidArgument("'embedder." + std::string(key) +
                                       "' is only for type openai");
      }
    }
  }
  // Model folders decide their width and the service's must be given: no
  // default stands in for either.
  if (out->kind != EmbedderKind::kLexical) out->dimensions = 0;
  QUARRY_RETURN_IF_ERROR(ReadString(e, "model", "embedder.model", &out->model));
  constexpr std::array kPrecisions = {EmbedderPrecision::kFloat32, EmbedderPrecision::kInt8};
  QUARRY_RETURN_IF_ERROR(ReadEnum(e, "precision", "embedder.precision", kPrecisions,
                                  &EmbedderPrecisionName, &out->precision));
  QUARRY_RETURN_IF_ERROR(ReadUint32(e, "dimensions", "embedder.dimensions", &out->dimensions));
  for (auto [key, prompt] : {std::pair{"query_prompt", &out->query_prompt},
                             std::pair{"document_prompt", &out->document_prompt}}) {
    if (!e.contains(key)) continue;
    std::string value;
    QUARRY_RETURN_IF_ERROR(ReadString(e, key, "embedder." + std::string(key), &value));
    *prompt = std::move(value);
  }
  QUARRY_RETURN_IF_ERROR(ReadString(e, "base_url", "embedder.base_url", &out->base_url));
  QUARRY_RETURN_IF_ERROR(ReadString(e, "api_key_env", "embedder.api_key_env", &out->api_key_env));
  QUARRY_RETURN_IF_ERROR(
      ReadString(e, "api_key_header", "embedder.api_key_header", &out->api_key_header));
  QUARRY_RETURN_IF_ERROR(ReadUint32(e, "max_batch", "embedder.max_batch", &out->max_batch));
  QUARRY_RETURN_IF_ERROR(ReadUint32(e, "timeout_ms", "embedder.timeout_ms", &out->timeout_ms));
  QUARRY_RETURN_IF_ERROR(
      ReadUint32(e, "max_retries", "embedder.max_retries", &out->max_retries));
  return ReadUint32(e, "max_tokens", "embedder.max_tokens", &out->max_tokens);
}

Status ReadKeyword(const json::object& k, KeywordConfig* out) {
  QUARRY_RETURN_IF_ERROR(RejectUnknownKeys(
      k, "keyword.", {"language", "stopwords", "stem", "k1", "b", "title_weight", "body_weight"}));
  QUARRY_RETURN_IF_ERROR(ReadString(k, "language", "keyword.language", &out->language));
  QUARRY_RETURN_IF_ERROR(ReadBool(k, "stopwords", "keyword.stopwords", &out->stopwords));
  QUARRY_RETURN_IF_ERROR(ReadBool(k, "stem", "keyword.stem", &out->stem));
  QUARRY_RETURN_IF_ERROR(ReadDouble(k, "k1", "keyword.k1", &out->k1));
  QUARRY_RETURN_IF_ERROR(ReadDouble(k, "b", "keyword.b", &out->b));
  QUARRY_RETURN_IF_ERROR(ReadDouble(k, "title_weight", "keyword.title_weight", &out->title_weight));
  return ReadDouble(k, "body_weight", "keyword.body_weight", &out->body_weight);
}

}  // namespace

Result<CollectionConfig> CollectionConfigFromJson(std::string_view text) {
  CollectionConfig config;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return config;
  QUARRY_ASSIGN_OR_RETURN(json::value root, engine::ParseJson(text, "collection config"));
  if (!root.is_object()) return Status::InvalidArgument("collection config must be a JSON object");
  const json::object& obj = root.get_object();
  QUARRY_RETURN_IF_ERROR(
      RejectUnknownKeys(obj, "", {"embedder", "chunking", "vectors", "storage", "keyword"}));

  QUARRY_ASSIGN_OR_RETURN(const json::object* embedder, OptionalObject(obj, "embedder"));
  if (embedder != nullptr) {
    QUARRY_RETURN_IF_ERROR(ReadEmbedder(*embedder, &config.embedder));
  }

  QUARRY_ASSIGN_OR_RETURN(const json::object* chunking, OptionalObject(obj, "chunking"));
  if (chunking != nullptr) {
    QUARRY_RETURN_IF_ERROR(
        RejectUnknownKeys(*chunking, "chunking.",
                          {"target_tokens", "max_tokens", "overlap", "strategy",
                           "breakpoint_percentile"}));
    QUARRY_RETURN_IF_ERROR(ReadUint32(*chunking, "target_tokens", "chunking.target_tokens",
                                      &config.chunking.target_tokens));
    QUARRY_RETURN_IF_ERROR(
        ReadUint32(*chunking, "max_tokens", "chunking.max_tokens", &config.chunking.max_tokens));
    QUARRY_RETURN_IF_ERROR(
        ReadDouble(*chunking, "overlap", "chunking.overlap", &config.chunking.overlap));
    constexpr std::array kStrategies = {ChunkingStrategy::kStructure, ChunkingStrategy::kSemantic};
    QUARRY_RETURN_IF_ERROR(ReadEnum(*chunking, "strategy", "chunking.strategy", kStrategies,
                                    &ChunkingStrategyName, &config.chunking.strategy));
    QUARRY_RETURN_IF_ERROR(ReadDouble(*chunking, "breakpoint_percentile",
                                      "chunking.breakpoint_percentile",
                                      &config.chunking.breakpoint_percentile));
  }

  QUARRY_ASSIGN_OR_RETURN(const json::object* vectors, OptionalObject(obj, "vectors"));
  if (vectors != nullptr) QUARRY_RETURN_IF_ERROR(ReadVectors(*vectors, &config.vectors));
  QUARRY_ASSIGN_OR_RETURN(const json::object* storage, OptionalObject(obj, "storage"));
  if (storage != nullptr) QUARRY_RETURN_IF_ERROR(ReadStorage(*storage, &config.storage));
  QUARRY_ASSIGN_OR_RETURN(const json::object* keyword, OptionalObject(obj, "keyword"));
  if (keyword != nullptr) QUARRY_RETURN_IF_ERROR(ReadKeyword(*keyword, &config.keyword));
  QUARRY_RETURN_IF_ERROR(ValidateCollectionConfig(config));
  return config;
}

std::string CollectionConfigToJson(const CollectionConfig& config) {
  json::object root;
  root["embedder"] = {{"type", EmbedderKindName(config.embedder.kind)},
                      {"dimensions", config.embedder.dimensions}};
  const EmbedderConfig& e = config.embedder;
  json::object& embedder = root["embedder"].as_object();
  if (e.kind != EmbedderKind::kLexical) embedder["model"] = e.model;
  if (e.kind == EmbedderKind::kLocal) embedder["precision"] = EmbedderPrecisionName(e.precision);
  if (e.query_prompt) embedder["query_prompt"] = *e.query_prompt;
  if (e.document_prompt) embedder["document_prompt"] = *e.document_prompt;
  if (e.kind == EmbedderKind::kOpenAi) {
    embedder["base_url"] = e.base_url;
    embedder["api_key_env"] = e.api_key_env;
    embedder["api_key_header"] = e.api_key_header;
    embedder["max_batch"] = e.max_batch;
    embedder["timeout_ms"] = e.timeout_ms;
    embedder["max_retries"] = e.max_retries;
    embedder["max_tokens"] = e.max_tokens;
  }
  const ChunkingConfig& c = config.chunking;
  root["chunking"] = {
      {"target_tokens", c.target_tokens}, {"max_tokens", c.max_tokens}, {"overlap", c.overlap}};
  // Written only for the semantic strategy, so that the config of every
  // structure collection (and the state digest made from it) reads as before.
  if (c.strategy == ChunkingStrategy::kSemantic) {
    json::object& chunking = root["chunking"].as_object();
    chunking["strategy"] = ChunkingStrategyName(c.strategy);
    chunking["breakpoint_percentile"] = c.breakpoint_percentile;
  }
  const VectorIndexConfig& v = config.vectors;
  root["vectors"] = {{"metric", MetricName(v.metric)},
                     {"m", v.m},
                     {"ef_construct", v.ef_construct},
                     {"ef", v.ef},
                     {"full_scan_threshold", v.full_scan_threshold},
                     {"quantization", QuantizationModeName(v.quantization)},
                     {"quantile", v.quantile},
                     {"rescore", v.rescore},
                     {"oversampling", v.oversampling},
                     {"always_ram", v.always_ram}};
  const StorageConfig& st = config.storage;
  root["storage"] = {{"fsync", FsyncPolicyName(st.fsync)},
                     {"fsync_interval_ms", st.fsync_interval_ms},
                     {"seal_rows", st.seal_rows},
                     {"on_disk_vectors", st.on_disk_vectors},
                     {"on_disk_payload", st.on_disk_payload},
                     {"on_disk_graph", st.on_disk_graph}};
  const KeywordConfig& kw = config.keyword;
  root["keyword"] = {{"language", kw.language},
                     {"stopwords", kw.stopwords},
                     {"stem", kw.stem},
                     {"k1", kw.k1},
                     {"b", kw.b},
                     {"title_weight", kw.title_weight},
                     {"body_weight", kw.body_weight}};
  return json::serialize(root);
}

}  // namespace quarry
