#include "ingest_run.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "base/stopwatch.h"
#include "common/json_fields.h"
#include "common/proc_stats.h"
#include "engine/collection_impl.h"
#include "quarry/engine.h"

namespace quarry::bench {

Result<IngestResult> RunIngest(const ShortDocuments& corpus, const IngestSpec& spec,
                               const std::string& data_dir, const std::string& name) {
  IngestResult r;
  r.label = spec.label;
  r.fsync = std::string(FsyncPolicyName(spec.config.storage.fsync));
  r.fsync_interval_ms = spec.config.storage.fsync_interval_ms;
  r.per_call = spec.per_call;
  r.seal_rows = spec.config.storage.seal_rows;
  r.docs = spec.docs;

  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open({.data_dir = data_dir}));
  QUARRY_ASSIGN_OR_RETURN(std::shared_ptr<Collection> collection,
                          engine->CreateCollection(name, spec.config));
  // The deterministic seal and merge hooks are not public API; the engine
  // made this collection, so it is a CollectionImpl.
  auto* impl = static_cast<engine::CollectionImpl*>(collection.get());

  const ProcessCounters before = ReadProcessCounters();
  std::vector<double> call_ms;
  call_ms.reserve(spec.docs / spec.per_call + 1);
  double next_report_s = 10;
  for (uint64_t done = 0; done < spec.docs;) {
    const uint64_t n = std::min<uint64_t>(spec.per_call, spec.docs - done);
    std::vector<DocumentInput> batch;
    batch.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      batch.push_back(corpus.Document(spec.first_doc + done + i));
      r.input_bytes += ShortDocuments::InputBytes(batch.back());
    }
    Stopwatch call;
    QUARRY_ASSIGN_OR_RETURN(UpsertSummary summary, collection->Upsert(std::move(batch)));
    const double ms = call.ElapsedMillis();
    call_ms.push_back(ms);
    r.upsert_s += ms / 1000;
    r.chunks += summary.chunks;
    done += n;
    if (r.upsert_s >= next_report_s) {
      std::fprintf(stderr, "[storage]   %s: %llu / %llu documents, %.0f documents/s\n",
                   spec.label.c_str(), static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(spec.docs), done / r.upsert_s);
      next_report_s += 30;
    }
  }
  if (spec.drain) {
    Stopwatch drain;
    QUARRY_RETURN_IF_ERROR(impl->Flush());
    QUARRY_RETURN_IF_ERROR(impl->Compact());
    r.drain_s = drain.ElapsedMillis() / 1000;
  }
  r.segments = impl->sealed_segment_count();
  collection.reset();
  engine.reset();  // stops the background thread; syncs the log
  const ProcessCounters used = ReadProcessCounters() - before;
  r.disk_write_bytes = used.write_bytes;
  r.cpu_s = used.user_s + used.system_s;
  r.call = Summarize(std::move(call_ms));
  r.load = LoadAverage();
  return r;
}

boost::json::object ToJson(const IngestResult& r) {
  return {{"label", r.label},
          {"fsync", r.fsync},
          {"fsync_interval_ms", r.fsync_interval_ms},
          {"per_call", r.per_call},
          {"seal_rows", r.seal_rows},
          {"docs", r.docs},
          {"chunks", r.chunks},
          {"input_bytes", r.input_bytes},
          {"upsert_s", r.upsert_s},
          {"drain_s", r.drain_s},
          {"docs_per_s", r.docs_per_s()},
          {"mb_per_s", r.mb_per_s()},
          {"drained_docs_per_s", r.drained_docs_per_s()},
          {"call_latency", ToJson(r.call)},
          {"disk_write_bytes", r.disk_write_bytes},
          {"cpu_s", r.cpu_s},
          {"segments", r.segments},
          {"load", r.load}};
}

IngestResult IngestFromJson(const boost::json::object& o) {
  IngestResult r;
  r.label = Str(o, "label");
  r.fsync = Str(o, "fsync");
  r.fsync_interval_ms = static_cast<uint32_t>(Num(o, "fsync_interval_ms"));
  r.per_call = static_cast<uint32_t>(Num(o, "per_call"));
  r.seal_rows = static_cast<uint32_t>(Num(o, "seal_rows"));
  r.docs = static_cast<uint64_t>(Num(o, "docs"));
  r.chunks = static_cast<uint64_t>(Num(o, "chunks"));
  r.input_bytes = static_cast<uint64_t>(Num(o, "input_bytes"));
  r.upsert_s = Num(o, "upsert_s");
  r.drain_s = Num(o, "drain_s");
  r.call = LatencyFromJson(Obj(o, "call_latency"));
  r.disk_write_bytes = static_cast<uint64_t>(Num(o, "disk_write_bytes"));
  r.cpu_s = Num(o, "cpu_s");
  r.segments = static_cast<size_t>(Num(o, "segments"));
  r.load = Num(o, "load");
  return r;
}

}  // namespace quarry::bench
