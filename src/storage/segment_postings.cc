#include "storage/segment_postings.h"

namespace quarry::storage {

Status WriteSegmentPostings(Env& env, const std::string& dir, const PostingsWriter& write) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f,
                          env.NewWritableFile(dir + "/" + kPostingsFile, OpenMode::kTruncate));
  QUARRY_RETURN_IF_ERROR(write(*f));
  QUARRY_RETURN_IF_ERROR(f->Sync());
  return f->Close();
}

Status WriteSegmentPostings(Env& env, const std::string& dir, std::span<const uint8_t> bytes) {
  return WriteSegmentPostings(env, dir, [bytes](WritableFile& out) {
    return out.Append(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  });
}

Result<std::unique_ptr<SegmentPostings>> SegmentPostings::Open(Env& env, const std::string& dir) {
  std::string path = dir + "/" + kPostingsFile;
  Result<MappedFile> file = env.MapFile(path);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound) {
      return Status::Corruption(path + " is missing: the segment has no keyword postings");
    }
    return file.status();
  }
  Result<lexical::Bm25Index> index = lexical::Bm25Index::Open(file->bytes());
  if (!index.ok()) return Status::Corruption(path + ": " + index.status().message());
  // The view stays valid: MappedFile's move keeps the mapping where it is.
  return std::unique_ptr<SegmentPostings>(
      new SegmentPostings(std::move(path), std::move(file).value(), std::move(index).value()));
}

Result<std::unique_ptr<SegmentPostings>> SegmentPostings::Open(Env& env, const std::string& dir,
                                                               uint32_t rows) {
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<SegmentPostings> postings, Open(env, dir));
  QUARRY_RETURN_IF_ERROR(postings->CheckRows(rows));
  return postings;
}

Status SegmentPostings::CheckRows(uint32_t rows) const {
  if (index_.doc_count() == rows) return Status::Ok();
  return Status::Corruption(path_ + " indexes " + std::to_string(index_.doc_count()) +
                            " chunks but the segment has " + std::to_string(rows));
}

}  // namespace quarry::storage
