// The parent's side of the PDF fork server (pdf_fork_server.h): a pool of
// servers, each a child of this process started lazily on first use, each
// serving one extraction at a time.
//
// An extraction checks a server out of the pool (or starts one), passes it
// the PDF and the write ends of two fresh pipes with SCM_RIGHTS, reads the
// worker's stdout and stderr as RunSubprocess does, and takes the run's
// ending from the server's reply. The server enforces the deadline; the
// parent keeps its own (the limit plus a margin) on the whole exchange.
//
// Any failure of the server itself (it cannot start, dies, stops answering,
// breaks the protocol) is returned as a non-ok Status and never as the PDF's
// outcome: the caller then extracts the PDF with one process of its own
// (RunSubprocess), and the broken server is killed, reaped and replaced on a
// later call. docs/design/pdf-extraction.md.
//
// Thread-safety: a PdfForkServerPool may be used from several threads at
// once; each call has a server to itself (one per concurrent caller). It
// must outlive every call, and its destructor kills and reaps the idle
// servers.
#ifndef QUARRY_INGEST_PDF_PDF_FORK_CLIENT_H_
#define QUARRY_INGEST_PDF_PDF_FORK_CLIENT_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/pdf/pdf_text.h"
#include "ingest/pdf/subprocess.h"
#include "quarry/status.h"

namespace quarry::ingest {

class PdfForkServer;

// False when the environment says QUARRY_PDF_FORK_SERVER=0: then callers
// make no pool and every PDF gets a process of its own, spawned.
bool PdfForkServerEnabled();

// PDFs a server's worker extracts before it is replaced by a fresh process:
// QUARRY_PDF_FILES_PER_WORKER (1 to kPdfMaxFilesPerWorker; 1 = a fresh
// process for every PDF), else kPdfDefaultFilesPerWorker.
uint32_t PdfFilesPerWorkerFromEnv();

class PdfForkServerPool {
 public:
  // `files_per_worker`: see PdfFilesPerWorkerFromEnv (clamped to its range).
  PdfForkServerPool(std::string helper_executable,
                    uint32_t files_per_worker = PdfFilesPerWorkerFromEnv());
  ~PdfForkServerPool();
  PdfForkServerPool(const PdfForkServerPool&) = delete;
  PdfForkServerPool& operator=(const PdfForkServerPool&) = delete;

  const std::string& helper_executable() const { return helper_; }

  // Runs one helper on the PDF open as `pdf_fd` (read from its current
  // offset, which is left unchanged: the worker gets a descriptor of its own
  // on the same file) with `limits`. The result is what RunSubprocess would
  // report for a helper process on the same PDF. A non-ok Status is a failure of the server,
  // not of the PDF: fall back to RunSubprocess.
  Result<SubprocessResult> Run(int pdf_fd, const PdfLimits& limits, size_t max_stdout_bytes,
                               size_t max_stderr_bytes);

  // The pids of the idle servers, for tests.
  std::vector<pid_t> IdleServerPidsForTesting() const;

 private:
  std::unique_ptr<PdfForkServer> Checkout();
  void Return(std::unique_ptr<PdfForkServer> server);

  const std::string helper_;
  const uint32_t files_per_worker_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<PdfForkServer>> idle_;  // guarded by mu_
  // After a server fails to start, none is tried again before this time
  // (a helper that cannot serve costs its start-up timeout once, not on
  // every PDF).
  std::chrono::steady_clock::time_point no_start_before_{};  // guarded by mu_
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_FORK_CLIENT_H_
