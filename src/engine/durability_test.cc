// Durability of collections: sealing and restarts, conversion of the
// foundation's single-file format, and power loss or I/O errors injected at
// every step of a sequence of writes and seals (leveldb's
// fault_injection_test is the model).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"
#include "engine/collection_impl.h"
#include "engine/engine_impl.h"
#include "storage/collection_file.h"
#include "storage/manifest.h"

namespace quarry::engine {
namespace {

CollectionConfig TestConfig(uint32_t seal_rows) {
  CollectionConfig config;
  config.embedder.dimensions = 64;
  config.chunking.target_tokens = 16;
  config.storage.seal_rows = seal_rows;
  return config;
}

DocumentInput Doc(int id, int version) {
  DocumentInput d;
  d.id = "doc-" + std::to_string(id);
  d.title = "v" + std::to_string(version);
  d.text = "Document " + std::to_string(id) + " version " + std::to_string(version) +
           ". It talks about topic " + std::to_string(id % 5) + " at some length, so that it "
           "has a chunk or two. Another sentence follows here.";
  return d;
}

// One step of a scripted workload.
struct Op {
  enum Kind { kUpsert, kDelete, kSeal, kMerge } kind;
  int id = 0;
  int version = 0;
};

std::vector<Op> Workload() {
  std::vector<Op> ops;
  for (int i = 0; i < 6; ++i) ops.push_back({Op::kUpsert, i, 1});
  ops.push_back({Op::kSeal});
  ops.push_back({Op::kDelete, 2});
  ops.push_back({Op::kUpsert, 3, 2});  // replaces a document of the sealed segment
  ops.push_back({Op::kUpsert, 7, 1});
  ops.push_back({Op::kSeal});
  ops.push_back({Op::kDelete, 7});     // deletes from the second segment
  ops.push_back({Op::kUpsert, 2, 3});  // brings a deleted id back
  ops.push_back({Op::kMerge});         // the second segment is all deleted: purged
  ops.push_back({Op::kSeal});
  ops.push_back({Op::kDelete, 0});
  ops.push_back({Op::kDelete, 1});
  ops.push_back({Op::kMerge});         // the first segment is 1/2 deleted: rewritten
  return ops;
}

// id -> title ("v<version>") of what should be stored.
using Expected = std::map<std::string, std::string>;

void Apply(const Op& op, Expected* state) {
  if (op.kind == Op::kUpsert) (*state)["doc-" + std::to_string(op.id)] = "v" + std::to_string(op.version);
  if (op.kind == Op::kDelete) state->erase("doc-" + std::to_string(op.id));
}

Status RunOp(CollectionImpl& c, const Op& op) {
  switch (op.kind) {
    case Op::kUpsert: return c.Upsert({Doc(op.id, op.version)}).status();
    case Op::kDelete: return c.DeleteDocument("doc-" + std::to_string(op.id));
    case Op::kSeal:
      return c.Flush();
    case Op::kMerge:
      return c.Compact();
  }
  return Status::Internal("unreachable");
}

// What a reopened collection holds: id -> title.
Expected Stored(Collection& c) {
  Expected out;
  for (int id = 0; id < 10; ++id) {
    auto d = c.GetDocument("doc-" + std::to_string(id));
    if (d.ok()) out[d->id] = d->title;
  }
  return out;
}

std::shared_ptr<CollectionImpl> AsImpl(const std::shared_ptr<Collection>& c) {
  return std::dynamic_pointer_cast<CollectionImpl>(c);
}

TEST(DurabilityTest, SealedSegmentsAndTheLogSurviveRestarts) {
  testing::TempDir dir;
  Expected expected;
  {
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok());
    auto c = (*engine)->CreateCollection("c", TestConfig(1000));
    ASSERT_TRUE(c.ok());
    for (const Op& op : Workload()) {
      ASSERT_TRUE(RunOp(*AsImpl(*c), op).ok());
      Apply(op, &expected);
    }
    EXPECT_EQ(Stored(**c), expected);
  }
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto c = (*engine)->GetCollection("c");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Stored(**c), expected);
  EXPECT_EQ((*c)->Info().documents, expected.size());
  // Every stored document is findable by its own words, deleted ones never.
  auto hits = (*c)->Search({.query = "Document 3 version 2", .k = 5});
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->hits.empty());
  EXPECT_EQ(hits->hits[0].document_id, "doc-3");
  auto gone = (*c)->Search({.query = "Document 7 version 1", .k = 20});
  ASSERT_TRUE(gone.ok());
  for (const SearchHit& h : gone->hits) EXPECT_NE(h.document_id, "doc-7");
}

// The full-precision vectors of a sealed segment are checked block by block
// on first read, not at open: a damaged block lets the collection open and
// then fails every search that reads it with a corruption error, rather than
// rank anything with damaged values.
TEST(DurabilityTest, ADamagedVectorBlockFailsSearchesNotTheOpen) {
  testing::TempDir dir;
  std::string vectors_path;
  {
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok());
    CollectionConfig config = TestConfig(100000);
    config.vectors.quantization = QuantizationMode::kInt8;  // trained from 1,000 rows
    auto c = (*engine)->CreateCollection("c", config);
    ASSERT_TRUE(c.ok());
    for (int batch = 0; batch < 11; ++batch) {
      std::vector<DocumentInput> docs;
      for (int i = 0; i < 100; ++i) docs.push_back(Doc(batch * 100 + i, 1));
      ASSERT_TRUE((*c)->Upsert(std::move(docs)).ok());
    }
    ASSERT_TRUE(AsImpl(*c)->Flush().ok());
    vectors_path = storage::SegmentDirName(AsImpl(*c)->dir(), 1) + "/vectors/vectors.f32";
    auto hits = (*c)->Search({.query = "Document 3 version 1", .k = 5});
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  }
  {
    std::fstream f(vectors_path, std::ios::binary | std::ios::in | std::ios::out);
    ASSERT_TRUE(f.good()) << vectors_path;
    f.seekg(4096 + 10000);  // a row inside block 2 of the rows
    char byte = 0;
    f.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x08);
    f.seekp(4096 + 10000);
    f.write(&byte, 1);
  }
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto c = (*engine)->GetCollection("c");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->Info().documents, 1100u);
  // 1,100+ rows, under full_scan_threshold: every search scans every row.
  auto hits = (*c)->Search({.query = "Document 3 version 1", .k = 5});
  EXPECT_EQ(hits.status().code(), StatusCode::kCorruption) << hits.status().ToString();
  EXPECT_NE(hits.status().message().find("vectors.f32: block 2"), std::string::npos)
      << hits.status().ToString();
  auto again = (*c)->Search({.query = "topic 4", .k = 3});
  EXPECT_EQ(again.status().code(), StatusCode::kCorruption) << again.status().ToString();
}

TEST(DurabilityTest, TheBackgroundSealKeepsEveryDocumentSearchable) {
  testing::TempDir dir;
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("c", TestConfig(16));
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 40; ++i) ASSERT_TRUE((*c)->Upsert({Doc(i, 1)}).ok());
  ASSERT_TRUE(AsImpl(*c)->Flush().ok());
  for (int i = 0; i < 40; i += 7) {
    auto d = (*c)->GetDocument("doc-" + std::to_string(i));
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->title, "v1");
  }
  EXPECT_EQ((*c)->Info().documents, 40u);
}

TEST(DurabilityTest, MergesKeepLogarithmicallyFewSegmentsAndPurgeDeletes) {
  testing::TempDir dir;
  Expected expected;
  {
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok());
    auto c = (*engine)->CreateCollection("c", TestConfig(1000));
    ASSERT_TRUE(c.ok());
    auto impl = AsImpl(*c);
    for (int s = 0; s < 9; ++s) {
      for (int i = 0; i < 3; ++i) {
        const int id = s * 3 + i;
        ASSERT_TRUE(impl->Upsert({Doc(id, 1)}).ok());
        Apply({Op::kUpsert, id, 1}, &expected);
      }
      ASSERT_TRUE(impl->Flush().ok());
    }
    EXPECT_EQ(impl->sealed_segment_count(), 9u);
    ASSERT_TRUE(impl->Compact().ok());
    // Four of tier 0 merge; then four of tier 0 again; one is left alone.
    EXPECT_LE(impl->sealed_segment_count(), 3u);
    ASSERT_TRUE(impl->DeleteDocument("doc-4").ok());
    expected.erase("doc-4");
    ASSERT_TRUE(impl->Compact().ok());
    EXPECT_EQ(Stored(*impl).size(), 9u);  // Stored() looks at ids 0..9; doc-4 is gone
  }
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto c = (*engine)->GetCollection("c");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->Info().documents, expected.size());
  for (const auto& [id, title] : expected) {
    auto d = (*c)->GetDocument(id);
    ASSERT_TRUE(d.ok()) << id;
    EXPECT_EQ(d->title, title);
  }
  EXPECT_FALSE((*c)->GetDocument("doc-4").ok());
  // Only the segments the MANIFEST lists are left on disk.
  auto names = NewPosixEnv()->ListDir(dir.Sub("collections/c/segments"));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->size(), AsImpl(*c)->sealed_segment_count());
}

TEST(DurabilityTest, SnapshotsRestoreTheStateTheyWereTakenAt) {
  testing::TempDir dir;
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("c", TestConfig(1000));
  ASSERT_TRUE(c.ok());
  Expected at_snapshot;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE((*c)->Upsert({Doc(i, 1)}).ok());
    Apply({Op::kUpsert, i, 1}, &at_snapshot);
  }
  ASSERT_TRUE(AsImpl(*c)->Flush().ok());
  ASSERT_TRUE((*c)->Upsert({Doc(5, 1)}).ok());  // in the log only
  Apply({Op::kUpsert, 5, 1}, &at_snapshot);
  ASSERT_TRUE((*c)->DeleteDocument("doc-1").ok());
  at_snapshot.erase("doc-1");
  auto snap = (*engine)->CreateSnapshot("c");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  ASSERT_TRUE((*c)->Upsert({Doc(6, 1)}).ok());  // after the snapshot
  ASSERT_TRUE((*c)->DeleteDocument("doc-0").ok());

  auto listed = (*engine)->ListSnapshots("c");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, snap->name);

  auto copy = (*engine)->RestoreSnapshot(snap->path, "copy", /*replace=*/false);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(Stored(**copy), at_snapshot);
  EXPECT_EQ((*engine)->RestoreSnapshot(snap->path, "c", false).status().code(),
            StatusCode::kAlreadyExists);

  // A damaged archive is refused and replaces nothing.
  auto bytes = ReadFileToString(*NewPosixEnv(), snap->path, 1 << 30);
  ASSERT_TRUE(bytes.ok());
  std::string bad = *bytes;
  bad[bad.size() / 2] ^= 0x40;
  const std::string bad_path = dir.Sub("bad.qsnap");
  ASSERT_TRUE(WriteFileAtomically(*NewPosixEnv(), bad_path, bad).ok());
  const Expected before = Stored(**c);
  EXPECT_FALSE((*engine)->RestoreSnapshot(bad_path, "c", /*replace=*/true).ok());
  EXPECT_EQ(Stored(**(*engine)->GetCollection("c")), before);

  // Replacing a live collection with its snapshot.
  auto replaced = (*engine)->RestoreSnapshot(snap->path, "c", /*replace=*/true);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(Stored(**replaced), at_snapshot);
  // Snapshots survive their collection, and can be deleted.
  ASSERT_TRUE((*engine)->DropCollection("c").ok());
  EXPECT_TRUE((*engine)->GetSnapshot("c", snap->name).ok());
  ASSERT_TRUE((*engine)->DeleteSnapshot("c", snap->name).ok());
  EXPECT_EQ((*engine)->GetSnapshot("c", snap->name).status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*engine)->GetSnapshot("c", "../../etc/passwd").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(DurabilityTest, TheFoundationsCollectionFileIsConverted) {
  testing::TempDir dir;
  std::string fingerprint;
  {
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok());
    auto scratch = (*engine)->CreateCollection("scratch", TestConfig(1000));
    ASSERT_TRUE(scratch.ok());
    fingerprint = (*scratch)->Info().embedder_fingerprint;
  }
  // A collection as the foundation stored it: one collection.qc.
  const std::string cdir = dir.Sub("collections/old");
  auto env = NewPosixEnv();
  ASSERT_TRUE(env->CreateDir(cdir).ok());
  storage::CollectionImage image;
  image.config_json = CollectionConfigToJson(TestConfig(1000));
  image.embedder_fingerprint = fingerprint;
  image.dimensions = 64;
  image.generation = 4;
  Expected expected;
  for (int i = 0; i < 4; ++i) {
    storage::StoredDocument d;
    d.id = "doc-" + std::to_string(i);
    d.title = "v1";
    d.text = Doc(i, 1).text;
    d.media_type = "text/plain";
    d.metadata_json = "{}";
    d.content_hash = "h" + std::to_string(i);
    const auto n = static_cast<uint32_t>(d.text.size());
    d.chunks.push_back({.byte_begin = 0, .byte_end = n, .char_begin = 0, .char_end = n, .tokens = 10});
    image.documents.push_back(d);
    for (int k = 0; k < 64; ++k) image.vectors.push_back(k == i ? 1.0f : 0.0f);
    expected[d.id] = "v1";
  }
  ASSERT_TRUE(storage::WriteCollectionFile(cdir, image).ok());

  auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto c = (*engine)->GetCollection("old");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Stored(**c), expected);
  EXPECT_EQ((*c)->Info().generation, 4u);
  EXPECT_FALSE(env->FileExists(cdir + "/collection.qc"));
  EXPECT_TRUE(env->FileExists(cdir + "/MANIFEST"));
}

// Runs the workload with the n-th mutating file operation failing (and all
// after it, as if the machine died there), cuts the power, reopens and
// checks: every acknowledged write is there, nothing else but possibly the
// one write in flight, deleted documents stay deleted.
void CheckCrashAtEveryStep(testing::InjectedFault fault, bool power_loss) {
  const std::vector<Op> ops = Workload();
  for (uint64_t step = 1;; ++step) {
    testing::TempDir dir;
    auto faulty = std::make_shared<testing::FaultInjectionEnv>(NewPosixEnv());
    Expected acked;
    std::optional<Op> in_flight;
    bool failed = false;
    {
      auto engine = EngineImpl::Open({.data_dir = dir.path()}, faulty);
      ASSERT_TRUE(engine.ok());
      auto c = (*engine)->CreateCollection("c", TestConfig(1000000));
      ASSERT_TRUE(c.ok());
      faulty->ResetCounters();
      faulty->FailAfter(step, fault, /*sticky=*/true);
      for (const Op& op : ops) {
        if (RunOp(*AsImpl(*c), op).ok()) {
          Apply(op, &acked);
        } else {
          in_flight = op;
          failed = true;
          break;
        }
      }
      if (power_loss) {
        ASSERT_TRUE(faulty->SimulatePowerLoss().ok());
      } else {
        faulty->ClearFaults();
      }
    }
    if (!failed) break;  // the fault landed after the last operation: all steps covered
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok()) << "step " << step << ": " << engine.status().ToString();
    auto c = (*engine)->GetCollection("c");
    ASSERT_TRUE(c.ok());
    const Expected stored = Stored(**c);
    Expected with_in_flight = acked;
    if (in_flight) Apply(*in_flight, &with_in_flight);
    EXPECT_TRUE(stored == acked || stored == with_in_flight)
        << "step " << step << ": recovered state is not the acknowledged prefix";
    EXPECT_EQ((*c)->Info().documents, stored.size()) << "step " << step;
    // Recovery is idempotent: a second open gives the same state.
    engine->reset();
    auto again = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(Stored(**(*again)->GetCollection("c")), stored) << "step " << step;
  }
}

TEST(DurabilityTest, PowerLossAtEveryStepLosesNoAcknowledgedWrite) {
  CheckCrashAtEveryStep(testing::InjectedFault::kIoError, /*power_loss=*/true);
}

TEST(DurabilityTest, IoErrorsAtEveryStepLoseNoAcknowledgedWrite) {
  CheckCrashAtEveryStep(testing::InjectedFault::kIoError, /*power_loss=*/false);
}

TEST(DurabilityTest, DiskFullAtEveryStepLosesNoAcknowledgedWrite) {
  CheckCrashAtEveryStep(testing::InjectedFault::kNoSpace, /*power_loss=*/true);
}

// One operation fails (a single EIO or ENOSPC at step n) and the workload
// goes on: the cleanup after the failure runs, later operations may succeed.
// After a restart the state is the acknowledged operations, with or without
// the one that failed (it may have reached the disk before failing).
void CheckOneFaultThenContinue(testing::InjectedFault fault) {
  const std::vector<Op> ops = Workload();
  for (uint64_t step = 1;; ++step) {
    testing::TempDir dir;
    auto faulty = std::make_shared<testing::FaultInjectionEnv>(NewPosixEnv());
    Expected without_failed, with_failed;
    bool failed = false;
    {
      auto engine = EngineImpl::Open({.data_dir = dir.path()}, faulty);
      ASSERT_TRUE(engine.ok());
      auto c = (*engine)->CreateCollection("c", TestConfig(1000000));
      ASSERT_TRUE(c.ok());
      faulty->ResetCounters();
      faulty->FailAfter(step, fault, /*sticky=*/false);
      for (const Op& op : ops) {
        const bool ok = RunOp(*AsImpl(*c), op).ok();
        if (ok) {
          Apply(op, &without_failed);
          Apply(op, &with_failed);
        } else if (!failed) {
          failed = true;
          Apply(op, &with_failed);
        }
      }
    }
    if (!failed) break;
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok()) << "step " << step << ": " << engine.status().ToString();
    auto c = (*engine)->GetCollection("c");
    ASSERT_TRUE(c.ok());
    const Expected stored = Stored(**c);
    EXPECT_TRUE(stored == without_failed || stored == with_failed) << "step " << step;
    EXPECT_EQ((*c)->Info().documents, stored.size()) << "step " << step;
  }
}

TEST(DurabilityTest, OneIoErrorAtAnyStepThenRecoveryKeepsEveryAcknowledgedWrite) {
  CheckOneFaultThenContinue(testing::InjectedFault::kIoError);
}

TEST(DurabilityTest, OneDiskFullAtAnyStepThenRecoveryKeepsEveryAcknowledgedWrite) {
  CheckOneFaultThenContinue(testing::InjectedFault::kNoSpace);
}

// A Flush whose seal fails at any step, then a write, then a Flush that
// works: the second Flush seals what the first left frozen (when the fault
// came after the freeze) and then the rows written since, so every document
// is in a segment and an open finds them all without replaying the log.
TEST(DurabilityTest, AFlushAfterAFailedSealSealsTheFrozenRowsAndThoseSince) {
  bool frozen_path_seen = false;
  for (uint64_t step = 1;; ++step) {
    SCOPED_TRACE("failing operation " + std::to_string(step));
    testing::TempDir dir;
    auto faulty = std::make_shared<testing::FaultInjectionEnv>(NewPosixEnv());
    bool flush_failed = false;
    {
      auto engine = EngineImpl::Open({.data_dir = dir.path(), .background_merges = false}, faulty);
      ASSERT_TRUE(engine.ok());
      auto c = (*engine)->CreateCollection("c", TestConfig(1000000));  // seals only on Flush
      ASSERT_TRUE(c.ok());
      ASSERT_TRUE((*c)->Upsert({Doc(1, 1), Doc(2, 1)}).ok());
      faulty->ResetCounters();
      // A full disk, not EIO: a failed log fsync would make the collection
      // read-only, which is another test's subject.
      faulty->FailAfter(step, testing::InjectedFault::kNoSpace);
      flush_failed = !(*c)->Flush().ok();
      faulty->ClearFaults();
      if (!flush_failed) break;  // past the last operation of a seal
      const Result<UpsertSummary> later = (*c)->Upsert({Doc(3, 1)});
      if (!later.ok()) continue;  // the fault failed the log for good
      ASSERT_TRUE((*c)->Flush().ok());
      // Two segments when the first seal had frozen its rows before it
      // failed: the frozen ones, then doc-3 on its own.
      const uint64_t segments = (*c)->Info().sealed_segments;
      EXPECT_TRUE(segments == 1 || segments == 2) << segments;
      frozen_path_seen |= segments == 2;
    }
    auto engine = EngineImpl::Open({.data_dir = dir.path()}, NewPosixEnv());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto c = (*engine)->GetCollection("c");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)->Info().documents, 3u);
    for (int id : {1, 2, 3}) EXPECT_TRUE((*c)->GetDocument("doc-" + std::to_string(id)).ok());
    uintmax_t log_bytes = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(dir.path() + "/collections/c/wal")) {
      log_bytes += entry.file_size();
    }
    EXPECT_LT(log_bytes, 100u) << "rows left in the log to replay";
  }
  EXPECT_TRUE(frozen_path_seen) << "no step failed a seal after its rows were frozen";
}

TEST(DurabilityTest, AFailedFsyncMakesTheCollectionReadOnlyButSearchable) {
  testing::TempDir dir;
  auto faulty = std::make_shared<testing::FaultInjectionEnv>(NewPosixEnv());
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, faulty);
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("c", TestConfig(1000));
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Upsert({Doc(1, 1)}).ok());
  // Append, then the fsync fails.
  faulty->FailAfter(2, testing::InjectedFault::kIoError);
  auto failed = (*c)->Upsert({Doc(2, 1)});
  ASSERT_FALSE(failed.ok());
  auto refused = (*c)->Upsert({Doc(3, 1)});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("read-only"), std::string::npos);
  auto hits = (*c)->Search({.query = "Document 1", .k = 3});
  ASSERT_TRUE(hits.ok());
  EXPECT_FALSE(hits->hits.empty());
  EXPECT_FALSE((*c)->GetDocument("doc-2").ok());  // never acknowledged, never visible
}

TEST(DurabilityTest, DiskFullRefusesWritesKeepsSearchesAndResumes) {
  testing::TempDir dir;
  auto faulty = std::make_shared<testing::FaultInjectionEnv>(NewPosixEnv());
  auto engine = EngineImpl::Open({.data_dir = dir.path()}, faulty);
  ASSERT_TRUE(engine.ok());
  auto c = (*engine)->CreateCollection("c", TestConfig(1000));
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Upsert({Doc(1, 1)}).ok());
  faulty->SetDiskFull(true);
  auto full = (*c)->Upsert({Doc(2, 1)});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kNoSpace);
  EXPECT_TRUE((*c)->Search({.query = "Document 1", .k = 3}).ok());
  faulty->SetDiskFull(false);
  ASSERT_TRUE((*c)->Upsert({Doc(2, 1)}).ok());
  EXPECT_TRUE((*c)->GetDocument("doc-2").ok());
}

}  // namespace
}  // namespace quarry::engine
