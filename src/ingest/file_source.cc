#include "ingest/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "ingest/pdf/pdf_sandbox.h"
#include "ingest/pdf_document.h"
#include "text/utf8.h"

namespace quarry::ingest {
namespace fs = std::filesystem;
namespace {

// strerror's text ("Permission denied"), without strerror's shared buffer.
std::string SystemError(int error) { return std::generic_category().message(error); }

// Closes a file descriptor when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// One CollectFiles call: the result so far and what has been seen.
class Collector {
 public:
  explicit Collector(const FileSourceOptions& options) : options_(options) {}

  Status AddArgument(const std::string& arg) {
    if (arg.empty()) return Status::InvalidArgument("empty path");
    const fs::path path(arg);
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);  // arguments are followed
    if (ec || !fs::exists(status)) {
      if (!ec || ec == std::errc::no_such_file_or_directory) {
        return Status::NotFound("no such file or directory: " + arg);
      }
      return Status::IOError(arg + ": " + ec.message());
    }
    if (fs::is_directory(status)) {
      fs::path absolute = fs::absolute(path, ec).lexically_normal();
      if (ec) return Status::IOError(arg + ": " + ec.message());
      if (!absolute.has_filename()) absolute = absolute.parent_path();  // "docs/" -> "docs"
      Walk(path, absolute.filename().string(), "");
    } else if (fs::is_regular_file(status)) {
      AddFile(arg, path.lexically_normal().generic_string());
    } else {
      Skip(arg, "not a regular file or folder");
    }
    return Status::Ok();
  }

  CollectResult Take() { return std::move(result_); }

 private:
  // Adds the supported files under `dir`, whose ids start with `id_prefix`
  // and whose paths relative to the folder argument start with `relative`.
  void Walk(const fs::path& dir, const std::string& id_prefix, const std::string& relative) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(dir, ec);
    if (ec) {
      Error(dir.string(), ec.message());
      return;
    }
    if (!visited_dirs_.insert(canonical.string()).second) {
      Skip(dir.string(), "folder already visited (symbolic link loop or repeated argument)");
      return;
    }
    std::vector<std::string> names;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) {
      Error(dir.string(), "cannot read folder: " + ec.message());
      return;
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const fs::path child = dir / name;
      const std::string child_id = id_prefix.empty() ? name : id_prefix + "/" + name;
      const std::string child_relative = relative.empty() ? name : relative + "/" + name;
      if (name[0] == '.') {
        Skip(child.string(), "hidden");
        continue;
      }
      fs::file_status status = fs::symlink_status(child, ec);
      if (!ec && fs::is_symlink(status)) {
        if (!options_.follow_symlinks) {
          Skip(child.string(), "symbolic link (not followed)");
          continue;
        }
        status = fs::status(child, ec);
        if (ec) {
          Error(child.string(), "broken symbolic link: " + ec.message());
          continue;
        }
      }
      const PathFilter& filter = options_.filter;
      if (ec) {
        Error(child.string(), ec.message());
      } else if (filter.Excluded(child_relative, fs::is_directory(status))) {
        ++result_.excluded;
      } else if (fs::is_directory(status)) {
        Walk(child, child_id, child_relative);
      } else if (!fs::is_regular_file(status)) {
        Skip(child.string(), "not a regular file");
      } else if (!filter.Included(child_relative)) {
        ++result_.excluded;
      } else if (!IsSupportedTextFile(name)) {
        Skip(child.string(), "unsupported extension");
      } else if (::access(child.c_str(), R_OK) != 0) {
        Error(child.string(), "unreadable: " + SystemError(errno));
      } else {
        AddFile(child.string(), child_id);
      }
    }
  }

  void AddFile(const std::string& path, const std::string& id) {
    if (!text::IsValidUtf8(id)) {
      Error(path, "file name is not valid UTF-8, so it cannot be a document id");
      return;
    }
    if (id.size() > kMaxDocumentIdBytes) {
      Error(path, "document id is longer than " + std::to_string(kMaxDocumentIdBytes) + " bytes");
      return;
    }
    const auto [existing, inserted] = id_to_path_.emplace(id, path);
    if (!inserted) {
      // The same file named twice is harmless; two files wanting one id lose one.
      std::error_code same_ec;
      if (fs::equivalent(path, existing->second, same_ec)) {
        Skip(path, "already listed as " + existing->second);
      } else {
        Error(path, "document id '" + id + "' is already taken by " + existing->second);
      }
      return;
    }
    std::error_code ec;
    const uintmax_t size = fs::file_size(path, ec);
    result_.files.push_back(FileEntry{path, id, ec ? 0 : static_cast<uint64_t>(size)});
  }

  void Skip(const std::string& path, const std::string& reason) {
    result_.skipped.push_back(text::SanitizeUtf8(path + ": " + reason));
  }

  void Error(const std::string& path, const std::string& reason) {
    result_.errors.push_back(text::SanitizeUtf8(path + ": " + reason));
  }

  const FileSourceOptions& options_;
  CollectResult result_;
  std::set<std::string> visited_dirs_;
  std::unordered_map<std::string, std::string> id_to_path_;
};

}  // namespace

bool IsSupportedTextFile(std::string_view path) {
  const std::string ext = LowercaseExtension(path);
  return ext == ".txt" || ext == ".text" || ext == ".md" || ext == ".markdown" || ext == ".html" ||
         ext == ".htm" || ext == ".json" || ext == ".jsonl" || ext == ".ndjson" || ext == ".pdf";
}

const char* MediaTypeForPath(std::string_view path) {
  const std::string ext = LowercaseExtension(path);
  return ext == ".md" || ext == ".markdown" ? kMediaTypeMarkdown : kMediaTypePlainText;
}

Result<CollectResult> CollectFiles(const std::vector<std::string>& paths,
                                   const FileSourceOptions& options) {
  Collector collector(options);
  for (const std::string& path : paths) QUARRY_RETURN_IF_ERROR(collector.AddArgument(path));
  return collector.Take();
}

namespace {

// Opens `path` for reading; *size is its size. Fails as ReadDocumentFile does.
Result<int> OpenRegularFile(const std::string& path, uint64_t* size) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT) return Status::NotFound(path + ": " + SystemError(error));
    return Status::IOError(path + ": " + SystemError(error));
  }
  struct stat info;
  if (::fstat(fd.get(), &info) != 0) return Status::IOError(path + ": " + SystemError(errno));
  if (!S_ISREG(info.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
  *size = static_cast<uint64_t>(info.st_size);
  return fd.release();
}

// Reads the whole of an open file of `size` bytes (as it was when opened).
Status FileTooLarge(const std::string& path, uint64_t bytes, uint64_t limit) {
  return Status::ResourceExhausted(path + " is " + std::to_string(bytes) +
                                   " bytes, over the limit of " + std::to_string(limit) + " bytes");
}

Result<std::string> ReadWholeFile(int fd, uint64_t size, const std::string& path,
                                  const FileSourceOptions& options) {
  const auto too_large = [&](uint64_t bytes) {
    return FileTooLarge(path, bytes, options.max_file_bytes);
  };
  if (size > options.max_file_bytes) return too_large(size);

  // Read to the end rather than `size` bytes: the file may change meanwhile.
  // Reading up to one byte past the limit tells "at the limit" from "over it".
  const uint64_t cap =
      options.max_file_bytes == UINT64_MAX ? UINT64_MAX : options.max_file_bytes + 1;
  std::string bytes;
  bytes.resize(static_cast<size_t>(size) + 1);
  size_t used = 0;
  while (true) {
    if (used == bytes.size()) {
      if (used > options.max_file_bytes) return too_large(used);
      bytes.resize(static_cast<size_t>(std::min<uint64_t>(bytes.size() * 2, cap)));
    }
    const ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path + ": " + SystemError(errno));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > options.max_file_bytes) return too_large(used);
  bytes.resize(used);
  return bytes;
}

// The first bytes of an open file, for sniffing its format; reads from offset 0
// without moving the file position.
Result<std::string> ReadPrefix(int fd, const std::string& path) {
  std::string prefix(kSniffBytes, '\0');
  size_t used = 0;
  while (used < prefix.size()) {
    const ssize_t n =
        ::pread(fd, prefix.data() + used, prefix.size() - used, static_cast<off_t>(used));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path + ": " + SystemError(errno));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  prefix.resize(used);
  return prefix;
}

// What messages, the source and the title call the file (FileEntry::name).
const std::string& NameOf(const FileEntry& entry) {
  return entry.name.empty() ? entry.path : entry.name;
}

DocumentInput ToDocument(ExtractedDocument extracted, const FileEntry& entry) {
  DocumentInput document;
  document.id = entry.document_id;
  document.source = NameOf(entry);
  document.media_type = std::move(extracted.media_type);
  document.text = std::move(extracted.text);
  document.title = std::move(extracted.title);
  document.sections = std::move(extracted.sections);
  if (document.title.empty()) {
    document.title = text::SanitizeUtf8(fs::path(NameOf(entry)).filename().string());
  }
  return document;
}

// A PDF goes to the sandboxed helper as the descriptor already opened and
// checked here (offset 0: only pread has touched it); its bytes never enter
// this process.
Result<ExtractedDocument> ExtractPdf(int fd, const FileEntry& entry, uint64_t size,
                                     const FileSourceOptions& options) {
  if (size > options.max_file_bytes)
    return FileTooLarge(NameOf(entry), size, options.max_file_bytes);
  const std::string helper =
      options.pdf_helper.empty() ? DefaultPdfHelperPath() : options.pdf_helper;
  QUARRY_ASSIGN_OR_RETURN(
      PdfText pdf, ExtractPdfFd(fd, NameOf(entry), options.pdf, helper, options.pdf_servers.get()));
  return PdfTextToDocument(std::move(pdf));
}

// A single-document format (not JSON records) from the open file `fd`.
Result<DocumentInput> ReadSingleDocument(int fd, uint64_t size, DocumentFormat format,
                                         const FileEntry& entry, const FileSourceOptions& options) {
  if (format == DocumentFormat::kPdf) {
    QUARRY_ASSIGN_OR_RETURN(ExtractedDocument pdf, ExtractPdf(fd, entry, size, options));
    return ToDocument(std::move(pdf), entry);
  }
  QUARRY_ASSIGN_OR_RETURN(const std::string bytes, ReadWholeFile(fd, size, NameOf(entry), options));
  Result<ExtractedDocument> extracted = ExtractDocument(format, bytes, options.extract);
  if (!extracted.ok()) return extracted.status().WithContext(NameOf(entry));
  return ToDocument(std::move(extracted).value(), entry);
}

}  // namespace

Result<DocumentInput> ReadDocumentFile(const FileEntry& entry, const FileSourceOptions& options) {
  uint64_t size = 0;
  QUARRY_ASSIGN_OR_RETURN(const int raw_fd, OpenRegularFile(entry.path, &size));
  const ScopedFd fd(raw_fd);
  QUARRY_ASSIGN_OR_RETURN(const std::string prefix, ReadPrefix(fd.get(), NameOf(entry)));
  const DocumentFormat format = SniffFormat(prefix, NameOf(entry));
  if (IsRecordFormat(format)) {
    return Status::InvalidArgument(NameOf(entry) + ": holds JSON records, not one document");
  }
  return ReadSingleDocument(fd.get(), size, format, entry, options);
}

Result<DocumentFormat> SniffFileFormat(const FileEntry& entry) {
  uint64_t size = 0;
  QUARRY_ASSIGN_OR_RETURN(const int raw_fd, OpenRegularFile(entry.path, &size));
  const ScopedFd fd(raw_fd);
  QUARRY_ASSIGN_OR_RETURN(const std::string prefix, ReadPrefix(fd.get(), entry.path));
  return SniffFormat(prefix, entry.path);
}

Status ReadDocuments(const FileEntry& entry, const FileSourceOptions& options,
                     const DocumentSink& sink, const ProblemSink& problems) {
  uint64_t size = 0;
  QUARRY_ASSIGN_OR_RETURN(const int raw_fd, OpenRegularFile(entry.path, &size));
  const ScopedFd fd(raw_fd);
  QUARRY_ASSIGN_OR_RETURN(const std::string prefix, ReadPrefix(fd.get(), NameOf(entry)));
  const DocumentFormat format = SniffFormat(prefix, NameOf(entry));
  const RecordOrigin origin{entry.document_id, NameOf(entry)};
  if (format == DocumentFormat::kJsonLines) {
    uint64_t bytes_read = 0;
    const ReadBytes read = [&](char* buffer, size_t capacity) -> Result<size_t> {
      while (true) {
        const ssize_t n = ::read(fd.get(), buffer, capacity);
        if (n >= 0) {
          bytes_read += static_cast<uint64_t>(n);
          if (options.read_progress) options.read_progress(bytes_read);
          return static_cast<size_t>(n);
        }
        if (errno != EINTR) return Status::IOError(NameOf(entry) + ": " + SystemError(errno));
      }
    };
    return ReadJsonLines(read, origin, options.json, sink, problems);
  }
  if (format == DocumentFormat::kJson) {
    QUARRY_ASSIGN_OR_RETURN(const std::string bytes,
                            ReadWholeFile(fd.get(), size, NameOf(entry), options));
    Status s = ReadJsonDocument(bytes, origin, options.json, sink, problems);
    return s.ok() ? s : s.WithContext(NameOf(entry));
  }
  QUARRY_ASSIGN_OR_RETURN(DocumentInput document,
                          ReadSingleDocument(fd.get(), size, format, entry, options));
  return sink(std::move(document));
}

}  // namespace quarry::ingest
