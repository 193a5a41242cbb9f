#include "server/job_registry.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

TEST(JobRegistryTest, JobsGoFromQueuedToAResult) {
  JobRegistry jobs;
  const std::string id = jobs.Create("upsert_documents", "notes");
  ASSERT_TRUE(jobs.Get(id).has_value());
  EXPECT_EQ(jobs.Get(id)->state, JobState::kQueued);
  jobs.MarkRunning(id);
  EXPECT_EQ(jobs.Get(id)->state, JobState::kRunning);
  ApiResponse ok;
  ok.body = R"({"documents":1})";
  jobs.Finish(id, ok);
  EXPECT_EQ(jobs.Get(id)->state, JobState::kSucceeded);
  EXPECT_EQ(jobs.Get(id)->result_json, ok.body);
  const std::string bad = jobs.Create("upsert_documents", "notes");
  ApiResponse full;
  full.status = boost::beast::http::status::insufficient_storage;
  jobs.Finish(bad, full);
  EXPECT_EQ(jobs.Get(bad)->state, JobState::kFailed);
  EXPECT_EQ(jobs.Get(bad)->http_status, 507);
  EXPECT_NE(id, bad);
  EXPECT_FALSE(jobs.Get("no-such-job").has_value());
}

TEST(JobRegistryTest, OnlyTheNewestFinishedJobsAreKept) {
  JobRegistry jobs;
  const std::string first = jobs.Create("k", "c");
  jobs.Finish(first, ApiResponse());
  for (size_t i = 0; i < JobRegistry::kMaxFinishedJobs; ++i) {
    jobs.Finish(jobs.Create("k", "c"), ApiResponse());
  }
  EXPECT_FALSE(jobs.Get(first).has_value());
  const std::string running = jobs.Create("k", "c");
  for (size_t i = 0; i < JobRegistry::kMaxFinishedJobs + 5; ++i) {
    jobs.Finish(jobs.Create("k", "c"), ApiResponse());
  }
  EXPECT_TRUE(jobs.Get(running).has_value());  // unfinished jobs are never dropped
}

TEST(JobRegistryTest, A207IsPartialAndProgressIsKept) {
  JobRegistry jobs;
  const std::string id = jobs.Create("upload_files", "notes");
  EXPECT_FALSE(jobs.Get(id)->progress.has_value());
  JobProgress progress;
  progress.files_total = 3;
  progress.files_done = 1;
  progress.chunks = 7;
  jobs.SetProgress(id, progress);
  ASSERT_TRUE(jobs.Get(id)->progress.has_value());
  EXPECT_EQ(jobs.Get(id)->progress->files_done, 1u);
  EXPECT_EQ(jobs.Get(id)->progress->chunks, 7u);
  ApiResponse some_failed;
  some_failed.status = boost::beast::http::status::multi_status;
  jobs.Finish(id, some_failed);
  EXPECT_EQ(jobs.Get(id)->state, JobState::kPartial);
  EXPECT_EQ(JobStateName(JobState::kPartial), "partial");
  EXPECT_EQ(jobs.Get(id)->progress->files_total, 3u);
}

TEST(JobRegistryTest, FinishedResultsAreBoundedInBytes) {
  JobRegistry jobs;
  ApiResponse large;
  large.body.assign(JobRegistry::kMaxFinishedResultBytes / 3 + 1, 'x');
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(jobs.Create("k", "c"));
    jobs.Finish(ids.back(), large);
  }
  // Three such results are over the bound: only the newest two are kept.
  EXPECT_FALSE(jobs.Get(ids[0]).has_value());
  EXPECT_FALSE(jobs.Get(ids[1]).has_value());
  EXPECT_TRUE(jobs.Get(ids[2]).has_value());
  EXPECT_TRUE(jobs.Get(ids[3]).has_value());
  // One result over the bound alone is still kept.
  ApiResponse huge;
  huge.body.assign(JobRegistry::kMaxFinishedResultBytes + 1, 'y');
  const std::string last = jobs.Create("k", "c");
  jobs.Finish(last, huge);
  EXPECT_TRUE(jobs.Get(last).has_value());
  EXPECT_FALSE(jobs.Get(ids[3]).has_value());
}

}  // namespace
}  // namespace quarry::server
