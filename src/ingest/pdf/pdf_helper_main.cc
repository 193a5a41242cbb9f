// quarry-pdf-extract: the sandboxed PDF helper. Not for people: Quarry runs it
// (pdf_sandbox.h) with the limits on its command line and the PDF on stdin, and
// reads one frame (pdf_frame.h) from its stdout; or, with --fork-server, once
// per process as a server whose forked workers do such runs, one per request
// (pdf_fork_server.h).
//
// Order matters: the limits are applied before a byte of input is read, so
// nothing the PDF contains runs without them (pdf_helper_run.h).
//
// By hand: `quarry-pdf-extract < doc.pdf | xxd`. Its stdout must be a pipe:
// with RLIMIT_FSIZE = 0, writing to a regular file kills it with SIGXFSZ.
#include <cstdio>
#include <string>
#include <vector>

#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_fork_messages.h"
#include "ingest/pdf/pdf_fork_server.h"
#include "ingest/pdf/pdf_helper_run.h"

int main(int argc, char** argv) {
  using namespace quarry::ingest;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == kPdfForkServerFlag) {
    uint32_t files_per_worker = kPdfDefaultFilesPerWorker;
    if (args.size() == 3 && args[1] == kPdfFilesPerWorkerFlag) {
      const std::optional<uint32_t> n = ParseFilesPerWorker(args[2]);
      if (!n) {
        std::fprintf(stderr, "quarry-pdf-extract: %s must be 1 to %u\n", kPdfFilesPerWorkerFlag,
                     kPdfMaxFilesPerWorker);
        return kPdfHelperExitUsage;
      }
      files_per_worker = *n;
    } else if (args.size() != 1) {
      std::fprintf(stderr, "quarry-pdf-extract: usage: %s [%s N]\n", kPdfForkServerFlag,
                   kPdfFilesPerWorkerFlag);
      return kPdfHelperExitUsage;
    }
    return RunPdfForkServer(0, files_per_worker);
  }
  const quarry::Result<PdfLimits> limits = ParsePdfHelperArgs(args);
  if (!limits.ok()) {
    std::fprintf(stderr, "quarry-pdf-extract: %s\n", limits.status().ToString().c_str());
    return kPdfHelperExitUsage;
  }
  return RunPdfHelper(*limits);
}
