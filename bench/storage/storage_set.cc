#include "storage_set.h"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/env.h"
#include "common/json_fields.h"
#include "storage/manifest.h"

namespace quarry::bench {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBuildRecord = "build.json";

// Filesystem calls that throw are turned into a Status where they enter.
template <typename Fn>
Status Guarded(const std::string& what, Fn&& fn) {
  try {
    fn();
    return Status::Ok();
  } catch (const fs::filesystem_error& e) {
    return Status::IOError(what + ": " + e.what());
  }
}

std::vector<SetFile> ListFiles(const std::string& collection_dir) {
  std::vector<SetFile> files;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(collection_dir, ec)) {
    if (!entry.is_regular_file()) continue;
    files.push_back({fs::relative(entry.path(), collection_dir).string(), entry.file_size()});
  }
  std::sort(files.begin(), files.end(),
            [](const SetFile& a, const SetFile& b) { return a.path < b.path; });
  return files;
}

Result<boost::json::object> ReadRecord(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption(path + ": not a JSON object");
  return v.get_object();
}

}  // namespace

boost::json::object SetSpecJson(const StorageSetSpec& spec) {
  return {{"docs", spec.docs},
          {"dimensions", spec.dimensions},
          {"m", spec.m},
          {"ef_construct", spec.ef_construct},
          {"quantization", QuantizationModeName(spec.quantization)},
          {"per_call", spec.per_call},
          {"seed", spec.seed}};
}

Result<StorageSet> BuildStorageSet(const ShortDocuments& corpus, const StorageSetSpec& spec,
                                   const std::string& work_dir, bool rebuild) {
  StorageSet set;
  set.data_dir = work_dir + "/set";
  set.collection_dir = set.data_dir + "/collections/" + kSetCollection;
  const std::string record_path = work_dir + "/set-" + kBuildRecord;
  const boost::json::object wanted = SetSpecJson(spec);
  if (!rebuild && fs::exists(set.collection_dir + "/" + storage::kManifestFileName)) {
    Result<boost::json::object> record = ReadRecord(record_path);
    if (record.ok() && Obj(*record, "spec") == wanted) {
      set.build = IngestFromJson(Obj(*record, "build"));
      set.files = ListFiles(set.collection_dir);
      set.reused = true;
      return set;
    }
  }
  QUARRY_RETURN_IF_ERROR(Guarded("removing " + set.data_dir, [&] {
    fs::remove_all(set.data_dir);
    fs::remove(record_path);
  }));

  IngestSpec ingest;
  ingest.label = "build: interval, " + std::to_string(spec.per_call) + " per call, one seal";
  ingest.config.embedder.dimensions = spec.dimensions;
  ingest.config.vectors.m = spec.m;
  ingest.config.vectors.ef_construct = spec.ef_construct;
  ingest.config.vectors.quantization = spec.quantization;
  ingest.config.storage.fsync = FsyncPolicy::kInterval;
  ingest.config.storage.seal_rows =
      static_cast<uint32_t>(std::clamp<uint64_t>(spec.docs, kMinSealRows, kMaxSealRows));
  ingest.docs = spec.docs;
  ingest.per_call = spec.per_call;
  QUARRY_ASSIGN_OR_RETURN(set.build, RunIngest(corpus, ingest, set.data_dir, kSetCollection));
  if (set.build.segments != 1) {
    return Status::Internal("the set should be one sealed segment; it has " +
                            std::to_string(set.build.segments));
  }
  set.files = ListFiles(set.collection_dir);
  boost::json::object record{{"spec", wanted}, {"build", ToJson(set.build)}};
  std::ofstream out(record_path, std::ios::binary | std::ios::trunc);
  out << boost::json::serialize(record);
  out.flush();
  if (!out) return Status::IOError(record_path + ": write failed");
  return set;
}

std::vector<StorageVariant> StandardVariants() {
  return {
      {"mmap-vectors", "vectors mmapped, payload decoded at open (the old default)", true, false,
       ""},
      {"all-ram", "vectors read into RAM, payload decoded at open", false, false, ""},
      {"all-disk", "default: vectors mmapped, payload decoded when read", true, true, ""},
      {"ram-vectors-disk-payload", "vectors read into RAM, payload decoded on each read", false,
       true, ""},
  };
}

Status MakeVariant(const StorageSet& set, const std::string& work_dir, StorageVariant* variant) {
  variant->data_dir = work_dir + "/variants/" + variant->name;
  const std::string dir = variant->data_dir + "/collections/" + kSetCollection;
  QUARRY_RETURN_IF_ERROR(Guarded("copying the set into " + dir, [&] {
    fs::remove_all(variant->data_dir);
    fs::create_directories(dir + "/wal");
    fs::copy(set.collection_dir + "/segments", dir + "/segments",
             fs::copy_options::recursive | fs::copy_options::create_hard_links);
    // The log is appended to at open: copies, never links.
    fs::copy(set.collection_dir + "/wal", dir + "/wal", fs::copy_options::recursive);
  }));
  std::shared_ptr<Env> env = NewPosixEnv();
  QUARRY_ASSIGN_OR_RETURN(storage::Manifest manifest,
                          storage::ReadManifest(*env, set.collection_dir));
  QUARRY_ASSIGN_OR_RETURN(CollectionConfig config, CollectionConfigFromJson(manifest.config_json));
  config.storage.on_disk_vectors = variant->on_disk_vectors;
  config.storage.on_disk_payload = variant->on_disk_payload;
  manifest.config_json = CollectionConfigToJson(config);
  return storage::WriteManifest(*env, dir, manifest);
}

}  // namespace quarry::bench
