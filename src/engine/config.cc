// Validation and names for the configuration types of include/quarry/options.h.
#include <cmath>
#include <string>
#include <utility>

#include "quarry/options.h"
#include "text/utf8.h"

namespace quarry {

std::string_view EmbedderPrecisionName(EmbedderPrecision precision) {
  return precision == EmbedderPrecision::kInt8 ? "int8" : "float32";
}

std::string_view EmbedderKindName(EmbedderKind kind) {
  switch (kind) {
    case EmbedderKind::kLexical:
      return "lexical";
    case EmbedderKind::kLocal:
      return "local";
    case EmbedderKind::kStatic:
      return "static";
    case EmbedderKind::kOpenAi:
      return "openai";
  }
  return "unknown";
}

std::string_view ChunkingStrategyName(ChunkingStrategy strategy) {
  switch (strategy) {
    case ChunkingStrategy::kStructure:
      return "structure";
    case ChunkingStrategy::kSemantic:
      return "semantic";
  }
  return "unknown";
}

std::string_view MetricName(Metric metric) {
  switch (metric) {
    case Metric::kCosine:
      return "cosine";
  }
  return "unknown";
}

std::string_view QuantizationModeName(QuantizationMode mode) {
  switch (mode) {
    case QuantizationMode::kNone:
      return "none";
    case QuantizationMode::kInt8:
      return "int8";
    case QuantizationMode::kBinary:
      return "binary";
    case QuantizationMode::kAuto:
      return "auto";
  }
  return "unknown";
}

std::string_view FsyncPolicyName(FsyncPolicy policy) {
  switch (policy) {
    case FsyncPolicy::kAlways:
      return "always";
    case FsyncPolicy::kInterval:
      return "interval";
    case FsyncPolicy::kNever:
      return "never";
  }
  return "unknown";
}

namespace {

template <typename T, typename U>
Status CheckRange(std::string_view field, T value, U lo, U hi) {
  if (value >= lo && value <= hi) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + " must be between " + std::to_string(lo) +
                                 " and " + std::to_string(hi) + ", got " + std::to_string(value));
}

bool IsEnvVarName(std::string_view name) {
  if (name.empty() || name.size() > 128 || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

// The remote embedder's fields; the URL itself is parsed (and refused with a
// precise message) where the embedder is made, in embed/.
Status ValidateOpenAiFields(const EmbedderConfig& e) {
  if (e.base_url.empty()) {
    return Status::InvalidArgument("embedder.base_url is required for type openai");
  }
  if (e.dimensions == 0) {
    return Status::InvalidArgument(
        "embedder.dimensions is required for type openai (the service's vector width)");
  }
  if (e.base_url.size() > 2048) return Status::InvalidArgument("embedder.base_url is too long");
  if (e.model.empty() || e.model.size() > 256) {
    return Status::InvalidArgument(
        "embedder.model (the service's model name, 1 to 256 characters) is required for type "
        "openai");
  }
  if (!e.api_key_env.empty() && !IsEnvVarName(e.api_key_env)) {
    return Status::InvalidArgument(
        "embedder.api_key_env must name an environment variable ([A-Za-z_][A-Za-z0-9_]*), not "
        "hold the key");
  }
  if (e.api_key_header != "authorization" && e.api_key_header != "api-key") {
    return Status::InvalidArgument(
        "embedder.api_key_header must be \"authorization\" (Authorization: Bearer KEY) or "
        "\"api-key\" (Azure OpenAI)");
  }
  QUARRY_RETURN_IF_ERROR(CheckRange("embedder.max_batch", e.max_batch, 1u, kMaxEmbedderBatch));
  QUARRY_RETURN_IF_ERROR(CheckRange("embedder.timeout_ms", e.timeout_ms, kMinEmbedderTimeoutMs,
                                    kMaxEmbedderTimeoutMs));
  QUARRY_RETURN_IF_ERROR(
      CheckRange("embedder.max_retries", e.max_retries, 0u, kMaxEmbedderRetries));
  return CheckRange("embedder.max_tokens", e.max_tokens, kMinTargetTokens, kMaxTargetTokens);
}

// A prompt override is text the model reads before each input; whether it
// leaves room for text is checked where the model's tokenizer is known.
Status ValidatePrompt(const EmbedderConfig& e, std::string_view field,
                      const std::optional<std::string>& prompt) {
  if (!prompt.has_value()) return Status::Ok();
  if (e.kind != EmbedderKind::kLocal) {
    return Status::InvalidArgument(std::string(field) +
                                   " is only for type local (a remote service's model takes "
                                   "its prompts on the service's side)");
  }
  if (prompt->size() > kMaxPromptBytes) {
    return Status::InvalidArgument(std::string(field) + " is longer than " +
                                   std::to_string(kMaxPromptBytes) + " bytes");
  }
  if (!text::IsValidUtf8(*prompt)) {
    return Status::InvalidArgument(std::string(field) + " is not valid UTF-8");
  }
  return Status::Ok();
}

Status ValidateEmbedderConfig(const EmbedderConfig& e) {
  const bool folder_model = e.kind == EmbedderKind::kLocal || e.kind == EmbedderKind::kStatic;
  if (folder_model && e.model.empty()) {
    return Status::InvalidArgument("embedder.model (the model folder) is required for type " +
                                   std::string(EmbedderKindName(e.kind)));
  }
  if (e.kind == EmbedderKind::kLexical && !e.model.empty()) {
    return Status::InvalidArgument("embedder.model is not for type lexical");
  }
  if (e.kind != EmbedderKind::kLocal && e.precision != EmbedderPrecision::kFloat32) {
    return Status::InvalidArgument("embedder.precision is only for type local");
  }
  QUARRY_RETURN_IF_ERROR(ValidatePrompt(e, "embedder.query_prompt", e.query_prompt));
  QUARRY_RETURN_IF_ERROR(ValidatePrompt(e, "embedder.document_prompt", e.document_prompt));
  if (e.kind == EmbedderKind::kOpenAi) {
    QUARRY_RETURN_IF_ERROR(ValidateOpenAiFields(e));
  } else if (!e.base_url.empty() || !e.api_key_env.empty() ||
             e.api_key_header != EmbedderConfig{}.api_key_header) {
    return Status::InvalidArgument(
        "embedder.base_url, embedder.api_key_env and embedder.api_key_header are only for type "
        "openai");
  }
  if (!folder_model || e.dimensions != 0) {
    QUARRY_RETURN_IF_ERROR(
        CheckRange("embedder.dimensions", e.dimensions, kMinDimensions, kMaxDimensions));
  }
  return Status::Ok();
}

// The percentile is checked whatever the strategy, so that a value given with
// the structure strategy (where it is unused) is still a sane one. Every
// embedder may chunk semantically, the lexical one included: its hashed bag
// of words measures lexical cohesion, the signal of TextTiling (Hearst 1997),
// which does move at topic changes (docs/design/chunking.md).
Status ValidateSemanticChunking(const ChunkingConfig& c) {
  if (!(c.breakpoint_percentile > 0 && c.breakpoint_percentile <= 100)) {
    return Status::InvalidArgument("chunking.breakpoint_percentile must be in (0, 100], got " +
                                   std::to_string(c.breakpoint_percentile));
  }
  return Status::Ok();
}

// The analyzer's language is checked where the analyzer is made (the engine
// knows which stemmers libstemmer has); here only the shape of the values.
Status ValidateKeywordConfig(const KeywordConfig& k) {
  if (k.language.empty() || k.language.size() > 32) {
    return Status::InvalidArgument("keyword.language must be a Snowball language name");
  }
  if (!(std::isfinite(k.k1) && k.k1 >= 0 && k.k1 <= 100)) {
    return Status::InvalidArgument("keyword.k1 must be between 0 and 100, got " +
                                   std::to_string(k.k1));
  }
  if (!(k.b >= 0 && k.b <= 1)) {
    return Status::InvalidArgument("keyword.b must be between 0 and 1, got " + std::to_string(k.b));
  }
  for (auto [name, w] : {std::pair{"keyword.title_weight", k.title_weight},
                         std::pair{"keyword.body_weight", k.body_weight}}) {
    if (!(std::isfinite(w) && w >= 0 && w <= 1000)) {
      return Status::InvalidArgument(std::string(name) + " must be between 0 and 1000, got " +
                                     std::to_string(w));
    }
  }
  if (k.title_weight == 0 && k.body_weight == 0) {
    return Status::InvalidArgument(
        "keyword.title_weight and keyword.body_weight must not both be 0");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateCollectionConfig(const CollectionConfig& config) {
  const auto range = [](std::string_view field, auto value, auto lo, auto hi) {
    return CheckRange(field, value, lo, hi);
  };
  QUARRY_RETURN_IF_ERROR(ValidateEmbedderConfig(config.embedder));
  QUARRY_RETURN_IF_ERROR(range("chunking.target_tokens", config.chunking.target_tokens,
                               kMinTargetTokens, kMaxTargetTokens));
  if (config.chunking.max_tokens != 0 &&
      config.chunking.max_tokens < config.chunking.target_tokens) {
    return Status::InvalidArgument("chunking.max_tokens (" +
                                   std::to_string(config.chunking.max_tokens) +
                                   ") must be 0 (the model's maximum) or at least target_tokens (" +
                                   std::to_string(config.chunking.target_tokens) + ")");
  }
  if (!(config.chunking.overlap >= 0.0 && config.chunking.overlap <= kMaxOverlap)) {
    return Status::InvalidArgument("chunking.overlap must be between 0 and " +
                                   std::to_string(kMaxOverlap) + ", got " +
                                   std::to_string(config.chunking.overlap));
  }
  QUARRY_RETURN_IF_ERROR(ValidateSemanticChunking(config.chunking));
  const VectorIndexConfig& v = config.vectors;
  QUARRY_RETURN_IF_ERROR(range("vectors.m", v.m, 2u, 128u));
  QUARRY_RETURN_IF_ERROR(range("vectors.ef_construct", v.ef_construct, v.m, 4096u));
  QUARRY_RETURN_IF_ERROR(range("vectors.ef", v.ef, 1u, 4096u));
  QUARRY_RETURN_IF_ERROR(
      range("vectors.full_scan_threshold", v.full_scan_threshold, 0u, 100000000u));
  if (!(v.quantile > 0.5 && v.quantile <= 1.0)) {
    return Status::InvalidArgument("vectors.quantile must be in (0.5, 1], got " +
                                   std::to_string(v.quantile));
  }
  if (!(v.oversampling == 0 || (v.oversampling >= 1 && v.oversampling <= 64))) {
    return Status::InvalidArgument(
        "vectors.oversampling must be 0 (the default) or between 1 "
        "and 64, got " +
        std::to_string(v.oversampling));
  }
  QUARRY_RETURN_IF_ERROR(
      range("storage.fsync_interval_ms", config.storage.fsync_interval_ms, 1u, 60000u));
  QUARRY_RETURN_IF_ERROR(
      range("storage.seal_rows", config.storage.seal_rows, kMinSealRows, kMaxSealRows));
  return ValidateKeywordConfig(config.keyword);
}

Status ValidateCollectionName(const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("collection name must be 1 to 64 characters");
  }
  if (name[0] == '-') return Status::InvalidArgument("collection name must not start with '-'");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("collection name '" + name +
                                     "' may contain only letters, digits, '_' and '-'");
    }
  }
  return Status::Ok();
}

}  // namespace quarry
