// Makes benchmark engines by name: the names accepted by --engines.
//
// Thread-safety: free functions; each call returns a new, unshared engine.
#ifndef QUARRY_BENCH_ANN_ENGINE_REGISTRY_H_
#define QUARRY_BENCH_ANN_ENGINE_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine.h"
#include "quarry/status.h"

namespace quarry::bench {

// Every engine name, in the order results are printed.
const std::vector<std::string>& KnownEngines();
Result<std::unique_ptr<Engine>> MakeEngine(std::string_view name);

// One factory per implementation file.
std::unique_ptr<Engine> MakeFlatEngine();
std::unique_ptr<Engine> MakeHnswlibEngine();
std::unique_ptr<Engine> MakeFaissHnswFlatEngine();
std::unique_ptr<Engine> MakeFaissHnswSq8Engine();
// variant: "f32", "int8" or "bq"; nullptr for anything else.
std::unique_ptr<Engine> MakeQuarryEngine(std::string_view variant);
// codes: "f32", "int8" or "bq"; nullptr for anything else.
std::unique_ptr<Engine> MakeQuarryScanEngine(std::string_view codes);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_ANN_ENGINE_REGISTRY_H_
