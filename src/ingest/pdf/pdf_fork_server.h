// The PDF fork server ("zygote"): `quarry-pdf-extract --fork-server`, started
// once by the parent (pdf_fork_client.h) with one end of a SOCK_SEQPACKET
// socketpair as its stdin. It pays the exec and the loading of poppler and
// its ~30 libraries once, warms poppler up on a built-in one-page PDF, then
// for each request (pdf_fork_protocol.h) forks a child that does exactly what
// one helper process does (pdf_helper_run.h) on the descriptors received,
// enforces the wall-clock deadline on it, reaps it and reports how it ended.
// docs/design/pdf-extraction.md.
//
// Thread-safety: the server is single-threaded by design (it forks); it
// handles one request at a time.
#ifndef QUARRY_INGEST_PDF_PDF_FORK_SERVER_H_
#define QUARRY_INGEST_PDF_PDF_FORK_SERVER_H_

namespace quarry::ingest {

// Serves requests on `socket_fd` until the parent closes its end (returns 0)
// or breaks the protocol (returns 1). Never returns in the forked children.
int RunPdfForkServer(int socket_fd);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_FORK_SERVER_H_
