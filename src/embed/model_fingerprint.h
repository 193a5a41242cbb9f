// Pieces of the fingerprints of embedders that load a model folder.
//
// Thread-safety: pure functions.
#ifndef QUARRY_EMBED_MODEL_FINGERPRINT_H_
#define QUARRY_EMBED_MODEL_FINGERPRINT_H_

#include <string>

#include "embed/safetensors.h"

namespace quarry::embed {

// The last component of the folder path (".../all-MiniLM-L6-v2/" gives
// "all-MiniLM-L6-v2"): a readable name, not an identity (the weights hash is).
std::string ModelFolderId(const std::string& dir);

// The first 16 hex digits of the content hash of the whole weights file, so
// that different weights under the same folder name never share vectors.
std::string WeightsHash16(const SafetensorsFile& weights);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_MODEL_FINGERPRINT_H_
