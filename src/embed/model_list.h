// ListModels: `quarry models list`: the model folders of a models directory
// ("name" or "owner/name", the layout embedder_policy.h and model_pull.h
// use), each with its width and whether a pull verified it.
//
// "verified" means quarry-model.json is there (written only after every file
// passed its checksums) and every file it lists is present with its size;
// the bytes are not hashed again here (hundreds of MB per model).
//
// Thread-safety: pure function over the file system.
#ifndef QUARRY_EMBED_MODEL_LIST_H_
#define QUARRY_EMBED_MODEL_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "quarry/status.h"

namespace quarry::embed {

enum class ModelCheck {
  kNone,      // no quarry-model.json: a folder supplied by hand
  kVerified,  // pulled and verified; every listed file present with its size
  kChanged,   // quarry-model.json lists a file that is missing or has another size
};

struct ModelEntry {
  std::string id;      // "owner/name" or "name"
  std::string folder;  // its path
  uint32_t dimensions = 0;  // 0 when unknown
  ModelCheck check = ModelCheck::kNone;
  std::string commit;  // from quarry-model.json
  uint64_t bytes = 0;  // regular files in the folder, recursively
};

// Folders holding config.json or model.safetensors, one or two levels down,
// sorted by id; hidden entries (pulls in progress) are skipped. NotFound
// when `models_dir` does not exist.
Result<std::vector<ModelEntry>> ListModels(const std::string& models_dir);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_MODEL_LIST_H_
