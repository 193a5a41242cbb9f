// The collection every cold-start and memory measurement opens: N short
// documents ingested once into one sealed segment, then presented under
// several storage settings without rebuilding it.
//
// The settings compared here (storage.on_disk_vectors, storage.on_disk_payload)
// only decide how a sealed segment is opened, not what is written, but a
// collection's config is fixed at creation. So each variant is a copy of the
// built collection whose segment files are hard links (segments are
// immutable), whose log is copied, and whose MANIFEST is the built one with
// those two fields changed. Each variant sits alone in its own data
// directory, because Engine::Open loads every collection it finds.
//
// Thread-safety: functions over directories the caller owns.
#ifndef QUARRY_BENCH_STORAGE_STORAGE_SET_H_
#define QUARRY_BENCH_STORAGE_STORAGE_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "corpus.h"
#include "ingest_run.h"
#include "quarry/options.h"
#include "quarry/status.h"

namespace quarry::bench {

inline constexpr const char* kSetCollection = "storage";

struct StorageSetSpec {
  uint64_t docs = 0;
  uint32_t dimensions = 384;
  uint32_t m = 32;
  uint32_t ef_construct = 128;
  QuantizationMode quantization = QuantizationMode::kInt8;
  uint32_t per_call = 1000;
  uint64_t seed = 0;
};

struct SetFile {
  std::string path;  // relative to the collection directory
  uint64_t bytes = 0;
};

struct StorageSet {
  std::string data_dir;        // the built collection's engine directory
  std::string collection_dir;  // data_dir/collections/<kSetCollection>
  IngestResult build;          // how it was ingested and sealed
  std::vector<SetFile> files;  // what is on disk
  bool reused = false;         // found from an earlier run with the same spec
};

// Builds the set into <work_dir>/set (or reuses one built with the same spec
// unless `rebuild`): one Upsert per `per_call` documents with fsync
// `interval`, storage.seal_rows = docs so that one seal makes one segment.
Result<StorageSet> BuildStorageSet(const ShortDocuments& corpus, const StorageSetSpec& spec,
                                   const std::string& work_dir, bool rebuild);

struct StorageVariant {
  std::string name;  // "mmap-vectors", "all-ram", ...
  std::string description;
  bool on_disk_vectors = true;
  bool on_disk_payload = false;
  std::string data_dir;  // filled by MakeVariant
};

// The four combinations, the default first.
std::vector<StorageVariant> StandardVariants();

// (Re)creates <work_dir>/variants/<variant.name> from the set.
Status MakeVariant(const StorageSet& set, const std::string& work_dir, StorageVariant* variant);

boost::json::object SetSpecJson(const StorageSetSpec& spec);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_STORAGE_STORAGE_SET_H_
