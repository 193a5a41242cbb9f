// The PDF fork server ("zygote"): `quarry-pdf-extract --fork-server`, started
// once by the parent (pdf_fork_client.h) with one end of a SOCK_SEQPACKET
// socketpair as its stdin. It pays the exec and the loading of poppler and
// its ~30 libraries once, warms poppler up on a built-in one-page PDF, then
// hands each request (pdf_fork_protocol.h) to a worker it forked
// (pdf_fork_worker.h), which does exactly what one helper process does
// (pdf_helper_run.h) on the descriptors received, for up to
// `files_per_worker` requests in turn. The server enforces the wall-clock
// deadline of each request (killing the worker), reaps workers that end
// and reports how each request ended; a request that ends its worker gets
// the worker's exit status, as a helper process's. A fresh worker is forked
// for the next request after one retires or ends, or when a request brings
// other memory or time limits. docs/design/pdf-extraction.md.
//
// Thread-safety: the server is single-threaded by design (it forks); it
// handles one request at a time.
#ifndef QUARRY_INGEST_PDF_PDF_FORK_SERVER_H_
#define QUARRY_INGEST_PDF_PDF_FORK_SERVER_H_

#include <cstdint>

namespace quarry::ingest {

// Serves requests on `socket_fd` until the parent closes its end (returns 0)
// or breaks the protocol (returns 1). Never returns in the forked workers.
int RunPdfForkServer(int socket_fd, uint32_t files_per_worker);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_FORK_SERVER_H_
