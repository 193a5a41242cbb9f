#include "server/job_registry.h"

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

}  // namespace
}  // namespace quarry::server
