// The messages between Quarry and the PDF fork server (`quarry-pdf-extract
// --fork-server`, pdf_fork_server.h), over a SOCK_SEQPACKET socketpair: one
// message per send, so no framing is needed. docs/design/pdf-extraction.md.
//
//   server -> parent  PdfForkReply{kReady}, once, when it has started
//   parent -> server  PdfForkRequest + SCM_RIGHTS {pdf, stdout, stderr}
//   server -> parent  PdfForkReply{kExited | kSignaled | kTimedOut | kForkFailed}
//
// The server hands each request on to a worker, a child it forked that
// extracts up to `--files-per-worker` PDFs in turn before it is replaced, over
// a second socketpair with the same messages:
//
//   worker -> server  PdfForkReply{kReady}, once, when it has set itself up
//   server -> worker  PdfForkRequest + SCM_RIGHTS {pdf, stdout, stderr}
//   worker -> server  PdfForkReply{kDone | kDoneRetiring}
//
// Both sides are built from one tree, but the helper on disk may come from
// another build: the version in every message makes a mismatch a protocol
// error (the parent then falls back to one process per PDF).
//
// Thread-safety: constants and plain structs.
#ifndef QUARRY_INGEST_PDF_PDF_FORK_PROTOCOL_H_
#define QUARRY_INGEST_PDF_PDF_FORK_PROTOCOL_H_

#include <cstdint>

namespace quarry::ingest {

inline constexpr char kPdfForkServerFlag[] = "--fork-server";
// `--fork-server --files-per-worker N`: PDFs one worker extracts before the
// server forks a fresh one. 1 = a fresh process for every PDF.
inline constexpr char kPdfFilesPerWorkerFlag[] = "--files-per-worker";
inline constexpr uint32_t kPdfDefaultFilesPerWorker = 64;
inline constexpr uint32_t kPdfMaxFilesPerWorker = 1'000'000;
inline constexpr uint32_t kPdfForkMagic = 0x4b525146;  // "FQRK"
inline constexpr uint32_t kPdfForkVersion = 1;
// Descriptors passed with a request, in this order.
inline constexpr int kPdfForkRequestFds = 3;

struct PdfForkRequest {
  uint32_t magic = kPdfForkMagic;
  uint32_t version = kPdfForkVersion;
  uint32_t max_pages = 0;
  uint32_t timeout_ms = 0;
  uint64_t max_chars = 0;
  uint64_t memory_bytes = 0;
};

enum class PdfForkReplyKind : uint32_t {
  kReady = 0,     // value: 0
  kExited = 1,    // value: the exit code of the PDF's run
  kSignaled = 2,  // value: the signal that ended the worker during the PDF
  kTimedOut = 3,  // the server killed the worker at the deadline
  // value: an errno. No worker could take the request (fork or socketpair
  // failed), or it broke without the PDF's doing (EPROTO): the PDF has no
  // outcome, the parent extracts it another way.
  kForkFailed = 4,
  // Worker -> server only. value: the run's exit code, as a helper process's
  // (pdf_helper_run.h). kDoneRetiring: the worker exits right after it.
  kDone = 5,
  kDoneRetiring = 6,
};

struct PdfForkReply {
  uint32_t magic = kPdfForkMagic;
  uint32_t version = kPdfForkVersion;
  PdfForkReplyKind kind = PdfForkReplyKind::kReady;
  int32_t value = 0;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_FORK_PROTOCOL_H_
