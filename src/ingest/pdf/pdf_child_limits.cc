#include "ingest/pdf/pdf_child_limits.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace quarry::ingest {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

Status SetLimit(int resource, const char* name, rlim_t soft, rlim_t hard) {
  struct rlimit current {};
  if (::getrlimit(resource, &current) != 0) {
    return Status::Internal(std::string("getrlimit(") + name + "): " + std::strerror(errno));
  }
  // Never raise: an administrator's lower limit stays.
  struct rlimit wanted {};
  wanted.rlim_max = std::min(hard, current.rlim_max);
  wanted.rlim_cur = std::min(soft, wanted.rlim_max);
  if (::setrlimit(resource, &wanted) != 0) {
    return Status::Internal(std::string("setrlimit(") + name + "): " + std::strerror(errno));
  }
  return Status::Ok();
}

// Whole seconds of the wall-clock limit, plus one.
rlim_t CpuSecondsPerFile(const PdfLimits& limits) {
  return (rlim_t{limits.timeout_ms} + 999) / 1000 + 1;
}

bool ParseNumber(const std::string& s, uint64_t* out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end && !s.empty();
}

}  // namespace

std::vector<std::string> PdfHelperArgs(const PdfLimits& limits) {
  return {"--max-pages",    std::to_string(limits.max_pages),
          "--max-chars",    std::to_string(limits.max_chars),
          "--memory-bytes", std::to_string(limits.memory_bytes),
          "--timeout-ms",   std::to_string(limits.timeout_ms)};
}

Result<PdfLimits> ParsePdfHelperArgs(const std::vector<std::string>& args) {
  PdfLimits limits;
  if (args.size() % 2 != 0) return Status::InvalidArgument("expected --flag value pairs");
  for (size_t i = 0; i < args.size(); i += 2) {
    uint64_t v = 0;
    if (!ParseNumber(args[i + 1], &v)) {
      return Status::InvalidArgument(args[i] + " needs a number, got '" + args[i + 1] + "'");
    }
    if (args[i] == "--max-pages" && v <= UINT32_MAX) {
      limits.max_pages = static_cast<uint32_t>(v);
    } else if (args[i] == "--max-chars") {
      limits.max_chars = v;
    } else if (args[i] == "--memory-bytes") {
      limits.memory_bytes = v;
    } else if (args[i] == "--timeout-ms" && v <= UINT32_MAX) {
      limits.timeout_ms = static_cast<uint32_t>(v);
    } else {
      return Status::InvalidArgument("unknown or out-of-range argument " + args[i]);
    }
  }
  return limits;
}

bool PdfMemoryLimitSupported() { return !kAsan; }

Status ApplyPdfChildLimits(const PdfLimits& limits, uint32_t files) {
  if (PdfMemoryLimitSupported() && limits.memory_bytes != 0) {
    QUARRY_RETURN_IF_ERROR(
        SetLimit(RLIMIT_AS, "RLIMIT_AS", limits.memory_bytes, limits.memory_bytes));
  }
  const rlim_t cpu_seconds = CpuSecondsPerFile(limits);
  QUARRY_RETURN_IF_ERROR(SetLimit(RLIMIT_CPU, "RLIMIT_CPU", cpu_seconds,
                                  cpu_seconds * std::max<rlim_t>(files, 1) + 1));
  QUARRY_RETURN_IF_ERROR(SetLimit(RLIMIT_FSIZE, "RLIMIT_FSIZE", 0, 0));
  QUARRY_RETURN_IF_ERROR(
      SetLimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", kPdfHelperMaxFiles, kPdfHelperMaxFiles));
  QUARRY_RETURN_IF_ERROR(SetLimit(RLIMIT_CORE, "RLIMIT_CORE", 0, 0));
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Status::Internal(std::string("prctl(PR_SET_NO_NEW_PRIVS): ") + std::strerror(errno));
  }
  // LeakSanitizer checks for leaks at exit from a helper task that ptraces
  // this one: that needs a dumpable process and a free process slot.
  if (kAsan) return Status::Ok();
  QUARRY_RETURN_IF_ERROR(SetLimit(RLIMIT_NPROC, "RLIMIT_NPROC", 0, 0));
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return Status::Internal(std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno));
  }
  return Status::Ok();
}

Status SetPdfFileCpuBudget(const PdfLimits& limits) {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) {
    return Status::Internal(std::string("getrusage: ") + std::strerror(errno));
  }
  const uint64_t used_us =
      static_cast<uint64_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000 +
      static_cast<uint64_t>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  const rlim_t used_seconds = static_cast<rlim_t>((used_us + 999'999) / 1'000'000);
  return SetLimit(RLIMIT_CPU, "RLIMIT_CPU", used_seconds + CpuSecondsPerFile(limits),
                  RLIM_INFINITY);
}

}  // namespace quarry::ingest
