// The helpers of base/env.h, written only against the Env interface so that
// they behave the same (and fail the same way) on the POSIX Env and under a
// FaultInjectionEnv.
#include "base/env.h"

#include <utility>

namespace quarry {

Result<std::string> ReadFileToString(Env& env, const std::string& path, uint64_t max_bytes) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env.NewRandomAccessFile(path));
  const uint64_t size = file->Size();
  if (size > max_bytes) {
    return Status::ResourceExhausted("'" + path + "' is " + std::to_string(size) +
                                     " bytes, over the limit of " + std::to_string(max_bytes));
  }
  std::string out(static_cast<size_t>(size), '\0');
  QUARRY_ASSIGN_OR_RETURN(
      size_t read,
      file->Read(0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size())));
  out.resize(read);  // the file shrank since it was opened: return what is there
  return out;
}

Status WriteFileAtomically(Env& env, const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  Status s;
  {
    auto file = env.NewWritableFile(tmp, OpenMode::kTruncate);
    if (!file.ok()) return file.status();
    s = (*file)->Append(data);
    if (s.ok()) s = (*file)->Sync();
    if (s.ok()) s = (*file)->Close();
  }
  if (s.ok()) s = env.RenameFile(tmp, path);
  if (!s.ok()) {
    env.RemoveFile(tmp);  // best effort: a leftover .tmp is harmless, the error matters more
    return s;
  }
  // The rename has happened. If the directory cannot be synced the new
  // content is visible but may not survive a power cut; the caller must not
  // treat the write as durable.
  return env.SyncDir(DirName(path));
}

std::string DirName(const std::string& path) {
  std::string_view p(path);
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  const size_t slash = p.rfind('/');
  if (slash == std::string_view::npos) return ".";
  std::string_view dir = p.substr(0, slash);
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  if (dir.empty()) return "/";
  return std::string(dir);
}

}  // namespace quarry
