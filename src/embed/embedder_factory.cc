#include "embed/embedder_factory.h"

#include "base/env.h"
#include "embed/embed_batcher.h"
#include "embed/lexical_embedder.h"
#include "embed/local_embedder.h"
#include "embed/openai_embedder.h"
#include "embed/static_embedder.h"

namespace quarry::embed {
namespace {

// A model folder decides its width; a configured width must agree with it.
Result<std::unique_ptr<Embedder>> CheckModelWidth(const EmbedderConfig& config,
                                                  std::unique_ptr<Embedder> model) {
  if (config.dimensions != 0 && config.dimensions != model->dimensions()) {
    return Status::InvalidArgument(
        "embedder.dimensions is " + std::to_string(config.dimensions) + " but the model at " +
        config.model + " makes vectors of " + std::to_string(model->dimensions()));
  }
  return model;
}

Result<std::unique_ptr<Embedder>> Batched(std::shared_ptr<const Embedder> inner,
                                          EmbedBatcherOptions options) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<EmbedBatcher> batcher,
                          EmbedBatcher::Create(std::move(inner), options));
  return std::unique_ptr<Embedder>(std::move(batcher));
}

}  // namespace

Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbedderConfig& config) {
  switch (config.kind) {
    case EmbedderKind::kLexical:
      return std::unique_ptr<Embedder>(std::make_unique<LexicalEmbedder>(config.dimensions));
    case EmbedderKind::kLocal: {
      std::shared_ptr<Env> env = NewPosixEnv();
      BertEncoderOptions options;
      options.precision = config.precision == EmbedderPrecision::kInt8 ? Precision::kInt8
                                                                      : Precision::kFloat32;
      Result<std::unique_ptr<LocalEmbedder>> local =
          LocalEmbedder::Load(*env, config.model, options,
                              LocalPrompts{config.query_prompt, config.document_prompt});
      if (!local.ok()) return local.status().WithContext("embedder.model " + config.model);
      QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<Embedder> model,
                              CheckModelWidth(config, std::move(local).value()));
      // Concurrent searches and ingestion share the encoder through one
      // batcher, so simultaneous queries run as one batch.
      return Batched(std::move(model), EmbedBatcherOptions{});
    }
    case EmbedderKind::kStatic: {
      std::shared_ptr<Env> env = NewPosixEnv();
      Result<std::unique_ptr<StaticEmbedder>> model = StaticEmbedder::Load(*env, config.model);
      if (!model.ok()) return model.status().WithContext("embedder.model " + config.model);
      return CheckModelWidth(config, std::move(model).value());
    }
    case EmbedderKind::kOpenAi: {
      QUARRY_ASSIGN_OR_RETURN(OpenAiEmbedderOptions options,
                              OpenAiEmbedder::OptionsFromConfig(config));
      QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<OpenAiEmbedder> remote,
                              OpenAiEmbedder::Create(std::move(options)));
      // Round trips overlap on four lanes; requests stay within the service's batch.
      EmbedBatcherOptions batching;
      batching.lanes = 4;
      batching.max_batch = config.max_batch;
      return Batched(std::move(remote), batching);
    }
  }
  return Status::NotSupported("unknown embedder kind");
}

}  // namespace quarry::embed
