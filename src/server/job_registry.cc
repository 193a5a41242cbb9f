#include "server/job_registry.h"

#include <chrono>
#include <cstdio>
#include <random>

namespace quarry::server {
namespace {

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kSucceeded: return "succeeded";
    case JobState::kPartial: return "partial";
    case JobState::kFailed: return "failed";
  }
  return "unknown";
}

JobRegistry::JobRegistry() : prefix_(std::random_device{}()) {}

std::string JobRegistry::Create(std::string kind, std::string collection) {
  std::lock_guard<std::mutex> lock(mu_);
  char id[40];
  std::snprintf(id, sizeof id, "%08x-%llu", prefix_, static_cast<unsigned long long>(next_++));
  JobView job;
  job.id = id;
  job.kind = std::move(kind);
  job.collection = std::move(collection);
  job.created_unix_ms = NowUnixMs();
  jobs_.emplace(job.id, job);
  return job.id;
}

void JobRegistry::MarkRunning(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = jobs_.find(id); it != jobs_.end()) it->second.state = JobState::kRunning;
}

void JobRegistry::SetProgress(const std::string& id, const JobProgress& progress) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = jobs_.find(id); it != jobs_.end()) it->second.progress = progress;
}

void JobRegistry::Finish(const std::string& id, const ApiResponse& response) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  const int code = static_cast<int>(response.status);
  it->second.state = code == 207                  ? JobState::kPartial
                     : code >= 200 && code < 300 ? JobState::kSucceeded
                                                 : JobState::kFailed;
  it->second.http_status = code;
  it->second.result_json = response.body;
  it->second.finished_unix_ms = NowUnixMs();
  finished_.push_back(id);
  finished_result_bytes_ += response.body.size();
  // The newest job is kept whatever its size: its client is about to ask.
  while (finished_.size() > kMaxFinishedJobs ||
         (finished_.size() > 1 && finished_result_bytes_ > kMaxFinishedResultBytes)) {
    auto oldest = jobs_.find(finished_.front());
    finished_result_bytes_ -= oldest->second.result_json.size();
    jobs_.erase(oldest);
    finished_.pop_front();
  }
}

std::optional<JobView> JobRegistry::Get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

}  // namespace quarry::server
