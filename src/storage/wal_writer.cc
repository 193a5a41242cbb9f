#include "storage/wal_writer.h"

#include <cinttypes>
#include <cstdio>

#include "storage/wal_files.h"

namespace quarry::storage {

std::string WalFileName(const std::string& dir, uint64_t first_lsn) {
  char name[32];
  std::snprintf(name, sizeof name, "%020" PRIu64 "%s", first_lsn, kWalFileSuffix);
  return dir + "/" + name;
}

Result<std::unique_ptr<WalWriter>> WalWriter::Create(Env& env, std::string dir,
                                                     uint64_t next_lsn) {
  if (next_lsn == 0) return Status::InvalidArgument("LSNs start at 1");
  std::unique_ptr<WalWriter> w(new WalWriter(env, std::move(dir)));
  std::lock_guard<std::mutex> lock(w->mu_);
  w->next_lsn_ = next_lsn;
  w->synced_lsn_ = next_lsn - 1;
  QUARRY_RETURN_IF_ERROR(w->OpenFileLocked(next_lsn));
  return w;
}

WalWriter::~WalWriter() {
  if (file_ != nullptr) (void)file_->Close();
}

Status WalWriter::OpenFileLocked(uint64_t first_lsn) {
  const std::string path = WalFileName(dir_, first_lsn);
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                          env_.NewWritableFile(path, OpenMode::kTruncate));
  // The header and the directory entry are made durable now, so that a
  // record synced later is never lost with a file nobody can find. A file
  // whose header could not be written is removed (recovery would also
  // discard it: it holds no record).
  Status s = file->Append(EncodeWalFileHeader(first_lsn));
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = env_.SyncDir(dir_);
  if (!s.ok()) {
    (void)file->Close();
    if (file_ == nullptr || file_path_ != path) (void)env_.RemoveFile(path);
    return s;
  }
  if (file_ != nullptr) (void)file_->Close();
  file_ = std::move(file);
  file_path_ = path;
  return Status::Ok();
}

Status WalWriter::FailLocked(Status s) {
  if (failure_.ok()) {
    failure_ = Status(s.code(), "the write-ahead log can no longer be trusted (" + s.message() +
                                    "); the collection is read-only until restarted");
  }
  return failure_;
}

Result<uint64_t> WalWriter::Append(WalRecordType type, std::string_view payload) {
  if (payload.size() > kMaxWalPayload) {
    return Status::InvalidArgument("a write of " + std::to_string(payload.size()) +
                                   " bytes is over the limit of " +
                                   std::to_string(kMaxWalPayload) + " bytes per request");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!failure_.ok()) return failure_;
  // Roll here too, not only after a sync: under `never` no sync may come,
  // and recovery reads files of bounded size. A failed roll (disk full)
  // keeps the current file.
  if (file_->Size() >= kWalFileTargetBytes) (void)RollLocked();
  if (!failure_.ok()) return failure_;
  std::string record;
  record.reserve(kWalRecordHeaderSize + payload.size());
  EncodeWalRecord(next_lsn_, type, payload, &record);
  const uint64_t good_end = file_->Size();
  Status s = file_->Append(record);
  if (!s.ok()) {
    // Cut the partial record off so that the next record follows a whole
    // one; if even that fails the log has a hole and must not grow.
    Status undo = env_.TruncateFile(file_path_, good_end);
    if (undo.ok()) {
      Result<std::unique_ptr<WritableFile>> reopened =
          env_.NewWritableFile(file_path_, OpenMode::kAppend);
      if (reopened.ok()) {
        file_ = std::move(reopened).value();
        return s;
      }
      undo = reopened.status();
    }
    (void)FailLocked(undo);
    return s;
  }
  return next_lsn_++;
}

Status WalWriter::SyncLocked() {
  if (!failure_.ok()) return failure_;
  const uint64_t target = next_lsn_ - 1;
  if (synced_lsn_ == target) return Status::Ok();
  Status s = file_->Sync();
  if (!s.ok()) return FailLocked(s);
  synced_lsn_ = target;
  // The records are durable whatever happens next: a failed roll (disk full)
  // must not turn this sync into an error; the next sync or append retries.
  if (file_->Size() >= kWalFileTargetBytes) (void)RollLocked();
  return Status::Ok();
}

Status WalWriter::Sync() {
  std::lock_guard<std::mutex> lock(mu_);
  return SyncLocked();
}

Status WalWriter::RollLocked() {
  if (!failure_.ok()) return failure_;
  Status s = file_->Sync();
  if (!s.ok()) return FailLocked(s);
  synced_lsn_ = next_lsn_ - 1;
  // A failure to start the next file leaves the current one in use.
  return OpenFileLocked(next_lsn_);
}

Status WalWriter::Roll() {
  std::lock_guard<std::mutex> lock(mu_);
  return RollLocked();
}

uint64_t WalWriter::next_lsn() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_lsn_;
}

uint64_t WalWriter::synced_lsn() const {
  std::lock_guard<std::mutex> lock(mu_);
  return synced_lsn_;
}

Status WalWriter::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

Status RemoveObsoleteWalFiles(Env& env, const std::string& dir, uint64_t durable_lsn) {
  QUARRY_ASSIGN_OR_RETURN(std::vector<WalFile> files, ListWalFiles(env, dir));
  bool removed = false;
  // File i holds LSNs [first_i, first_{i+1}); it is obsolete when all of
  // them are <= durable_lsn. The newest file is never removed.
  for (size_t i = 0; i + 1 < files.size(); ++i) {
    if (files[i + 1].first_lsn > durable_lsn + 1) break;
    QUARRY_RETURN_IF_ERROR(env.RemoveFile(files[i].path));
    removed = true;
  }
  if (removed) return env.SyncDir(dir);
  return Status::Ok();
}

}  // namespace quarry::storage
