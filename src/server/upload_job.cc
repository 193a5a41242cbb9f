#include "server/upload_job.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "ingest/pdf/unique_fd.h"
#include "ingest/write_pipeline.h"
#include "server/status_mapping.h"
#include "text/utf8.h"

namespace quarry::server {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

// Per file, at most this many skipped records are listed (all are counted),
// and a reason is cut to this many bytes: finished jobs are kept in memory.
constexpr size_t kMaxListedRecordErrors = 20;
constexpr size_t kMaxReasonBytes = 1000;

constexpr std::string_view kTempPrefix = "quarry-upload-";

std::string SystemError(int error) { return std::generic_category().message(error); }

// A private temporary file holding one upload's bytes, unlinked when it goes.
class TempUploadFile {
 public:
  TempUploadFile() = default;
  TempUploadFile(const TempUploadFile&) = delete;
  TempUploadFile& operator=(const TempUploadFile&) = delete;
  ~TempUploadFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  Status Write(const std::string& dir, std::string_view data) {
    std::string pattern = dir + "/" + std::string(kTempPrefix) + "XXXXXX";
    ingest::UniqueFd fd(::mkostemp(pattern.data(), O_CLOEXEC));  // mode 0600
    if (fd.get() < 0) {
      return Status::IOError("cannot create a temporary file in " + dir + ": " +
                             SystemError(errno));
    }
    path_ = pattern;
    while (!data.empty()) {
      const ssize_t n = ::write(fd.get(), data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        const int error = errno;
        return error == ENOSPC ? Status::NoSpace("temporary file: " + SystemError(error))
                               : Status::IOError("temporary file: " + SystemError(error));
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string TempDir(const UploadOptions& options) {
  if (!options.tmp_dir.empty()) return options.tmp_dir;
  const char* env = std::getenv("TMPDIR");
  return env != nullptr && *env != '\0' ? env : "/tmp";
}

// `reason` without a leading "name: " (most extraction errors name the file,
// which the result says once) and cut to kMaxReasonBytes.
std::string Reason(const Status& status, const std::string& name) {
  std::string reason = status.message();
  if (reason.rfind(name + ": ", 0) == 0) reason.erase(0, name.size() + 2);
  if (reason.size() > kMaxReasonBytes)
    reason = text::SanitizeUtf8(reason.substr(0, kMaxReasonBytes)) + "...";
  return reason;
}

json::object ErrorJson(const Status& status, const std::string& name) {
  json::object error;
  error["code"] = StatusCodeName(status.code());
  error["message"] = Reason(status, name);
  return error;
}

// What became of one file.
struct FileOutcome {
  int status = 0;  // HTTP status; 0 = not attempted
  std::string state = "not_attempted";
  ingest::WriteTotals written;
  std::vector<std::string> record_errors;
  size_t record_errors_total = 0;
  Status error = Status::Ok();
  // A write failed for a reason that is not this file's (disk full, an
  // fsync error, a 5xx): nothing more can be written.
  bool stops_upload = false;
};

json::object FileJson(const UploadFile& file, const FileOutcome& outcome) {
  json::object out;
  out["name"] = file.name;
  if (!file.document_id.empty()) out["id"] = file.document_id;
  out["bytes"] = file.data.size();
  if (outcome.status != 0) out["status"] = outcome.status;
  out["state"] = outcome.state;
  out["documents"] = outcome.written.documents;
  out["unchanged"] = outcome.written.unchanged;
  out["chunks"] = outcome.written.chunks;
  if (!outcome.error.ok()) out["error"] = ErrorJson(outcome.error, file.name);
  if (outcome.record_errors_total > 0) {
    json::array records;
    for (const std::string& r : outcome.record_errors) records.emplace_back(r);
    out["record_errors"] = std::move(records);
    out["record_errors_total"] = outcome.record_errors_total;
  }
  return out;
}

ingest::WriteTotals Plus(const ingest::WriteTotals& a, const ingest::WriteTotals& b) {
  return {a.documents + b.documents, a.unchanged + b.unchanged, a.chunks + b.chunks,
          a.writes + b.writes};
}

// Reads and writes one file with a writer of its own, so that what it wrote
// is its own and a write refused for its documents (a 4xx: an invalid record
// id, say) fails it alone.
FileOutcome IngestOneFile(const UploadFile& file, Collection& collection,
                          const std::function<void(const ingest::WriteTotals&)>& on_write,
                          const UploadOptions& options, const std::string& tmp_dir) {
  FileOutcome outcome;
  const auto fail = [&](Status status, int http_status) {
    outcome.status = http_status;
    outcome.state = "failed";
    outcome.error = std::move(status);
    return outcome;
  };
  if (!file.problem.ok()) return fail(file.problem, 422);
  const uint64_t limit = options.source.max_file_bytes;
  if (file.data.size() > limit) {
    return fail(
        Status::ResourceExhausted(file.name + " is " + std::to_string(file.data.size()) +
                                  " bytes, over the limit of " + std::to_string(limit) + " bytes"),
        422);
  }
  TempUploadFile temp;
  if (Status s = temp.Write(tmp_dir, file.data); !s.ok()) {
    return fail(s, static_cast<int>(HttpStatusFor(s.code())));
  }
  ingest::FileEntry entry{temp.path(), file.document_id, file.data.size(), file.name};
  // One write at a time, on this thread: the files of an upload go in one
  // after another.
  ingest::WritePipeline writer(
      &collection, {.batch_documents = options.batch, .writers = 1, .on_write = on_write});
  const ingest::ProblemSink problem = [&](std::string reason) {
    if (outcome.record_errors.size() < kMaxListedRecordErrors) {
      outcome.record_errors.push_back(
          Reason(Status::InvalidArgument(std::move(reason)), file.name));
    }
    ++outcome.record_errors_total;
  };
  // A file cut short (JSON Lines) may have given documents before it failed:
  // they are written and counted, but the file still failed.
  const ingest::DocumentSink add = [&writer](DocumentInput doc) {
    return writer.Add(std::move(doc));
  };
  const Status read = ingest::ReadDocuments(entry, options.source, add, problem);
  const Status write = writer.Finish();
  outcome.written = writer.totals();
  if (!write.ok()) {
    const int code = static_cast<int>(HttpStatusFor(write.code()));
    outcome.stops_upload = code >= 500;
    return fail(write, code >= 500 ? code : 422);
  }
  if (!read.ok()) return fail(read, 422);
  const uint64_t went_in = outcome.written.documents + outcome.written.unchanged;
  if (outcome.record_errors_total > 0) {
    outcome.status = went_in > 0 ? 207 : 422;
    outcome.state = went_in > 0 ? "partial" : "failed";
    if (went_in == 0) {
      outcome.error = Status::InvalidArgument("no record of the file could be read");
    }
    return outcome;
  }
  outcome.status = 200;
  outcome.state =
      outcome.written.documents == 0 && outcome.written.unchanged > 0 ? "unchanged" : "written";
  return outcome;
}

}  // namespace

ApiResponse RunUpload(const UploadRequest& upload, Collection& collection,
                      const UploadOptions& options, const JobProgressSink& progress) {
  const std::string tmp_dir = TempDir(options);
  JobProgress counts;
  counts.files_total = upload.files.size();
  for (const UploadFile& file : upload.files) counts.bytes_total += file.data.size();
  ingest::WriteTotals done;  // by the files finished
  const auto report = [&](const ingest::WriteTotals& current_file) {
    const ingest::WriteTotals totals = Plus(done, current_file);
    counts.documents = totals.documents + totals.unchanged;
    counts.chunks = totals.chunks;
    if (progress) progress(counts);
  };
  report({});

  std::vector<FileOutcome> outcomes;
  outcomes.reserve(upload.files.size());
  Status stopped = Status::Ok();
  for (const UploadFile& file : upload.files) {
    if (!stopped.ok()) {
      outcomes.emplace_back();  // not attempted: nothing more can be written
      continue;
    }
    outcomes.push_back(IngestOneFile(file, collection, report, options, tmp_dir));
    done = Plus(done, outcomes.back().written);
    if (outcomes.back().stops_upload) stopped = outcomes.back().error;
    ++counts.files_done;
    counts.bytes_done += file.data.size();
    report({});
  }

  json::array files;
  size_t ok = 0;
  size_t failed = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    files.push_back(FileJson(upload.files[i], outcomes[i]));
    if (outcomes[i].status == 200) ++ok;
    if (outcomes[i].state == "failed") ++failed;
  }
  json::object out;
  out["collection"] = collection.name();
  out["files_total"] = upload.files.size();
  out["files_ok"] = ok;
  out["files_failed"] = failed;
  out["documents"] = done.documents;
  out["unchanged"] = done.unchanged;
  out["chunks"] = done.chunks;
  out["generation"] = collection.State().generation;
  out["files"] = std::move(files);
  http::status status = ok == upload.files.size()              ? http::status::ok
                        : done.documents + done.unchanged == 0 ? http::status::unprocessable_entity
                                                               : http::status::multi_status;
  if (!stopped.ok()) {
    out["error"] = ErrorJson(stopped, "");
    status = HttpStatusFor(stopped.code());
  }
  return JsonResponse(status, out);
}

Status PrepareUploadTmpDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(kTempPrefix, 0) == 0) {
      std::error_code ignored;  // a leftover that cannot go is harmless
      std::filesystem::remove(it->path(), ignored);
    }
  }
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  return Status::Ok();
}

}  // namespace quarry::server
