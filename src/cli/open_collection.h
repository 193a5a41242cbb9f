// Opening the engine and a collection for the one-shot CLI commands.
//
// Thread-safety: main thread only.
#ifndef QUARRY_CLI_OPEN_COLLECTION_H_
#define QUARRY_CLI_OPEN_COLLECTION_H_

#include <memory>
#include <string>

#include "quarry/engine.h"

namespace quarry::cli {

struct OpenedCollection {
  std::unique_ptr<Engine> engine;  // owns the data-directory lock; outlives the collection use
  std::shared_ptr<Collection> collection;
  bool created = false;
};

// Opens `data_dir` and the collection `name`; creates it with `config` when
// `create_with` is given and it does not exist yet.
Result<OpenedCollection> OpenCollection(const std::string& data_dir, const std::string& name,
                                        const CollectionConfig* create_with);

}  // namespace quarry::cli

#endif  // QUARRY_CLI_OPEN_COLLECTION_H_
