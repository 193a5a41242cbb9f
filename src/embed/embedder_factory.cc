#include "embed/embedder_factory.h"

#include "base/env.h"
#include "embed/lexical_embedder.h"
#include "embed/local_embedder.h"

namespace quarry::embed {

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
          LocalEmbedder::Load(*env, config.model, options);
      if (!local.ok()) return local.status().WithContext("embedder.model " + config.model);
      if (config.dimensions != 0 && config.dimensions != (*local)->dimensions()) {
        return Status::InvalidArgument(
            "embedder.dimensions is " + std::to_string(config.dimensions) + " but the model at " +
            config.model + " makes vectors of " + std::to_string((*local)->dimensions()));
      }
      return std::unique_ptr<Embedder>(std::move(local).value());
    }
  }
  return Status::NotSupported("unknown embedder kind");
}

}  // namespace quarry::embed
