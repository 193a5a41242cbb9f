// Making, sending and receiving the messages of pdf_fork_protocol.h over a
// SOCK_SEQPACKET socket: a request with its descriptors (SCM_RIGHTS), and a
// reply. Used on both of the fork server's channels: parent -> server
// (pdf_fork_client.cc, pdf_fork_server.cc) and server -> worker
// (pdf_fork_server.cc, pdf_fork_worker.cc).
//
// Thread-safety: plain functions; a socket must not be used by two threads
// at once.
#ifndef QUARRY_INGEST_PDF_PDF_FORK_MESSAGES_H_
#define QUARRY_INGEST_PDF_PDF_FORK_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/pdf/pdf_fork_protocol.h"
#include "ingest/pdf/pdf_text.h"
#include "ingest/pdf/unique_fd.h"

namespace quarry::ingest {

// A request carries the four limits of one extraction, and gives them back.
PdfForkRequest PdfForkRequestFor(const PdfLimits& limits);
PdfLimits PdfLimitsOf(const PdfForkRequest& request);

// "1" .. kPdfMaxFilesPerWorker as a worker's quota of files; nullopt for
// anything else (empty, signs, trailing characters, out of range).
std::optional<uint32_t> ParseFilesPerWorker(std::string_view text);

// Sends `request` with the kPdfForkRequestFds descriptors `fds` (which stay
// the caller's to close). False with errno set on failure.
bool SendPdfForkRequest(int socket_fd, const PdfForkRequest& request,
                        const int fds[kPdfForkRequestFds]);

// Receives one request and its descriptors, close-on-exec (so that nothing
// else could inherit them). 0 = the other end closed the socket, 1 = a
// request, -1 = a protocol error (wrong size, magic, version or descriptor
// count; whatever descriptors came are closed).
int ReceivePdfForkRequest(int socket_fd, PdfForkRequest* request, UniqueFd fds[kPdfForkRequestFds]);

// Sends one reply. False if the other end is gone (never SIGPIPE).
bool SendPdfForkReply(int socket_fd, PdfForkReplyKind kind, int32_t value);

// Reads one reply without blocking. False if the socket closed, failed, or
// carried anything but a well-formed reply.
bool ReadPdfForkReply(int socket_fd, PdfForkReply* reply);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PDF_PDF_FORK_MESSAGES_H_
