#include "ingest/pdf/pdf_fork_messages.h"

#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace quarry::ingest {

PdfForkRequest PdfForkRequestFor(const PdfLimits& limits) {
  PdfForkRequest request;
  request.max_pages = limits.max_pages;
  request.timeout_ms = limits.timeout_ms;
  request.max_chars = limits.max_chars;
  request.memory_bytes = limits.memory_bytes;
  return request;
}

PdfLimits PdfLimitsOf(const PdfForkRequest& request) {
  PdfLimits limits;
  limits.max_pages = request.max_pages;
  limits.max_chars = request.max_chars;
  limits.memory_bytes = request.memory_bytes;
  limits.timeout_ms = request.timeout_ms;
  return limits;
}

std::optional<uint32_t> ParseFilesPerWorker(std::string_view text) {
  uint32_t n = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || ptr != end || n < 1 || n > kPdfMaxFilesPerWorker) return std::nullopt;
  return n;
}

bool SendPdfForkRequest(int socket_fd, const PdfForkRequest& request,
                        const int fds[kPdfForkRequestFds]) {
  PdfForkRequest copy = request;
  iovec iov{&copy, sizeof(copy)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kPdfForkRequestFds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * kPdfForkRequestFds);
  std::memcpy(CMSG_DATA(c), fds, sizeof(int) * kPdfForkRequestFds);
  ssize_t n;
  while ((n = ::sendmsg(socket_fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (n >= 0 && n != sizeof(copy)) errno = EMSGSIZE;
  return n == sizeof(copy);
}

int ReceivePdfForkRequest(int socket_fd, PdfForkRequest* request,
                          UniqueFd fds[kPdfForkRequestFds]) {
  iovec iov{request, sizeof(*request)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kPdfForkRequestFds)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  while ((n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (n == 0) return 0;
  int received = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (received < kPdfForkRequestFds) {
        fds[received++] = UniqueFd(fd);
      } else {
        ::close(fd);
      }
    }
  }
  if (n != sizeof(*request) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 ||
      received != kPdfForkRequestFds || request->magic != kPdfForkMagic ||
      request->version != kPdfForkVersion) {
    for (int i = 0; i < kPdfForkRequestFds; ++i) fds[i].Close();
    return -1;
  }
  return 1;
}

bool SendPdfForkReply(int socket_fd, PdfForkReplyKind kind, int32_t value) {
  PdfForkReply reply;
  reply.kind = kind;
  reply.value = value;
  for (;;) {
    if (::send(socket_fd, &reply, sizeof(reply), MSG_NOSIGNAL) == sizeof(reply)) return true;
    if (errno != EINTR) return false;
  }
}

bool ReadPdfForkReply(int socket_fd, PdfForkReply* reply) {
  ssize_t n;
  while ((n = ::recv(socket_fd, reply, sizeof(*reply), MSG_DONTWAIT)) < 0 && errno == EINTR) {
  }
  return n == sizeof(*reply) && reply->magic == kPdfForkMagic && reply->version == kPdfForkVersion;
}

}  // namespace quarry::ingest
