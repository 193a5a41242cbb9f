// Builds the embedder a collection's config names.
//
// Thread-safety: pure function.
#ifndef QUARRY_EMBED_EMBEDDER_FACTORY_H_
#define QUARRY_EMBED_EMBEDDER_FACTORY_H_

#include <memory>

#include "quarry/embedder.h"
#include "quarry/options.h"

namespace quarry::embed {

// REQUIRES: `config` passed ValidateCollectionConfig. For `local` and
// `static`, loads and validates the model folder (errors name the file) and
// checks dimensions. `local` and `openai` sit behind an EmbedBatcher
// (embed/embed_batcher.h): one lane for the in-process encoder, four for a
// service. For `openai`, reads the API key from the environment
// variable the config names and checks the URL; no request is sent.
Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbedderConfig& config);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_EMBEDDER_FACTORY_H_
