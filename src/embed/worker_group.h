// WorkerGroup: a fixed set of threads that run the parts of one parallel
// step (the column ranges of a matrix product, attention heads) beside the
// caller.
//
// The encoder owns one group for its own kernels and for oneDNN's products,
// which run single-threaded per part (gemm.h); on OpenBLAS the float32
// products use OpenBLAS's pool instead. It goes when the engine's CPU pool
// (which the batcher brings) can run encoder work.
//
// Thread-safety: Run may be called from any thread; calls are serialized.
#ifndef QUARRY_EMBED_WORKER_GROUP_H_
#define QUARRY_EMBED_WORKER_GROUP_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace quarry::embed {

class WorkerGroup {
 public:
  // `threads` >= 1 parts per Run; threads - 1 of them are started here.
  explicit WorkerGroup(int threads);
  ~WorkerGroup();
  WorkerGroup(const WorkerGroup&) = delete;
  WorkerGroup& operator=(const WorkerGroup&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs part(0) .. part(size() - 1), part(0) on the calling thread, and
  // returns when all are done. With `parallel` false, runs part(0) alone
  // with parts() == 1: for steps too small to pay for waking the workers.
  void Run(const std::function<void(int)>& part, bool parallel = true);

 private:
  void Loop(int index);

  std::mutex run_mu_;  // one Run at a time
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int)>* job_ = nullptr;  // guarded by mu_
  uint64_t generation_ = 0;                        // guarded by mu_
  int pending_ = 0;                                // guarded by mu_
  bool stop_ = false;                              // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_WORKER_GROUP_H_
