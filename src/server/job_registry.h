// JobRegistry: the ingestion jobs of a server, for answers given before the
// work is done (POST .../documents without ?wait=true answers 202 with a
// job id; GET /api/jobs/{id} tells how it went).
//
// Jobs live in memory: a restart forgets them (the documents a finished job
// wrote are durable; a job cut short by a restart wrote nothing it did not
// acknowledge in its result). The newest kMaxFinishedJobs finished jobs are
// kept; older ones are forgotten (404).
//
// Thread-safety: all methods may be called from any thread (one mutex).
#ifndef QUARRY_SERVER_JOB_REGISTRY_H_
#define QUARRY_SERVER_JOB_REGISTRY_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/api_response.h"

namespace quarry::server {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed };
std::string_view JobStateName(JobState state);

struct JobView {
  std::string id;
  std::string kind;        // "upsert_documents"
  std::string collection;
  JobState state = JobState::kQueued;
  int http_status = 0;      // of the result, once finished
  std::string result_json;  // the body a synchronous request would have answered
  int64_t created_unix_ms = 0;
  int64_t finished_unix_ms = 0;
};

class JobRegistry {
 public:
  static constexpr size_t kMaxFinishedJobs = 1000;

  JobRegistry();
  // Registers a queued job and returns its id.
  std::string Create(std::string kind, std::string collection);
  void MarkRunning(const std::string& id);
  // Records the answer; 2xx is success.
  void Finish(const std::string& id, const ApiResponse& response);
  std::optional<JobView> Get(const std::string& id) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, JobView> jobs_;  // guarded by mu_
  std::deque<std::string> finished_;               // guarded by mu_; oldest first
  uint64_t next_ = 1;                              // guarded by mu_
  const uint32_t prefix_;  // random per server: ids of two runs do not collide
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_JOB_REGISTRY_H_
