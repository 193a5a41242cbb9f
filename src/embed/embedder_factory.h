// Builds the embedder a collection's config names.
//
// Thread-safety: pure function.
#ifndef QUARRY_EMBED_EMBEDDER_FACTORY_H_
#define QUARRY_EMBED_EMBEDDER_FACTORY_H_

#include <memory>

#include "quarry/embedder.h"
#include "quarry/options.h"

namespace quarry::embed {

// REQUIRES: `config` passed ValidateCollectionConfig. For `local`, loads and
// validates the model folder (errors name the file) and checks dimensions, and
// puts it behind an EmbedBatcher (embed/embed_batcher.h) with default options.
Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbedderConfig& config);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_EMBEDDER_FACTORY_H_
