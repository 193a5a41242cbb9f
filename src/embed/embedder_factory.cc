#include "embed/embedder_factory.h"

#include "embed/lexical_embedder.h"

namespace quarry::embed {

Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbedderConfig& config) {
  switch (config.kind) {
    case EmbedderKind::kLexical:
      return std::unique_ptr<Embedder>(std::make_unique<LexicalEmbedder>(config.dimensions));
  }
  return Status::NotSupported("unknown embedder kind");
}

}  // namespace quarry::embed
