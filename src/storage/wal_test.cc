#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/env.h"
#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"
#include "storage/wal_files.h"
#include "storage/wal_reader.h"
#include "storage/wal_writer.h"

namespace quarry::storage {
namespace {

struct Replayed {
  std::vector<uint64_t> lsns;
  std::vector<std::string> payloads;
};

Result<WalRecoveryReport> Replay(Env& env, const std::string& dir, uint64_t after,
                                 Replayed* out) {
  return RecoverWal(env, dir, after,
                    [out](uint64_t lsn, WalRecordType, std::string_view payload) {
                      out->lsns.push_back(lsn);
                      out->payloads.emplace_back(payload);
                      return Status::Ok();
                    });
}

std::string Payload(int i) { return "record-" + std::to_string(i) + std::string(i % 7, 'x'); }

class WalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewPosixEnv();
    dir_ = tmp_.Sub("wal");
    ASSERT_TRUE(env_->CreateDir(dir_).ok());
  }
  // Writes records 1..n, synced, into one file; returns its path.
  std::string WriteRecords(int n) {
    auto w = WalWriter::Create(*env_, dir_, 1);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    for (int i = 1; i <= n; ++i) {
      auto lsn = (*w)->Append(WalRecordType::kWriteBatch, Payload(i));
      EXPECT_TRUE(lsn.ok());
      EXPECT_EQ(*lsn, static_cast<uint64_t>(i));
    }
    EXPECT_TRUE((*w)->Sync().ok());
    return WalFileName(dir_, 1);
  }

  testing::TempDir tmp_;
  std::shared_ptr<Env> env_;
  std::string dir_;
};

TEST_F(WalTest, RecordsComeBackInOrderAfterTheGivenLsn) {
  WriteRecords(10);
  Replayed r;
  auto report = Replay(*env_, dir_, 4, &r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->last_lsn, 10u);
  EXPECT_EQ(report->records_replayed, 6u);
  ASSERT_EQ(r.lsns.size(), 6u);
  EXPECT_EQ(r.lsns.front(), 5u);
  EXPECT_EQ(r.payloads.back(), Payload(10));
  EXPECT_EQ(report->bytes_truncated, 0u);
}

TEST_F(WalTest, EveryTruncationIsATornTailThatRecoveryCutsOff) {
  const std::string path = WriteRecords(5);
  auto full = ReadFileToString(*env_, path, 1 << 20);
  ASSERT_TRUE(full.ok());
  // Offsets where each record ends, to know how many survive a cut.
  std::vector<size_t> ends;
  size_t off = kWalFileHeaderSize;
  while (off < full->size()) {
    auto rec = DecodeWalRecord(std::string_view(*full).substr(off));
    ASSERT_TRUE(rec.has_value());
    off += rec->encoded_size;
    ends.push_back(off);
  }
  for (size_t cut = kWalFileHeaderSize; cut < full->size(); ++cut) {
    ASSERT_TRUE(WriteFileAtomically(*env_, path, full->substr(0, cut)).ok());
    Replayed r;
    auto report = Replay(*env_, dir_, 0, &r);
    ASSERT_TRUE(report.ok()) << "cut at " << cut << ": " << report.status().ToString();
    const size_t whole = static_cast<size_t>(
        std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin());
    EXPECT_EQ(r.lsns.size(), whole) << "cut at " << cut;
    // Recovery is idempotent: a second run sees a clean log with the same records.
    Replayed again;
    auto second = Replay(*env_, dir_, 0, &again);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(again.lsns, r.lsns);
    EXPECT_EQ(second->bytes_truncated, 0u);
  }
}

TEST_F(WalTest, DamageBeforeTheLastRecordStopsRecoveryWithAPreciseError) {
  const std::string path = WriteRecords(5);
  auto full = ReadFileToString(*env_, path, 1 << 20);
  ASSERT_TRUE(full.ok());
  const size_t last_record_start = [&] {
    size_t off = kWalFileHeaderSize, start = off;
    while (off < full->size()) {
      start = off;
      off += DecodeWalRecord(std::string_view(*full).substr(off))->encoded_size;
    }
    return start;
  }();
  // Every single-byte flip in records 1..4 is refused, never skipped.
  for (size_t pos = kWalFileHeaderSize; pos < last_record_start; ++pos) {
    std::string bad = *full;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x20);
    ASSERT_TRUE(WriteFileAtomically(*env_, path, bad).ok());
    Replayed r;
    auto report = Replay(*env_, dir_, 0, &r);
    ASSERT_FALSE(report.ok()) << "flip at " << pos << " was not detected";
    EXPECT_EQ(report.status().code(), StatusCode::kCorruption);
    EXPECT_NE(report.status().message().find("offset"), std::string::npos);
  }
  // A flip inside the last record is a torn tail: it is cut off.
  std::string bad = *full;
  bad[full->size() - 1] ^= 1;
  ASSERT_TRUE(WriteFileAtomically(*env_, path, bad).ok());
  Replayed r;
  auto report = Replay(*env_, dir_, 0, &r);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(r.lsns.size(), 4u);
  EXPECT_GT(report->bytes_truncated, 0u);
}

TEST_F(WalTest, AMissingFileOrRecordsBeforeTheLogAreCorruption) {
  {
    auto w = WalWriter::Create(*env_, dir_, 1);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "a").ok());
    ASSERT_TRUE((*w)->Roll().ok());
    ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "b").ok());
    ASSERT_TRUE((*w)->Roll().ok());
    ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "c").ok());
    ASSERT_TRUE((*w)->Sync().ok());
  }
  Replayed all;
  ASSERT_TRUE(Replay(*env_, dir_, 0, &all).ok());
  EXPECT_EQ(all.payloads, (std::vector<std::string>{"a", "b", "c"}));
  // Removing files whose records are covered is what sealing does.
  ASSERT_TRUE(RemoveObsoleteWalFiles(*env_, dir_, 1).ok());
  Replayed after1;
  ASSERT_TRUE(Replay(*env_, dir_, 1, &after1).ok());
  EXPECT_EQ(after1.payloads, (std::vector<std::string>{"b", "c"}));
  // But the segments claiming only LSN 0 means record 1 is missing.
  Replayed r;
  auto report = Replay(*env_, dir_, 0, &r);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("missing"), std::string::npos);
  // A hole in the middle of the log.
  ASSERT_TRUE(env_->RemoveFile(WalFileName(dir_, 2)).ok());
  auto hole = Replay(*env_, dir_, 1, &r);
  ASSERT_FALSE(hole.ok());
  EXPECT_EQ(hole.status().code(), StatusCode::kCorruption);
}

TEST_F(WalTest, AHeaderlessFileLeftByAFailedRollIsDiscarded) {
  {
    auto w = WalWriter::Create(*env_, dir_, 1);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "a").ok());
    ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "b").ok());
    ASSERT_TRUE((*w)->Roll().ok());  // file 3
    ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "c").ok());
    ASSERT_TRUE((*w)->Sync().ok());
  }
  // What a roll at LSN 2 that died writing its header leaves: an empty file
  // between two valid ones.
  ASSERT_TRUE(WriteFileAtomically(*env_, WalFileName(dir_, 2), "").ok());
  Replayed r;
  auto report = Replay(*env_, dir_, 0, &r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(r.payloads, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(env_->FileExists(WalFileName(dir_, 2)));
  // A hole is still a hole: without file 1, records 1 and 2 are missing.
  ASSERT_TRUE(env_->RemoveFile(WalFileName(dir_, 1)).ok());
  EXPECT_FALSE(Replay(*env_, dir_, 0, &r).ok());
}

TEST_F(WalTest, PowerLossKeepsExactlyTheSyncedRecords) {
  auto faulty = std::make_shared<testing::FaultInjectionEnv>(env_);
  {
    auto w = WalWriter::Create(*faulty, dir_, 1);
    ASSERT_TRUE(w.ok());
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, Payload(i)).ok());
    ASSERT_TRUE((*w)->Sync().ok());
    for (int i = 4; i <= 6; ++i) ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, Payload(i)).ok());
    EXPECT_EQ((*w)->synced_lsn(), 3u);
    ASSERT_TRUE(faulty->SimulatePowerLoss().ok());
  }
  Replayed r;
  auto report = Replay(*env_, dir_, 0, &r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(r.lsns, (std::vector<uint64_t>{1, 2, 3}));
}

TEST_F(WalTest, APowerLossRightAfterCreateLeavesAnEmptyValidLog) {
  auto faulty = std::make_shared<testing::FaultInjectionEnv>(env_);
  // Fail at each step of creating the log and appending one synced record;
  // whatever survives the power loss must recover cleanly.
  for (uint64_t step = 1; step <= 8; ++step) {
    ASSERT_TRUE(env_->RemoveDirRecursively(dir_).ok());
    ASSERT_TRUE(env_->CreateDir(dir_).ok());
    ASSERT_TRUE(env_->SyncDir(tmp_.path()).ok());
    faulty->FailAfter(step, testing::InjectedFault::kIoError);
    bool acknowledged = false;
    {
      auto w = WalWriter::Create(*faulty, dir_, 1);
      if (w.ok() && (*w)->Append(WalRecordType::kWriteBatch, "x").ok() && (*w)->Sync().ok()) {
        acknowledged = true;
      }
    }
    ASSERT_TRUE(faulty->SimulatePowerLoss().ok());
    Replayed r;
    auto report = Replay(*env_, dir_, 0, &r);
    ASSERT_TRUE(report.ok()) << "step " << step << ": " << report.status().ToString();
    if (acknowledged) {
      EXPECT_EQ(r.payloads, std::vector<std::string>{"x"}) << "step " << step;
    }
    EXPECT_LE(r.payloads.size(), 1u);
  }
}

TEST_F(WalTest, AFailedFsyncFailsTheWriterForGood) {
  auto faulty = std::make_shared<testing::FaultInjectionEnv>(env_);
  auto w = WalWriter::Create(*faulty, dir_, 1);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "a").ok());
  faulty->FailAfter(1, testing::InjectedFault::kIoError);
  EXPECT_FALSE((*w)->Sync().ok());
  // The next fsync would succeed, but the dirty pages may be gone: no ack.
  EXPECT_FALSE((*w)->Sync().ok());
  auto again = (*w)->Append(WalRecordType::kWriteBatch, "b");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("read-only"), std::string::npos);
}

TEST_F(WalTest, DiskFullFailsTheAppendAndWritesResumeWhenSpaceIsFreed) {
  auto faulty = std::make_shared<testing::FaultInjectionEnv>(env_);
  auto w = WalWriter::Create(*faulty, dir_, 1);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "a").ok());
  faulty->SetDiskFull(true);
  auto full = (*w)->Append(WalRecordType::kWriteBatch, "b");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kNoSpace);
  faulty->SetDiskFull(false);
  auto lsn = (*w)->Append(WalRecordType::kWriteBatch, "c");
  ASSERT_TRUE(lsn.ok()) << lsn.status().ToString();
  EXPECT_EQ(*lsn, 2u);
  ASSERT_TRUE((*w)->Sync().ok());
  Replayed r;
  ASSERT_TRUE(Replay(*env_, dir_, 0, &r).ok());
  EXPECT_EQ(r.payloads, (std::vector<std::string>{"a", "c"}));
}

TEST_F(WalTest, OversizedPayloadIsRefusedBeforeAnythingIsWritten) {
  auto w = WalWriter::Create(*env_, dir_, 1);
  ASSERT_TRUE(w.ok());
  std::string huge(kMaxWalPayload + 1, 'x');
  auto r = (*w)->Append(WalRecordType::kWriteBatch, huge);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*w)->next_lsn(), 1u);
}

// A log written before version 2 (a version 1 header, kWriteBatchV1 records)
// is replayed with its record types, and an upgraded writer continues it in a
// new file of the current version.
TEST_F(WalTest, AVersion1LogIsReadAndContinuedByTheCurrentWriter) {
  std::string old_file = EncodeWalFileHeader(1, 1);
  EncodeWalRecord(1, WalRecordType::kWriteBatchV1, "old-1", &old_file);
  EncodeWalRecord(2, WalRecordType::kWriteBatchV1, "old-2", &old_file);
  {
    auto f = env_->NewWritableFile(WalFileName(dir_, 1), OpenMode::kTruncate);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(old_file).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  {
    auto w = WalWriter::Create(*env_, dir_, 3);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Append(WalRecordType::kWriteBatch, "new-3").ok());
    ASSERT_TRUE((*w)->Sync().ok());
  }
  std::vector<WalRecordType> types;
  std::vector<std::string> payloads;
  auto report = RecoverWal(*env_, dir_, 0,
                           [&](uint64_t, WalRecordType type, std::string_view payload) {
                             types.push_back(type);
                             payloads.emplace_back(payload);
                             return Status::Ok();
                           });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->bytes_truncated, 0u);
  EXPECT_EQ(payloads, (std::vector<std::string>{"old-1", "old-2", "new-3"}));
  EXPECT_EQ(types, (std::vector<WalRecordType>{WalRecordType::kWriteBatchV1,
                                               WalRecordType::kWriteBatchV1,
                                               WalRecordType::kWriteBatch}));
}

TEST_F(WalTest, ANewerVersionIsRefusedNotTruncated) {
  std::string file = EncodeWalFileHeader(1, kWalVersion + 1);
  EncodeWalRecord(1, WalRecordType::kWriteBatch, "future", &file);
  auto f = env_->NewWritableFile(WalFileName(dir_, 1), OpenMode::kTruncate);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(file).ok());
  ASSERT_TRUE((*f)->Close().ok());
  Replayed r;
  auto report = Replay(*env_, dir_, 0, &r);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kNotSupported) << report.status().ToString();
  auto size = env_->FileSize(WalFileName(dir_, 1));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, file.size());
}

}  // namespace
}  // namespace quarry::storage
