// JobRegistry: the ingestion jobs of a server, for answers given before the
// work is done (POST .../documents without ?wait=true answers 202 with a
// job id; GET /api/jobs/{id} tells how it went).
//
// Jobs live in memory: a restart forgets them (the documents a finished job
// wrote are durable; a job cut short by a restart wrote nothing it did not
// acknowledge in its result). The newest kMaxFinishedJobs finished jobs are
// kept, and only as many of them as hold at most kMaxFinishedResultBytes of
// results (an upload's per-file results can be long); older ones are
// forgotten (404). A running job may report progress (SetProgress).
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

// kPartial: the job finished and wrote some of its input but not all (an
// upload in which some files failed: HTTP 207, docs/design/http-upload.md).
enum class JobState { kQueued, kRunning, kSucceeded, kPartial, kFailed };
std::string_view JobStateName(JobState state);

// How far a running job has come; kept once it finishes.
struct JobProgress {
  uint64_t files_total = 0;
  uint64_t files_done = 0;
  uint64_t documents = 0;  // written so far, unchanged ones included
  uint64_t chunks = 0;     // written so far
  uint64_t bytes_total = 0;
  uint64_t bytes_done = 0;
};

struct JobView {
  std::string id;
  std::string kind;        // "upsert_documents"
  std::string collection;
  JobState state = JobState::kQueued;
  int http_status = 0;      // of the result, once finished
  std::string result_json;  // the body a synchronous request would have answered
  int64_t created_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  std::optional<JobProgress> progress;  // for jobs that report it
};

class JobRegistry {
 public:
  static constexpr size_t kMaxFinishedJobs = 1000;
  static constexpr size_t kMaxFinishedResultBytes = 64u << 20;

  JobRegistry();
  // Registers a queued job and returns its id.
  std::string Create(std::string kind, std::string collection);
  void MarkRunning(const std::string& id);
  void SetProgress(const std::string& id, const JobProgress& progress);
  // Records the answer: 207 is partial, another 2xx success, else failure.
  void Finish(const std::string& id, const ApiResponse& response);
  std::optional<JobView> Get(const std::string& id) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, JobView> jobs_;  // guarded by mu_
  std::deque<std::string> finished_;               // guarded by mu_; oldest first
  size_t finished_result_bytes_ = 0;               // guarded by mu_; of those in finished_
  uint64_t next_ = 1;                              // guarded by mu_
  const uint32_t prefix_;  // random per server: ids of two runs do not collide
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_JOB_REGISTRY_H_
