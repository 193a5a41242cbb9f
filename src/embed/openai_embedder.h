// OpenAiEmbedder: the `openai` embedder, any service that speaks the OpenAI
// embeddings protocol (openai_protocol.h): OpenAI, Azure OpenAI (its
// "api-key" header: api_key_header), Ollama, vLLM, Hugging Face TEI, over
// http:// or verified https://.
//
// Embed splits its texts into requests of at most max_batch inputs, sends
// them one after another over a kept-alive connection, retries by
// RetryPolicy (retry_policy.h), checks every answer against the configured
// dimensions and L2-normalizes each vector (services differ on whether they
// do). Empty texts are not sent (OpenAI refuses them); they get the zero vector.
//
// Token counts: the service's tokenizer is unknown here, so CountTokens is
// the conservative estimate of token_estimate.h and max_tokens() is the
// configured `max_tokens` (default 512, the common limit of BERT-family
// models served by TEI and Ollama; OpenAI's models take 8191).
//
// The API key comes only from the environment variable the config names; it
// is sent as "Authorization: Bearer KEY" (or "api-key: KEY"), and never stored in the config, the
// fingerprint, logs or error messages (an error text that echoes it has it
// replaced by "[redacted]"). The fingerprint is "openai-v1/<host>/<model>/d<dims>".
//
// Thread-safety: immutable after Create apart from the HTTP client's
// connection pool, which is internally synchronized; all methods may run
// concurrently.
#ifndef QUARRY_EMBED_OPENAI_EMBEDDER_H_
#define QUARRY_EMBED_OPENAI_EMBEDDER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "embed/http_client.h"
#include "embed/http_url.h"
#include "embed/retry_policy.h"
#include "quarry/embedder.h"
#include "quarry/options.h"

namespace quarry::embed {

struct OpenAiEmbedderOptions {
  std::string base_url;
  std::string model;
  std::string api_key;  // the key itself; empty: no credential header
  // true: "api-key: KEY" (Azure OpenAI); false: "Authorization: Bearer KEY".
  bool use_api_key_header = false;
  uint32_t dimensions = 0;
  uint32_t max_batch = 96;
  uint32_t max_tokens = 512;
  std::chrono::milliseconds timeout{30000};
  RetryPolicy retry;
  // How long to wait between attempts; tests substitute a recorder.
  std::function<void(std::chrono::milliseconds)> sleep;
};

class OpenAiEmbedder final : public Embedder {
 public:
  // InvalidArgument / NotSupported for a bad base_url.
  static Result<std::unique_ptr<OpenAiEmbedder>> Create(OpenAiEmbedderOptions options);

  // The options of a collection's config, with the key read from the
  // environment variable it names (FailedPrecondition when that is unset).
  // REQUIRES: config.kind == EmbedderKind::kOpenAi, validated.
  static Result<OpenAiEmbedderOptions> OptionsFromConfig(const EmbedderConfig& config);

  std::string fingerprint() const override;
  uint32_t dimensions() const override { return options_.dimensions; }
  uint32_t max_tokens() const override { return options_.max_tokens; }
  bool semantic() const override { return true; }
  size_t CountTokens(std::string_view text) const override;
  Status Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
               std::span<float> out) const override;

 private:
  OpenAiEmbedder(OpenAiEmbedderOptions options, HttpUrl url);

  // One request for `texts` (all non-empty), with retries; fills `out`.
  Status EmbedBatch(std::span<const std::string_view> texts, std::span<float> out,
                    std::mt19937_64& rng) const;
  // `message` with every occurrence of the API key replaced.
  std::string Redact(std::string message) const;

  OpenAiEmbedderOptions options_;
  HttpUrl url_;
  std::string auth_value_;  // "Bearer KEY" or "KEY"
  std::string where_;  // "openai embedder at http[s]://host:port/target (model M)"
  HttpClient client_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_OPENAI_EMBEDDER_H_
