// Save under injected faults and power cuts (base/testing/fault_injection_env.h):
// a failed Save says so and leaves no temporary file; after a crash at any
// point the directory opens as the previous save or the new one, or is
// refused as a mix of two saves, never read torn; a completed Save survives
// a power cut.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"
#include "vector/hnsw_index.h"
#include "vector/hnsw_test_util.h"

namespace quarry::vector {
namespace {

using quarry::testing::EnvOp;
using quarry::testing::FaultInjectionEnv;
using quarry::testing::InjectedFault;
using testing::Clustered;
using testing::DataSet;

std::unique_ptr<HnswIndex> Build(const DataSet& data) {
  HnswConfig c;
  c.m = 4;
  c.ef_construct = 16;
  c.full_scan_threshold = 0;
  c.quantization = Quantization::kInt8;
  c.build_threads = 1;
  auto index = HnswIndex::Create(data.dims, c);
  EXPECT_TRUE(index.ok());
  EXPECT_TRUE((*index)->AddBatch(0, data.values).ok());
  return std::move(index).value();
}

bool SameResults(const HnswIndex& a, const HnswIndex& b, const DataSet& queries) {
  for (size_t q = 0; q < queries.rows(); ++q) {
    auto ra = a.Search(queries.Row(q), {.k = 5, .ef = 16});
    auto rb = b.Search(queries.Row(q), {.k = 5, .ef = 16});
    if (!ra.ok() || !rb.ok() || ra->size() != rb->size()) return false;
    for (size_t i = 0; i < ra->size(); ++i) {
      if ((*ra)[i].row != (*rb)[i].row || (*ra)[i].score != (*rb)[i].score) return false;
    }
  }
  return true;
}

class HnswFileFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_ = Build(Clustered(1200, 8, 6, 1.0f, 51));
    new_ = Build(Clustered(1300, 8, 6, 1.0f, 52));
    queries_ = Clustered(20, 8, 6, 1.0f, 53);
    dir_ = tmp_.Sub("index");
  }

  // Saves the old index through a fresh fault-injecting env; returns it.
  std::unique_ptr<FaultInjectionEnv> SaveOld() {
    auto env = std::make_unique<FaultInjectionEnv>(NewPosixEnv());
    EXPECT_TRUE(old_->Save(*env, dir_).ok());
    return env;
  }

  // What the directory holds now: "old", "new", "mixed" (refused as files
  // of two saves) or the unexpected error.
  std::string Outcome(Env& env) {
    auto opened = HnswIndex::Open(env, dir_, true);
    if (!opened.ok()) {
      const Status& s = opened.status();
      if (s.code() == StatusCode::kCorruption &&
          s.message().find("different save") != std::string::npos) {
        return "mixed";
      }
      return s.ToString();
    }
    if (SameResults(**opened, *old_, queries_)) return "old";
    if (SameResults(**opened, *new_, queries_)) return "new";
    return "neither";
  }

  std::vector<std::string> TemporaryFiles() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() == ".tmp") out.push_back(e.path().filename());
    }
    return out;
  }

  quarry::testing::TempDir tmp_;
  std::string dir_;
  std::unique_ptr<HnswIndex> old_;
  std::unique_ptr<HnswIndex> new_;
  DataSet queries_;
};

TEST_F(HnswFileFaultTest, ASaveSurvivesAPowerCut) {
  auto env = SaveOld();
  ASSERT_TRUE(env->SimulatePowerLoss().ok());
  EXPECT_EQ(Outcome(*env), "old");
}

TEST_F(HnswFileFaultTest, EveryFailedOperationIsReportedAndCleanedUp) {
  auto env = SaveOld();
  env->ResetCounters();
  ASSERT_TRUE(new_->Save(*env, dir_).ok());
  const uint64_t ops = env->MutatingOpCount();
  // Three files: create, append(s), write the header, sync, rename, sync
  // the directory; plus creating the directory.
  ASSERT_GE(ops, 3u * 6);
  ASSERT_EQ(env->OpCount(EnvOp::kSync), 3u);
  ASSERT_EQ(env->OpCount(EnvOp::kSyncDir), 3u);

  for (uint64_t n = 1; n <= ops; ++n) {
    env = SaveOld();
    env->FailAfter(n, n % 2 ? InjectedFault::kIoError : InjectedFault::kNoSpace);
    Status s = new_->Save(*env, dir_);
    env->ClearFaults();
    EXPECT_FALSE(s.ok()) << "operation " << n << " failed but Save succeeded";
    // The Env's own error, passed through unchanged.
    EXPECT_NE(s.message().find("injected"), std::string::npos) << s.ToString();
    EXPECT_TRUE(TemporaryFiles().empty()) << "operation " << n;
    const std::string outcome = Outcome(*env);
    EXPECT_TRUE(outcome == "old" || outcome == "new" || outcome == "mixed")
        << "operation " << n << ": " << outcome;
  }
}

TEST_F(HnswFileFaultTest, ACrashAtAnyPointLeavesOldNewOrARefusedMix) {
  auto env = SaveOld();
  env->ResetCounters();
  ASSERT_TRUE(new_->Save(*env, dir_).ok());
  const uint64_t ops = env->MutatingOpCount();
  size_t old_count = 0, new_count = 0;
  for (uint64_t n = 1; n <= ops + 1; ++n) {
    env = SaveOld();
    // The process dies before its n-th operation: nothing after it happens.
    env->FailAfter(n, InjectedFault::kIoError, /*sticky=*/true);
    (void)new_->Save(*env, dir_);
    ASSERT_TRUE(env->SimulatePowerLoss().ok());
    const std::string outcome = Outcome(*env);
    EXPECT_TRUE(outcome == "old" || outcome == "new" || outcome == "mixed")
        << "crash before operation " << n << ": " << outcome;
    old_count += outcome == "old";
    new_count += outcome == "new";
  }
  EXPECT_GT(old_count, 0u);
  EXPECT_EQ(new_count, 1u);  // only when the crash comes after the last operation
}

}  // namespace
}  // namespace quarry::vector
