#include "report.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <vector>

#include "common/json_fields.h"
#include "common/markdown_format.h"

namespace quarry::bench {
namespace json = boost::json;
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kColdStartTargetMs = 1000;
constexpr double kRoadmapSpeedup = 3;
constexpr double kRssTargetFraction = 0.30;

std::string Mib(double bytes) { return Fmt("%.1f", bytes / kMiB); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// "median (min–max)" of `values`, or the one value.
std::string Spread(const std::vector<double>& values, const char* format) {
  if (values.empty()) return "–";
  const std::string median = Fmt(format, Median(values));
  if (values.size() == 1) return median;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return median + " (" + Fmt(format, *lo) + "–" + Fmt(format, *hi) + ")";
}

enum class Kind { kCold, kWarm, kEvicted };

std::vector<const json::object*> Runs(const json::object& variant, Kind kind) {
  std::vector<const json::object*> out;
  for (const json::value& r : Arr(variant, "runs")) {
    if (!r.is_object()) continue;
    const json::object& o = r.get_object();
    const Kind k = Flag(o, "evicted") ? Kind::kEvicted
                   : Flag(o, "cold")  ? Kind::kCold
                                      : Kind::kWarm;
    if (k == kind) out.push_back(&o);
  }
  return out;
}

std::vector<const json::object*> Runs(const json::object& variant, bool cold) {
  return Runs(variant, cold ? Kind::kCold : Kind::kWarm);
}

template <typename Fn>
std::vector<double> Collect(const std::vector<const json::object*>& runs, Fn&& fn) {
  std::vector<double> v;
  for (const json::object* r : runs) v.push_back(fn(*r));
  return v;
}

double StageCounter(const json::object& run, const char* stage, const char* field) {
  return Num(Obj(Obj(run, stage), "counters"), field);
}

double StageMemory(const json::object& run, const char* stage, const char* field) {
  return Num(Obj(Obj(run, stage), "memory"), field);
}

const json::object* FindVariant(const json::object& report, std::string_view name) {
  for (const json::value& v : Arr(report, "variants")) {
    if (v.is_object() && Str(v.get_object(), "name") == name) return &v.get_object();
  }
  return nullptr;
}

double MedianStart(const json::object* variant, bool cold) {
  if (variant == nullptr) return 0;
  return Median(Collect(Runs(*variant, cold),
                        [](const json::object& r) { return Num(r, "start_to_first_ms"); }));
}

// Resident memory once warm (the last run of `kind`), in bytes.
double WarmRss(const json::object* variant, const char* field, Kind kind = Kind::kWarm) {
  if (variant == nullptr) return 0;
  const std::vector<const json::object*> runs = Runs(*variant, kind);
  return runs.empty() ? 0 : StageMemory(*runs.back(), "warm", field);
}

void Header(const json::object& report, std::string* out) {
  const json::object& set_spec = Obj(Obj(report, "set"), "spec");
  *out += "Machine: " + Str(report, "machine") +
          Fmt("; 1-minute load %.1f at start, %.1f at end", Num(report, "load_at_start"),
              Num(report, "load_at_end"));
  *out += " (shared with other builds: see each row's load).";
  if (!Str(report, "label").empty()) *out += " Build: " + Str(report, "label") + ".";
  *out += Fmt(" Whole run: %.1f minutes.\n", Num(report, "total_s") / 60);
  *out += Flag(report, "page_cache_dropped")
              ? "Cold = `sync; echo 3 > /proc/sys/vm/drop_caches` just before the process "
                "starts.\n"
              : "The page cache could not be dropped (not root): warm figures only.\n";
  // Reports before session 10 have no mode: their probe searched in the default, hybrid.
  const std::string mode =
      Str(Obj(report, "options"), "mode").empty() ? "hybrid" : Str(Obj(report, "options"), "mode");
  *out +=
      Fmt("Documents: short (title + 1 to 3 sentences of BEIR SciFact; all but a few one chunk), "
          "embedded by the lexical embedder at %.0f dimensions (one vector per chunk); %.0f "
          "queries per pass "
          "(SciFact's), k 10, ef 64, search mode %s%s.\n\n",
          Num(set_spec, "dimensions"), Num(report, "queries"), mode.c_str(),
          mode == "hybrid" ? " (the default: BM25 and vector, 100 candidates each, fused)" : "");
}

void IngestTable(const json::object& report, std::string* out) {
  const json::array& runs = Arr(report, "ingest");
  if (runs.empty()) return;
  *out += "### Ingest throughput\n\n";
  *out +=
      "Default collection config (seal at 10,000 rows, quantization auto, size-tiered merges in "
      "the background) but for the fsync policy. Rate = documents / time spent inside Upsert "
      "(what a client waits for, background seals running meanwhile); \"with drain\" adds the "
      "seal and merges still due after the last call (Flush + Compact). MB/s counts ids, "
      "titles and texts handed in; disk writes are the process's (/proc/self/io: log, "
      "segments, MANIFEST).\n\n";
  *out +=
      "| fsync | docs per call | documents | docs/s | MB/s | call p50 ms | call p99 ms | "
      "drain s | docs/s with drain | disk writes MiB | CPU s | load |\n";
  *out += "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const json::value& v : runs) {
    const json::object& r = v.get_object();
    std::string fsync = Str(r, "fsync");
    if (fsync == "interval") fsync += Fmt(" %.0f ms", Num(r, "fsync_interval_ms"));
    const json::object& call = Obj(r, "call_latency");
    *out += "| " + fsync + " | " + Grouped(Num(r, "per_call")) + " | " + Grouped(Num(r, "docs")) +
            " | " + Grouped(Num(r, "docs_per_s")) + " | " + Fmt("%.2f", Num(r, "mb_per_s")) +
            " | " + Fmt("%.3f", Num(call, "p50_ms")) + " | " + Fmt("%.3f", Num(call, "p99_ms")) +
            " | " + Fmt("%.1f", Num(r, "drain_s")) + " | " + Grouped(Num(r, "drained_docs_per_s")) +
            " | " + Mib(Num(r, "disk_write_bytes")) + " | " + Fmt("%.1f", Num(r, "cpu_s")) + " | " +
            Fmt("%.1f", Num(r, "load")) + " |\n";
  }
  *out += "\n";
}

void SetSection(const json::object& report, std::string* out) {
  const json::object& set = Obj(report, "set");
  const json::object& spec = Obj(set, "spec");
  const json::object& build = Obj(set, "build");
  *out += "### The set opened below\n\n";
  *out +=
      Fmt("%s documents (%s chunks), %.0f-d lexical vectors, quantization %s, m %.0f, "
          "ef_construct %.0f, storage.seal_rows = documents so that it is one sealed "
          "segment. Ingested with fsync interval, %.0f documents per call: %s documents/s "
          "(%.2f MB/s); then sealed (HNSW build on 2 threads + files written) in %.1f s",
          Grouped(Num(spec, "docs")).c_str(), Grouped(Num(build, "chunks")).c_str(),
          Num(spec, "dimensions"), Str(spec, "quantization").c_str(), Num(spec, "m"),
          Num(spec, "ef_construct"), Num(spec, "per_call"),
          Grouped(Num(build, "docs_per_s")).c_str(), Num(build, "mb_per_s"), Num(build, "drain_s"));
  *out += Flag(set, "reused") ? " (built by an earlier run with the same settings).\n\n" : ".\n\n";
  *out += "| file | MiB |\n|---|--:|\n";
  double total = 0;
  for (const json::value& v : Arr(set, "files")) {
    const json::object& f = v.get_object();
    *out += "| " + Str(f, "path") + " | " + Mib(Num(f, "bytes")) + " |\n";
    total += Num(f, "bytes");
  }
  *out += "| total | " + Mib(total) + " |\n\n";
}

void ColdStartTable(const json::object& report, std::string* out) {
  *out += "### Cold start: process start to first answered query\n\n";
  *out +=
      "Each start is a new process (bench_storage_probe) that opens the engine directory "
      "and answers one query; time from just before posix_spawn to the answer. Median "
      "(min–max) of the runs. \"read from disk\" and CPU are the process's own during "
      "Engine::Open (/proc/self/io, getrusage). `quarry search` is the CLI, start to exit.\n\n";
  *out +=
      "| variant | on_disk_vectors | on_disk_payload | cache | runs | start → first answer "
      "ms | of which Engine::Open ms | first query ms | read from disk during open MiB | "
      "CPU during open s | `quarry search` ms |\n";
  *out += "|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const json::value& vv : Arr(report, "variants")) {
    const json::object& v = vv.get_object();
    for (bool cold : {true, false}) {
      const std::vector<const json::object*> runs = Runs(v, cold);
      if (runs.empty()) continue;
      std::vector<double> cli;
      for (const json::value& c : Arr(v, "cli_runs")) {
        if (Flag(c.get_object(), "cold") == cold) cli.push_back(Num(c.get_object(), "wall_ms"));
      }
      auto field = [&runs](auto fn) { return Collect(runs, fn); };
      *out +=
          "| " + Str(v, "name") + " | " + (Flag(v, "on_disk_vectors") ? "true" : "false") + " | " +
          (Flag(v, "on_disk_payload") ? "true" : "false") + " | " + (cold ? "cold" : "warm") +
          " | " + std::to_string(runs.size()) + " | " +
          Spread(field([](const json::object& r) { return Num(r, "start_to_first_ms"); }), "%.0f") +
          " | " +
          Spread(field([](const json::object& r) { return Num(Obj(r, "open"), "ms"); }), "%.0f") +
          " | " +
          Spread(field([](const json::object& r) { return Num(Obj(r, "first_query"), "ms"); }),
                 "%.1f") +
          " | " +
          Spread(field([](const json::object& r) {
                   return StageCounter(r, "open", "read_bytes") / kMiB;
                 }),
                 "%.0f") +
          " | " +
          Spread(field([](const json::object& r) {
                   return StageCounter(r, "open", "user_s") + StageCounter(r, "open", "system_s");
                 }),
                 "%.2f") +
          " | " + Spread(cli, "%.0f") + " |\n";
    }
  }
  *out += "\n";
}

void MemoryTable(const json::object& report, std::string* out) {
  *out += "### Resident memory and search latency\n\n";
  *out +=
      "Memory of the probe process (/proc/self/status) after its warm passes, in MiB. "
      "RssFile is pages of mapped files the process has touched (reclaimable by the "
      "kernel), RssAnon its own heap. \"paged out\" rows: a warm start whose probe asks "
      "the kernel to page every file mapping of the collection out of the process right "
      "after the open (madvise MADV_PAGEOUT, what memory pressure would do), so that what "
      "is resident afterwards is what the queries touch again, not what the open touched "
      "(the kernel may keep those pages in its page cache, outside the process). Latency of "
      "Collection::Search (embedding, graph walk, rescoring, reading the hit documents), "
      "one thread: \"after cold start\" is the first pass over every query in a process "
      "started on a dropped page cache (pages the open did not touch come from the disk; "
      "for \"paged out\" rows, the first pass after the page-out), \"warm\" the last "
      "of the warm passes.\n\n";
  *out +=
      "| variant | VmRSS after open | VmRSS warm | RssAnon warm | RssFile warm | VmHWM | "
      "p50 / p99 ms after cold start | p50 / p99 ms warm | read from disk in first pass "
      "MiB |\n";
  *out += "|---|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  auto row = [out](const std::string& name, const json::object& w, const json::object* first) {
    std::string first_latency = "–", first_read = "–";
    if (first != nullptr) {
      const json::object& l = Obj(*first, "first_pass_latency");
      first_latency = Fmt("%.3f / %.3f", Num(l, "p50_ms"), Num(l, "p99_ms"));
      first_read = Mib(StageCounter(*first, "first_pass", "read_bytes"));
    }
    const json::object& wl = Obj(w, "warm_latency");
    *out += "| " + name + " | " + Mib(StageMemory(w, "open", "rss")) + " | " +
            Mib(StageMemory(w, "warm", "rss")) + " | " + Mib(StageMemory(w, "warm", "rss_anon")) +
            " | " + Mib(StageMemory(w, "warm", "rss_file")) + " | " +
            Mib(StageMemory(w, "warm", "hwm")) + " | " + first_latency + " | " +
            Fmt("%.3f / %.3f", Num(wl, "p50_ms"), Num(wl, "p99_ms")) + " | " + first_read + " |\n";
  };
  for (const json::value& vv : Arr(report, "variants")) {
    const json::object& v = vv.get_object();
    const std::vector<const json::object*> warm = Runs(v, Kind::kWarm);
    const std::vector<const json::object*> cold = Runs(v, Kind::kCold);
    if (!warm.empty()) row(Str(v, "name"), *warm.back(), cold.empty() ? nullptr : cold.back());
  }
  for (const json::value& vv : Arr(report, "variants")) {
    const json::object& v = vv.get_object();
    const std::vector<const json::object*> evicted = Runs(v, Kind::kEvicted);
    if (!evicted.empty()) {
      row(Str(v, "name") + ", paged out after open", *evicted.back(), evicted.back());
    }
  }
  *out += "\n";
}

void BreakdownTable(const json::object& report, std::string* out) {
  *out += "### Where an open spends its time\n\n";
  *out +=
      "The probe's --breakdown mode opens the set's parts one after another in a new "
      "process on a dropped page cache, with a timer around each: the MANIFEST, the chunk "
      "store (ChunkStore::Open: reads documents.idx; with on_disk_payload false, also "
      "decodes every block), the keyword postings (SegmentPostings::Open: CRC-32C of the "
      "tables and every term entry, each term's postings being verified on its first use "
      "(format version 2; version 1: CRC-32C and every block decoded); Segment::Open runs "
      "this beside the other parts, so a real open takes "
      "less than the sum of the stages), the HNSW index (HnswIndex::Open: maps graph, vectors "
      "and codes, "
      "CRC-32C of the graph and codes bodies and of the vectors' block table, or of every "
      "body in format version 2, checks every neighbour list; with on_disk_vectors false, "
      "copies and checks the vectors), and the id → document map CollectionImpl::LoadSegments "
      "builds (rebuilt here the same way: the real one is private).\n\n";
  *out +=
      "\"engine says\" is the engine's own accounting of what it keeps in RAM: "
      "ChunkStore::ResidentBytes, and HnswIndex::ResidentBytes (graph + codes) + "
      "VectorBytes when the vectors are read into RAM.\n\n";
  *out +=
      "| variant | stage | ms | read from disk MiB | CPU s | major faults | RssAnon after "
      "MiB | RssFile after MiB | engine says MiB |\n";
  *out += "|---|---|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const json::value& vv : Arr(report, "variants")) {
    const json::object& v = vv.get_object();
    const json::object& b = Obj(v, "breakdown");
    auto row = [&](const std::string& stage, const json::object& s, const std::string& says) {
      const json::object& c = Obj(s, "counters");
      const json::object& m = Obj(s, "memory");
      *out += "| " + Str(v, "name") + " | " + stage + " | " + Fmt("%.0f", Num(s, "ms")) + " | " +
              Mib(Num(c, "read_bytes")) + " | " +
              Fmt("%.2f", Num(c, "user_s") + Num(c, "system_s")) + " | " +
              Grouped(Num(c, "major_faults")) + " | " + Mib(Num(m, "rss_anon")) + " | " +
              Mib(Num(m, "rss_file")) + " | " + says + " |\n";
    };
    row("MANIFEST", Obj(b, "manifest"), "");
    for (const json::value& sv : Arr(b, "segments")) {
      const json::object& s = sv.get_object();
      const double vectors = Flag(v, "on_disk_vectors") ? 0 : Num(s, "hnsw_vector_bytes");
      row("chunk store", Obj(s, "chunk_store_open"), Mib(Num(s, "chunk_store_resident_bytes")));
      if (s.contains("postings_open")) row("keyword postings", Obj(s, "postings_open"), "");
      row("HNSW index", Obj(s, "hnsw_open"), Mib(Num(s, "hnsw_resident_bytes") + vectors));
      row("document map", Obj(s, "document_map"), "");
    }
  }
  *out += "\n";
  const json::array& files = Arr(Obj(report, "file_scan"), "files");
  if (files.empty()) return;
  *out +=
      "Reading each file of the segment with read(2) on a dropped page cache, and "
      "CRC-32C of what was read (the floor of an open that verifies every byte):\n\n";
  *out += "| file | MiB | read ms | read MB/s | CRC ms |\n|---|--:|--:|--:|--:|\n";
  double bytes = 0, read = 0, crc = 0;
  for (const json::value& fv : files) {
    const json::object& f = fv.get_object();
    bytes += Num(f, "bytes");
    read += Num(f, "read_ms");
    crc += Num(f, "crc_ms");
    *out += "| " + Str(f, "file") + " | " + Mib(Num(f, "bytes")) + " | " +
            Fmt("%.0f", Num(f, "read_ms")) + " | " +
            Fmt("%.0f", Num(f, "read_ms") > 0 ? Num(f, "bytes") / Num(f, "read_ms") / 1e3 : 0) +
            " | " + Fmt("%.0f", Num(f, "crc_ms")) + " |\n";
  }
  *out += "| all | " + Mib(bytes) + " | " + Fmt("%.0f", read) + " | " +
          Fmt("%.0f", read > 0 ? bytes / read / 1e3 : 0) + " | " + Fmt("%.0f", crc) + " |\n\n";
}

void Targets(const json::object& report, std::string* out) {
  const json::object* mmap = FindVariant(report, "mmap-vectors");
  const json::object* ram = FindVariant(report, "all-ram");
  const json::object* disk = FindVariant(report, "all-disk");
  const double docs = Num(Obj(Obj(report, "set"), "spec"), "docs");
  *out += "### Targets\n\n";
  const bool cold = Flag(report, "page_cache_dropped");
  // The target is the default config's: vectors and payload on disk, mapped.
  if (disk != nullptr) {
    const double start = MedianStart(disk, cold);
    *out +=
        Fmt("- Cold start, default config (vectors and payload on disk, mapped), %s documents: "
            "%.0f ms %s (target < 1 s for 1,000,000: %s%s).\n",
            Grouped(docs).c_str(), start, cold ? "on a dropped page cache" : "warm",
            start < kColdStartTargetMs ? "met" : "not met",
            docs < 1e6 ? " at this size; 1M not measured here" : "");
  }
  if (mmap != nullptr) {
    *out +=
        Fmt("- Cold start with vectors mapped but the payload decoded at open (the earlier "
            "default): %.0f ms.\n",
            MedianStart(mmap, cold));
  }
  for (const auto& [faster, label] :
       {std::pair{disk, "mmap (default config)"}, std::pair{mmap, "mmap vectors only"}}) {
    if (faster == nullptr || ram == nullptr) continue;
    for (bool c : {true, false}) {
      if (c && !cold) continue;
      const double a = MedianStart(ram, c), b = MedianStart(faster, c);
      *out +=
          Fmt("- Loading everything vs %s (%s): %.0f ms vs %.0f ms, mmap %.2fx faster "
              "(roadmap claim %.0fx).\n",
              label, c ? "cold" : "warm", a, b, b > 0 ? a / b : 0, kRoadmapSpeedup);
    }
  }
  if (ram != nullptr && disk != nullptr) {
    const double r = WarmRss(ram, "rss"), d = WarmRss(disk, "rss");
    const double ra = WarmRss(ram, "rss_anon"), da = WarmRss(disk, "rss_anon");
    *out +=
        Fmt("- Resident memory, on disk vs all in RAM (VmRSS once warm): %s MiB vs %s MiB "
            "= %.0f%% (target ≤ %.0f%%: %s). Anonymous memory only: %s vs %s MiB = %.0f%%.\n",
            Mib(d).c_str(), Mib(r).c_str(), r > 0 ? 100 * d / r : 0, 100 * kRssTargetFraction,
            r > 0 && d / r <= kRssTargetFraction ? "met" : "not met", Mib(da).c_str(),
            Mib(ra).c_str(), ra > 0 ? 100 * da / ra : 0);
    const double re = WarmRss(ram, "rss", Kind::kEvicted),
                 de = WarmRss(disk, "rss", Kind::kEvicted);
    if (re > 0 && de > 0) {
      *out +=
          Fmt("- The same with file mappings paged out after the open (what stays resident "
              "under memory pressure): %s MiB vs %s MiB = %.0f%%.\n",
              Mib(de).c_str(), Mib(re).c_str(), 100 * de / re);
    }
  }
  *out += "\n";
}

}  // namespace

std::string RenderMarkdown(const json::object& report) {
  std::string out;
  Header(report, &out);
  IngestTable(report, &out);
  SetSection(report, &out);
  ColdStartTable(report, &out);
  MemoryTable(report, &out);
  Targets(report, &out);
  BreakdownTable(report, &out);
  return out;
}

}  // namespace quarry::bench
