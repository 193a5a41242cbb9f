#include "engine_registry.h"

namespace quarry::bench {

const std::vector<std::string>& KnownEngines() {
  static const std::vector<std::string> kNames = {
      "flat",        "hnswlib",   "faiss-hnsw-flat", "faiss-hnsw-sq8",   "quarry-f32",
      "quarry-int8", "quarry-bq", "quarry-scan-f32", "quarry-scan-int8", "quarry-scan-bq",
  };
  return kNames;
}

Result<std::unique_ptr<Engine>> MakeEngine(std::string_view name) {
  std::unique_ptr<Engine> e;
  if (name == "flat") e = MakeFlatEngine();
  if (name == "hnswlib") e = MakeHnswlibEngine();
  if (name == "faiss-hnsw-flat") e = MakeFaissHnswFlatEngine();
  if (name == "faiss-hnsw-sq8") e = MakeFaissHnswSq8Engine();
  if (name.starts_with("quarry-scan-")) {
    e = MakeQuarryScanEngine(name.substr(12));
  } else if (name.starts_with("quarry-")) {
    e = MakeQuarryEngine(name.substr(7));
  }
  if (e == nullptr) return Status::InvalidArgument("unknown engine '" + std::string(name) + "'");
  return e;
}

}  // namespace quarry::bench
