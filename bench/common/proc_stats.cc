#include "common/proc_stats.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <thread>
#include <vector>

namespace quarry::bench {
namespace {

// The number after "<field>:" on a line of a /proc file (0 if missing).
uint64_t ProcField(const char* file, std::string_view field) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10);
    }
  }
  return 0;
}

// The memory fields of a /proc/<pid>/status file, read at once so that they
// describe the same moment.
MemoryStats ReadStatusFile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  MemoryStats m;
  auto take = [&line](std::string_view field, uint64_t* out) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      *out = std::strtoull(line.c_str() + field.size() + 1, nullptr, 10) * 1024;
    }
  };
  while (std::getline(in, line)) {
    take("VmRSS", &m.rss);
    take("VmHWM", &m.hwm);
    take("RssAnon", &m.rss_anon);
    take("RssFile", &m.rss_file);
  }
  return m;
}

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; }

}  // namespace

MemoryStats ReadMemoryStats() { return ReadStatusFile("/proc/self/status"); }

MemoryStats ReadMemoryStats(pid_t pid) {
  return ReadStatusFile("/proc/" + std::to_string(pid) + "/status");
}

std::map<std::string, uint64_t> MappedResidentBytesByFile(const std::string& prefix) {
  std::map<std::string, uint64_t> rss;
  std::ifstream smaps("/proc/self/smaps");
  std::string line, file;
  while (std::getline(smaps, line)) {
    // A mapping's header line starts with its address range "begin-end";
    // the path, if any, is its last field.
    const size_t dash = line.find('-');
    if (dash != std::string::npos && dash > 0 &&
        line.find_first_not_of("0123456789abcdef") == dash) {
      const size_t slash = line.find('/');
      file = slash != std::string::npos && line.compare(slash, prefix.size(), prefix) == 0
                 ? line.substr(slash + prefix.size())
                 : std::string();
      continue;
    }
    if (!file.empty() && line.rfind("Rss:", 0) == 0) {
      rss[file] += std::strtoull(line.c_str() + 4, nullptr, 10) << 10;  // kB
    }
  }
  return rss;
}

std::map<std::string, uint64_t> PageCachedBytesByFile(const std::string& dir) {
  std::map<std::string, uint64_t> cached;
  std::error_code ec;
  const long page = sysconf(_SC_PAGESIZE);
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->file_size(ec) == 0) continue;
    const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const size_t size = it->file_size(ec);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) continue;
    std::vector<unsigned char> pages((size + page - 1) / page);
    if (::mincore(map, size, pages.data()) == 0) {
      uint64_t n = 0;
      for (unsigned char p : pages) n += p & 1;
      cached[std::filesystem::relative(it->path(), dir, ec).string()] = n * page;
    }
    ::munmap(map, size);
  }
  return cached;
}

ProcessCounters ReadProcessCounters() {
  ProcessCounters c;
  c.read_bytes = ProcField("/proc/self/io", "read_bytes");
  c.write_bytes = ProcField("/proc/self/io", "write_bytes");
  rusage u{};
  if (getrusage(RUSAGE_SELF, &u) == 0) {
    c.major_faults = static_cast<uint64_t>(u.ru_majflt);
    c.minor_faults = static_cast<uint64_t>(u.ru_minflt);
    c.user_s = Seconds(u.ru_utime);
    c.system_s = Seconds(u.ru_stime);
  }
  return c;
}

ProcessCounters operator-(const ProcessCounters& a, const ProcessCounters& b) {
  return {a.read_bytes - b.read_bytes,
          a.write_bytes - b.write_bytes,
          a.major_faults - b.major_faults,
          a.minor_faults - b.minor_faults,
          a.user_s - b.user_s,
          a.system_s - b.system_s};
}

int64_t MonotonicNanos() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  in >> one;
  return in ? one : 0;
}

Status DropPageCache() {
  sync();
  std::ofstream out("/proc/sys/vm/drop_caches");
  out << "3\n";
  out.flush();
  if (!out) {
    return Status::FailedPrecondition(
        "cannot write /proc/sys/vm/drop_caches (needs root): only warm figures are possible");
  }
  return Status::Ok();
}

std::string MachineDescription() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::string model = "unknown CPU";
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) model = line.substr(colon + 2);
      break;
    }
  }
  const uint64_t mem_kib = ProcField("/proc/meminfo", "MemTotal");
  return model + ", " + std::to_string(std::thread::hardware_concurrency()) +
         " hardware threads, " + std::to_string(mem_kib / 1024 / 1024) + " GiB RAM";
}

}  // namespace quarry::bench
