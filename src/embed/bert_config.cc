#include "embed/bert_config.h"

#include <algorithm>

#include <boost/json.hpp>

namespace quarry::embed {
namespace {

namespace json = boost::json;

constexpr uint64_t kMaxConfigBytes = 1 << 20;

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value value;
  try {
    value = json::parse(text, ec);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string(what) + ": " + e.what());
  }
  if (ec) return Status::InvalidArgument(std::string(what) + ": not JSON: " + ec.message());
  if (!value.is_object()) return Status::InvalidArgument(std::string(what) + ": not an object");
  return std::move(value.as_object());
}

Status ReadCount(const json::object& obj, std::string_view key, uint32_t lo, uint32_t hi,
                 uint32_t* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return Status::InvalidArgument("config.json: " + std::string(key) + " missing");
  if (!v->is_int64() && !v->is_uint64()) {
    return Status::InvalidArgument("config.json: " + std::string(key) + " must be an integer");
  }
  const int64_t n = v->is_int64() ? v->as_int64() : static_cast<int64_t>(std::min<uint64_t>(v->as_uint64(), INT64_MAX));
  if (n < lo || n > hi) {
    return Status::InvalidArgument("config.json: " + std::string(key) + " = " + std::to_string(n) +
                                   " is outside [" + std::to_string(lo) + ", " +
                                   std::to_string(hi) + "]");
  }
  *out = static_cast<uint32_t>(n);
  return Status::Ok();
}

bool IsTrue(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

}  // namespace

Result<BertConfig> ParseBertConfig(std::string_view text) {
  QUARRY_ASSIGN_OR_RETURN(json::object obj, ParseObject(text, "config.json"));
  if (const json::value* type = obj.if_contains("model_type");
      type != nullptr && type->is_string() && *type != "bert") {
    return Status::NotSupported("config.json: model_type '" + std::string(type->as_string()) +
                                "' is not bert");
  }
  if (const json::value* act = obj.if_contains("hidden_act");
      act != nullptr && (!act->is_string() || *act != "gelu")) {
    return Status::NotSupported("config.json: hidden_act must be \"gelu\" (erf)");
  }
  if (const json::value* pos = obj.if_contains("position_embedding_type");
      pos != nullptr && (!pos->is_string() || *pos != "absolute")) {
    return Status::NotSupported("config.json: position_embedding_type must be \"absolute\"");
  }
  BertConfig c;
  QUARRY_RETURN_IF_ERROR(ReadCount(obj, "vocab_size", 1, 4'000'000, &c.vocab_size));
  QUARRY_RETURN_IF_ERROR(ReadCount(obj, "hidden_size", 1, 8192, &c.hidden_size));
  QUARRY_RETURN_IF_ERROR(ReadCount(obj, "num_hidden_layers", 1, 128, &c.num_layers));
  QUARRY_RETURN_IF_ERROR(ReadCount(obj, "num_attention_heads", 1, 256, &c.num_heads));
  QUARRY_RETURN_IF_ERROR(ReadCount(obj, "intermediate_size", 1, 65536, &c.intermediate_size));
  QUARRY_RETURN_IF_ERROR(
      ReadCount(obj, "max_position_embeddings", 2, 65536, &c.max_position_embeddings));
  c.type_vocab_size = 2;
  if (obj.contains("type_vocab_size")) {
    QUARRY_RETURN_IF_ERROR(ReadCount(obj, "type_vocab_size", 1, 1024, &c.type_vocab_size));
  }
  if (c.hidden_size % c.num_heads != 0) {
    return Status::InvalidArgument("config.json: hidden_size is not a multiple of num_attention_heads");
  }
  if (const json::value* eps = obj.if_contains("layer_norm_eps"); eps != nullptr) {
    if (!eps->is_number()) return Status::InvalidArgument("config.json: layer_norm_eps must be a number");
    const double e = eps->to_number<double>();
    if (!(e > 0 && e < 1)) return Status::InvalidArgument("config.json: layer_norm_eps out of range");
    c.layer_norm_eps = static_cast<float>(e);
  }
  c.max_seq_length = c.max_position_embeddings;
  return c;
}

Status ParsePoolingConfig(std::string_view text, BertConfig* config) {
  Result<json::object> parsed = ParseObject(text, "1_Pooling/config.json");
  if (!parsed.ok()) return parsed.status();
  const json::object& obj = *parsed;
  const bool cls = IsTrue(obj, "pooling_mode_cls_token");
  const bool mean = IsTrue(obj, "pooling_mode_mean_tokens");
  if (IsTrue(obj, "pooling_mode_max_tokens") || IsTrue(obj, "pooling_mode_mean_sqrt_len_tokens") ||
      IsTrue(obj, "pooling_mode_weightedmean_tokens") || IsTrue(obj, "pooling_mode_lasttoken") ||
      cls == mean) {
    return Status::NotSupported("1_Pooling/config.json: exactly one of mean or CLS pooling is supported");
  }
  config->pooling = cls ? Pooling::kCls : Pooling::kMean;
  return Status::Ok();
}

Status ParseSentenceTransformersPrompts(std::string_view text, BertConfig* config) {
  constexpr size_t kMaxPromptBytes = 1024;
  QUARRY_ASSIGN_OR_RETURN(json::object obj, ParseObject(text, "config_sentence_transformers.json"));
  const json::value* prompts = obj.if_contains("prompts");
  if (prompts == nullptr || prompts->is_null()) return Status::Ok();
  if (!prompts->is_object()) {
    return Status::InvalidArgument("config_sentence_transformers.json: prompts must be an object");
  }
  auto read = [&](std::string_view key, std::string* out) -> Status {
    const json::value* v = prompts->as_object().if_contains(key);
    if (v == nullptr) return Status::Ok();
    if (!v->is_string() || v->as_string().size() > kMaxPromptBytes) {
      return Status::InvalidArgument("config_sentence_transformers.json: prompts." +
                                     std::string(key) + " must be a string of at most " +
                                     std::to_string(kMaxPromptBytes) + " bytes");
    }
    *out = std::string(v->as_string());
    return Status::Ok();
  };
  QUARRY_RETURN_IF_ERROR(read("query", &config->query_prompt));
  for (std::string_view key : {"document", "passage", "corpus", "doc"}) {
    if (prompts->as_object().contains(key)) {
      QUARRY_RETURN_IF_ERROR(read(key, &config->document_prompt));
      break;
    }
  }
  return Status::Ok();
}

Result<BertConfig> LoadBertConfig(Env& env, const std::string& dir) {
  QUARRY_ASSIGN_OR_RETURN(std::string text, ReadFileToString(env, dir + "/config.json", kMaxConfigBytes));
  QUARRY_ASSIGN_OR_RETURN(BertConfig config, ParseBertConfig(text));
  const std::string pooling = dir + "/1_Pooling/config.json";
  if (env.FileExists(pooling)) {
    QUARRY_ASSIGN_OR_RETURN(std::string p, ReadFileToString(env, pooling, kMaxConfigBytes));
    QUARRY_RETURN_IF_ERROR(ParsePoolingConfig(p, &config));
  }
  const std::string sbert = dir + "/sentence_bert_config.json";
  if (env.FileExists(sbert)) {
    QUARRY_ASSIGN_OR_RETURN(std::string s, ReadFileToString(env, sbert, kMaxConfigBytes));
    QUARRY_ASSIGN_OR_RETURN(json::object obj, ParseObject(s, "sentence_bert_config.json"));
    if (const json::value* v = obj.if_contains("max_seq_length"); v != nullptr) {
      if (!v->is_int64() || v->as_int64() < 2) {
        return Status::InvalidArgument("sentence_bert_config.json: max_seq_length must be an integer >= 2");
      }
      config.max_seq_length = static_cast<uint32_t>(
          std::min<int64_t>(v->as_int64(), config.max_position_embeddings));
    }
  }
  const std::string st = dir + "/config_sentence_transformers.json";
  if (env.FileExists(st)) {
    QUARRY_ASSIGN_OR_RETURN(std::string s, ReadFileToString(env, st, kMaxConfigBytes));
    QUARRY_RETURN_IF_ERROR(ParseSentenceTransformersPrompts(s, &config));
  }
  return config;
}

}  // namespace quarry::embed
