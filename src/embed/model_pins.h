// Checksums compiled into Quarry for well-known models: a pinned file must
// match its pin whatever the hub says, so a hub (or a mirror given with
// --hub-url / HF_ENDPOINT) that serves other bytes under a known name is
// caught. The pins of sentence-transformers/all-MiniLM-L6-v2 come from
// shared/DATA_PROVENANCE.md section 1 (the published Git-LFS pointer for
// model.safetensors; the git blobs of the configs, agreed on by three copies).
//
// Thread-safety: pure functions over constant data.
#ifndef QUARRY_EMBED_MODEL_PINS_H_
#define QUARRY_EMBED_MODEL_PINS_H_

#include <cstdint>
#include <string_view>

namespace quarry::embed {

struct PinnedFile {
  std::string_view repo;
  std::string_view name;
  uint64_t size;
  std::string_view sha256;  // lowercase hex
};

// The pin of `name` in `repo`, or nullptr.
const PinnedFile* FindPin(std::string_view repo, std::string_view name);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_MODEL_PINS_H_
