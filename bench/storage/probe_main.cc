// bench_storage_probe: the process whose start-up bench_storage measures.
// It opens one engine directory, answers the queries it is given and prints
// one JSON object on stdout: timestamps on the machine-wide monotonic clock
// (so the parent can subtract the moment it spawned the probe), memory and
// disk counters after each stage, and query latencies.
//
//   bench_storage_probe --data DIR --collection C --queries FILE [--warm-passes 2]
//                       [--evict-after-open] [--mode hybrid|vector|keyword]
//   bench_storage_probe --breakdown --data DIR --collection C
//   bench_storage_probe --file-scan --data DIR --collection C
//
// After the first answer and after the warm passes it also reports the
// resident bytes of each mapped file of the engine directory
// (first_answer_mapped_rss, warm_mapped_rss), from /proc/self/smaps, and
// after the warm passes the page-cache bytes of each file of the directory
// (warm_page_cache, mincore): files read with pread are cached by the kernel
// without counting in the process's resident memory.
// --evict-after-open pages out the collection's file mappings right after the
// open, so that resident memory afterwards is what the queries need rather
// than what the open touched.
// --breakdown opens the collection's parts one by one with timers around each
// (the MANIFEST, the chunk store, the HNSW index, the keyword postings, the
// document table the collection builds), so that a slow cold start can be attributed.
// --file-scan reads every file of each segment with read(2) and checksums it,
// timing the reads apart from the CRC: on a dropped page cache, the floor
// of an open that verifies every byte.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "base/env.h"
#include "base/stopwatch.h"
#include "common/latency.h"
#include "common/proc_stats.h"
#include "engine/document_table.h"
#include "quarry/engine.h"
#include "storage/chunk_store.h"
#include "storage/manifest.h"
#include "storage/segment_postings.h"
#include "vector/hnsw_index.h"

namespace quarry::bench {
namespace {
namespace json = boost::json;

struct Flags {
  std::string data;
  std::string collection;
  std::string queries;
  uint32_t warm_passes = 2;
  uint32_t k = 10;
  std::string mode = "hybrid";
  bool breakdown = false;
  bool evict_after_open = false;
};

json::object MemoryJson(const MemoryStats& m) {
  return {{"rss", m.rss}, {"hwm", m.hwm}, {"rss_anon", m.rss_anon}, {"rss_file", m.rss_file}};
}

json::object CountersJson(const ProcessCounters& c) {
  return {{"read_bytes", c.read_bytes},
          {"write_bytes", c.write_bytes},
          {"major_faults", c.major_faults},
          {"minor_faults", c.minor_faults},
          {"user_s", c.user_s},
          {"system_s", c.system_s}};
}

// A stage: wall time, and what the process did meanwhile.
class Stage {
 public:
  Stage() : before_(ReadProcessCounters()) {}
  json::object Finish() const {
    return {{"ms", clock_.ElapsedMillis()},
            {"counters", CountersJson(ReadProcessCounters() - before_)},
            {"memory", MemoryJson(ReadMemoryStats())}};
  }

 private:
  Stopwatch clock_;
  ProcessCounters before_;
};

// Resident bytes of each file mapping of the engine directory, keyed by its
// path under the directory.
json::object MappedRssJson(const std::string& data_dir) {
  std::error_code ec;
  const std::string root = std::filesystem::canonical(data_dir, ec).string() + "/";
  json::object o;
  if (ec) return o;
  for (const auto& [file, bytes] : MappedResidentBytesByFile(root)) o[file] = bytes;
  return o;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "bench_storage_probe: %s\n", s.ToString().c_str());
  return 1;
}

Result<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) return Status::InvalidArgument(path + ": no queries");
  return lines;
}

// Asks the kernel to page out every file mapping under `dir` (madvise
// MADV_PAGEOUT), as memory pressure would: what stays resident afterwards is
// what the queries touch again. Returns the bytes of mappings advised.
uint64_t EvictMappings(const std::string& dir) {
  std::error_code ec;
  const std::string root = std::filesystem::canonical(dir, ec).string();
  std::ifstream maps("/proc/self/maps");
  std::string line;
  uint64_t advised = 0;
  while (std::getline(maps, line)) {
    const size_t slash = line.find('/');
    if (ec || slash == std::string::npos || line.compare(slash, root.size(), root) != 0) continue;
    uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) != 2) continue;
    if (madvise(reinterpret_cast<void*>(begin), end - begin, MADV_PAGEOUT) == 0) {
      advised += end - begin;
    }
  }
  return advised;
}

int RunQueries(const Flags& flags, int64_t main_ns) {
  json::object out{{"t_main_ns", main_ns}};
  Result<std::vector<std::string>> queries = ReadLines(flags.queries);
  if (!queries.ok()) return Fail(queries.status());

  Stage open_stage;
  Result<std::unique_ptr<Engine>> engine = Engine::Open({.data_dir = flags.data});
  if (!engine.ok()) return Fail(engine.status());
  Result<std::shared_ptr<Collection>> collection = (*engine)->GetCollection(flags.collection);
  if (!collection.ok()) return Fail(collection.status());
  out["t_open_ns"] = MonotonicNanos();
  out["open"] = open_stage.Finish();
  if (flags.evict_after_open) {
    Stage evict_stage;
    out["evicted_mapping_bytes"] = EvictMappings(flags.data);
    out["evict"] = evict_stage.Finish();
  }

  Stage first_stage;
  SearchRequest request{.query = queries->front(),
                        .k = flags.k,
                        .mode = SearchModeFromName(flags.mode).value_or(SearchMode::kHybrid)};
  out["mode"] = std::string(SearchModeName(request.mode));
  Result<SearchResponse> first = (*collection)->Search(request);
  if (!first.ok()) return Fail(first.status());
  out["t_first_ns"] = MonotonicNanos();
  out["first_query"] = first_stage.Finish();
  out["first_hits"] = first->hits.size();
  // After the first answer, so that walking smaps (page tables of gigabytes
  // of mappings) stays out of the start-up time.
  out["first_answer_mapped_rss"] = MappedRssJson(flags.data);

  // One pass over every query: what follows a cold start (nothing but the
  // open and the first query has touched the files yet), then warm passes.
  auto pass = [&](std::vector<double>* ms) -> Status {
    for (const std::string& q : *queries) {
      request.query = q;
      Stopwatch t;
      QUARRY_ASSIGN_OR_RETURN(SearchResponse r, (*collection)->Search(request));
      ms->push_back(t.ElapsedMillis());
    }
    return Status::Ok();
  };
  Stage cold_stage;
  std::vector<double> cold_ms;
  if (Status s = pass(&cold_ms); !s.ok()) return Fail(s);
  out["first_pass"] = cold_stage.Finish();
  out["first_pass_latency"] = ToJson(Summarize(cold_ms));

  Stage warm_stage;
  std::vector<double> warm_ms;
  for (uint32_t p = 0; p < flags.warm_passes; ++p) {
    warm_ms.clear();  // the last pass is the one reported
    if (Status s = pass(&warm_ms); !s.ok()) return Fail(s);
  }
  out["warm"] = warm_stage.Finish();
  out["warm_mapped_rss"] = MappedRssJson(flags.data);
  json::object cached;
  for (const auto& [file, bytes] : PageCachedBytesByFile(flags.data)) cached[file] = bytes;
  out["warm_page_cache"] = std::move(cached);
  out["warm_latency"] = ToJson(Summarize(warm_ms));
  out["warm_passes"] = flags.warm_passes;

  const CollectionInfo info = (*collection)->Info();
  out["documents"] = info.documents;
  out["chunks"] = info.chunks;
  std::printf("%s\n", json::serialize(out).c_str());
  std::fflush(stdout);
  return 0;
}

// Reads `path` with read(2) in 8 MiB pieces, timing the reads apart from
// the CRC-32C of what was read.
json::object ReadAndChecksum(const std::string& path) {
  json::object o{{"file", std::filesystem::path(path).filename().string()}};
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    o["error"] = "cannot open";
    return o;
  }
  std::vector<uint8_t> buf(8 << 20);
  double read_ms = 0, crc_ms = 0;
  uint64_t bytes = 0;
  uint32_t crc = 0;
  for (;;) {
    Stopwatch r;
    const ssize_t n = read(fd, buf.data(), buf.size());
    read_ms += r.ElapsedMillis();
    if (n <= 0) break;
    Stopwatch c;
    crc = crc32c::Extend(crc, buf.data(), static_cast<size_t>(n));
    crc_ms += c.ElapsedMillis();
    bytes += static_cast<uint64_t>(n);
  }
  close(fd);
  o["bytes"] = bytes;
  o["read_ms"] = read_ms;
  o["crc_ms"] = crc_ms;
  o["crc"] = crc;
  return o;
}

int RunBreakdown(const Flags& flags) {
  const std::string dir = flags.data + "/collections/" + flags.collection;
  std::shared_ptr<Env> env = NewPosixEnv();
  json::object out;

  Stage manifest_stage;
  Result<storage::Manifest> manifest = storage::ReadManifest(*env, dir);
  if (!manifest.ok()) return Fail(manifest.status());
  Result<CollectionConfig> config = CollectionConfigFromJson(manifest->config_json);
  if (!config.ok()) return Fail(config.status());
  out["manifest"] = manifest_stage.Finish();

  // Kept open until the end, as the collection keeps them.
  std::vector<std::unique_ptr<storage::ChunkStore>> stores;
  std::vector<std::unique_ptr<vector::HnswIndex>> indexes;
  std::vector<std::unique_ptr<storage::SegmentPostings>> all_postings;
  json::array segments;
  for (const storage::SegmentEntry& entry : manifest->segments) {
    const std::string seg_dir = storage::SegmentDirName(dir, entry.id);
    json::object s{{"id", entry.id}, {"rows", entry.rows}};

    Stage store_stage;
    Result<std::unique_ptr<storage::ChunkStore>> store =
        storage::ChunkStore::Open(*env, seg_dir, !config->storage.on_disk_payload);
    if (!store.ok()) return Fail(store.status());
    s["chunk_store_open"] = store_stage.Finish();
    s["chunk_store_resident_bytes"] = (*store)->ResidentBytes();

    Stage postings_stage;
    Result<std::unique_ptr<storage::SegmentPostings>> postings =
        storage::SegmentPostings::Open(*env, seg_dir, (*store)->rows());
    if (!postings.ok()) return Fail(postings.status());
    s["postings_open"] = postings_stage.Finish();
    s["postings_file_bytes"] = (*postings)->file_bytes();

    Stage index_stage;
    Result<std::unique_ptr<vector::HnswIndex>> index =
        vector::HnswIndex::Open(*env, seg_dir + "/vectors", config->storage.on_disk_vectors);
    if (!index.ok()) return Fail(index.status());
    s["hnsw_open"] = index_stage.Finish();
    s["hnsw_resident_bytes"] = (*index)->ResidentBytes();
    s["hnsw_vector_bytes"] = (*index)->VectorBytes();

    // What CollectionImpl::LoadSegments builds: the collection's own
    // DocumentTable, one entry per live document, reserved up front.
    static const storage::ChunkStoreEntries* key_entries = nullptr;
    key_entries = &(*store)->entries();
    Stage map_stage;
    engine::DocumentTable documents([](const engine::DocumentTable::Entry& e) -> std::string_view {
      return (*key_entries)[e.ordinal].id;
    });
    const auto& entries = (*store)->entries();
    documents.Reserve(entries.size());
    for (uint32_t o = 0; o < entries.size(); ++o) {
      documents.Insert(entries[o].id, engine::DocumentTable::Entry(1, o));
    }
    s["document_map"] = map_stage.Finish();
    s["document_map_entries"] = documents.size();
    s["document_map_bytes"] = documents.MemoryBytes();
    stores.push_back(std::move(store).value());
    indexes.push_back(std::move(index).value());
    all_postings.push_back(std::move(postings).value());
    segments.push_back(std::move(s));
  }
  out["segments"] = std::move(segments);

  std::printf("%s\n", json::serialize(out).c_str());
  std::fflush(stdout);
  return 0;
}

// Reads every file of every segment cold, nothing else (the parent drops the
// page cache first): the floor a checksum-everything open cannot go below.
int RunFileScan(const Flags& flags) {
  const std::string dir = flags.data + "/collections/" + flags.collection;
  std::shared_ptr<Env> env = NewPosixEnv();
  Result<storage::Manifest> manifest = storage::ReadManifest(*env, dir);
  if (!manifest.ok()) return Fail(manifest.status());
  json::array files;
  for (const storage::SegmentEntry& entry : manifest->segments) {
    const std::string seg_dir = storage::SegmentDirName(dir, entry.id);
    for (const char* f : {"vectors/graph.hnsw", "vectors/vectors.f32", "vectors/codes.i8",
                          "vectors/codes.bin", "documents.idx", "documents.dat", "postings.bm25"}) {
      if (std::filesystem::exists(seg_dir + "/" + f)) {
        files.push_back(ReadAndChecksum(seg_dir + "/" + f));
      }
    }
  }
  std::printf("%s\n", json::serialize(json::object{{"files", std::move(files)}}).c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace quarry::bench

int main(int argc, char** argv) {
  const int64_t main_ns = quarry::bench::MonotonicNanos();
  quarry::bench::Flags flags;
  bool file_scan = false;
  CLI::App app{"bench_storage_probe: open a collection, answer queries, report (JSON)"};
  app.add_option("--data", flags.data, "Engine data directory")->required();
  app.add_option("--collection", flags.collection, "Collection name")->required();
  app.add_option("--queries", flags.queries, "File with one query per line");
  app.add_option("--warm-passes", flags.warm_passes, "Passes over the queries once warm");
  app.add_option("--k", flags.k, "Hits per query");
  app.add_option("--mode", flags.mode, "Search mode: hybrid (the default), vector or keyword")
      ->check(CLI::IsMember({"hybrid", "vector", "keyword"}));
  app.add_flag("--evict-after-open", flags.evict_after_open,
               "Page out the collection's file mappings once open (as memory pressure would)");
  app.add_flag("--breakdown", flags.breakdown, "Time the parts of an open");
  app.add_flag("--file-scan", file_scan, "Read and checksum every segment file");
  CLI11_PARSE(app, argc, argv);
  if (file_scan) return quarry::bench::RunFileScan(flags);
  if (flags.breakdown) return quarry::bench::RunBreakdown(flags);
  if (flags.queries.empty()) {
    std::fprintf(stderr, "bench_storage_probe: --queries is required\n");
    return 2;
  }
  return quarry::bench::RunQueries(flags, main_ns);
}
