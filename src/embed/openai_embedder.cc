#include "embed/openai_embedder.h"

#include <cstdlib>
#include <thread>
#include <vector>

#include "embed/openai_protocol.h"
#include "embed/token_estimate.h"
#include "vector/distance.h"

namespace quarry::embed {
namespace {

// Room for the JSON of one answer: about 20 bytes a number, plus headroom for
// `usage`, `model` and generous formatting. Anything larger is refused.
size_t MaxResponseBytes(size_t count, uint32_t dimensions) {
  return (1u << 20) + count * dimensions * 32;
}

}  // namespace

Result<std::unique_ptr<OpenAiEmbedder>> OpenAiEmbedder::Create(OpenAiEmbedderOptions options) {
  QUARRY_ASSIGN_OR_RETURN(HttpUrl url, ParseEmbeddingsUrl(options.base_url));
  if (options.dimensions == 0 || options.max_batch == 0 || options.model.empty()) {
    return Status::InvalidArgument("openai embedder: model, dimensions and max_batch are required");
  }
  if (!options.sleep) {
    options.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
  return std::unique_ptr<OpenAiEmbedder>(new OpenAiEmbedder(std::move(options), std::move(url)));
}

Result<OpenAiEmbedderOptions> OpenAiEmbedder::OptionsFromConfig(const EmbedderConfig& config) {
  OpenAiEmbedderOptions options;
  options.base_url = config.base_url;
  options.model = config.model;
  options.dimensions = config.dimensions;
  options.max_batch = config.max_batch;
  options.max_tokens = config.max_tokens;
  options.timeout = std::chrono::milliseconds(config.timeout_ms);
  options.retry.max_retries = config.max_retries;
  options.use_api_key_header = config.api_key_header == "api-key";
  if (!config.api_key_env.empty()) {
    const char* key = std::getenv(config.api_key_env.c_str());
    if (key == nullptr || *key == '\0') {
      return Status::FailedPrecondition("embedder.api_key_env: the environment variable " +
                                        config.api_key_env + " is not set");
    }
    options.api_key = key;
  }
  return options;
}

OpenAiEmbedder::OpenAiEmbedder(OpenAiEmbedderOptions options, HttpUrl url)
    : options_(std::move(options)),
      url_(std::move(url)),
      auth_value_(options_.api_key.empty()         ? ""
                  : options_.use_api_key_header ? options_.api_key
                                            : "Bearer " + options_.api_key),
      where_(std::string("openai embedder at ") + url_.scheme() + "://" + url_.authority() + url_.target + " (model " +
             options_.model + ")"),
      client_(url_.host, url_.port, url_.tls) {}

std::string OpenAiEmbedder::fingerprint() const {
  return "openai-v1/" + url_.host + "/" + options_.model + "/d" +
         std::to_string(options_.dimensions);
}

size_t OpenAiEmbedder::CountTokens(std::string_view text) const { return EstimateTokens(text); }

std::string OpenAiEmbedder::Redact(std::string message) const {
  const std::string& key = options_.api_key;
  if (key.empty()) return message;
  for (size_t at = message.find(key); at != std::string::npos; at = message.find(key, at)) {
    message.replace(at, key.size(), "[redacted]");
  }
  return message;
}

Status OpenAiEmbedder::Embed(std::span<const std::string_view> texts, EmbedPurpose /*purpose*/,
                             std::span<float> out) const {
  const uint32_t dims = options_.dimensions;
  if (out.size() != texts.size() * dims) {
    return Status::InvalidArgument("Embed: output size does not match texts x dimensions");
  }
  std::vector<size_t> sent;  // positions of the non-empty texts
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].empty()) {
      std::fill_n(out.begin() + static_cast<ptrdiff_t>(i * dims), dims, 0.0f);
    } else {
      sent.push_back(i);
    }
  }
  std::mt19937_64 rng(std::random_device{}());
  std::vector<std::string_view> batch;
  std::vector<float> vectors;
  for (size_t start = 0; start < sent.size(); start += options_.max_batch) {
    const size_t n = std::min<size_t>(options_.max_batch, sent.size() - start);
    batch.assign(n, {});
    for (size_t j = 0; j < n; ++j) batch[j] = texts[sent[start + j]];
    vectors.assign(n * dims, 0.0f);
    QUARRY_RETURN_IF_ERROR(EmbedBatch(batch, vectors, rng));
    for (size_t j = 0; j < n; ++j) {
      std::span<float> row = out.subspan(sent[start + j] * dims, dims);
      std::copy_n(vectors.begin() + static_cast<ptrdiff_t>(j * dims), dims, row.begin());
      vector::NormalizeL2(row);
    }
  }
  return Status::Ok();
}

Status OpenAiEmbedder::EmbedBatch(std::span<const std::string_view> texts, std::span<float> out,
                                  std::mt19937_64& rng) const {
  const std::string body = BuildEmbeddingsRequest(options_.model, texts);
  HttpPost post;
  post.target = url_.target;
  post.body = body;
  post.auth_header = options_.use_api_key_header ? "api-key" : "Authorization";
  post.auth_value = auth_value_;
  post.timeout = options_.timeout;
  post.max_response_bytes = MaxResponseBytes(texts.size(), options_.dimensions);
  for (uint32_t attempt = 0;; ++attempt) {
    Result<HttpResponse> response = client_.Post(post);
    std::optional<std::chrono::seconds> retry_after;
    Status failure;
    if (!response.ok()) {
      if (response.status().code() != StatusCode::kUnavailable) {
        return Status(response.status().code(), Redact(where_ + ": " + response.status().message()));
      }
      failure = response.status();
    } else if (response->status == 200) {
      Status parsed = ParseEmbeddingsResponse(response->body, texts.size(), options_.dimensions, out);
      if (parsed.ok()) return parsed;
      return Status(parsed.code(), Redact(where_ + ": " + parsed.message()));
    } else {
      const std::string said = "the service answered HTTP " + std::to_string(response->status) +
                               ": " + ServiceErrorMessage(response->body);
      if (!IsRetryableHttpStatus(response->status)) {
        return Status::FailedPrecondition(Redact(where_ + ": " + said));
      }
      failure = Status::Unavailable(said);
      retry_after = ParseRetryAfterSeconds(response->retry_after);
    }
    if (attempt >= options_.retry.max_retries) {
      return Status::Unavailable(Redact(where_ + ": " + failure.message() + " (gave up after " +
                                        std::to_string(attempt + 1) + " attempts)"));
    }
    options_.sleep(BackoffDelay(options_.retry, attempt, retry_after, rng));
  }
}

}  // namespace quarry::embed
