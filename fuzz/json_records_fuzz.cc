// Fuzzes JSON and JSON Lines record reading: whatever the input, reading
// succeeds (bad records are problems, not failures) for JSON Lines, and every
// document handed out has a valid id (1 to 512 bytes of UTF-8), valid UTF-8
// text that is not blank, and metadata that is a JSON object.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "ingest/json_records.h"
#include "text/utf8.h"
#include "text/whitespace.h"

namespace {

quarry::Status Check(const quarry::DocumentInput& doc) {
  using namespace quarry;
  if (doc.id.empty() || doc.id.size() > kMaxDocumentIdBytes || !text::IsValidUtf8(doc.id)) {
    std::abort();
  }
  if (!text::IsValidUtf8(doc.text) || text::IsBlank(doc.text) || !text::IsValidUtf8(doc.title)) {
    std::abort();
  }
  boost::json::error_code ec;
  const boost::json::value metadata = boost::json::parse(doc.metadata_json, ec);
  if (ec || !metadata.is_object()) std::abort();
  return Status::Ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace quarry;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ingest::JsonRecordOptions options;
  options.max_record_bytes = 512;  // small enough to reach the over-long path
  options.max_depth = 8;
  options.metadata_fields = {"metadata", "tags"};
  const ingest::RecordOrigin origin{"f.jsonl", "f.jsonl"};
  const ingest::ProblemSink ignore = [](std::string) {};
  size_t pos = 0;
  const size_t block = size % 13 + 1;  // lines cut across reads
  const ingest::ReadBytes read = [&](char* buffer, size_t capacity) -> Result<size_t> {
    const size_t n = std::min({capacity, block, input.size() - pos});
    std::memcpy(buffer, input.data() + pos, n);
    pos += n;
    return n;
  };
  if (!ingest::ReadJsonLines(read, origin, options, Check, ignore).ok()) std::abort();
  const Status whole = ingest::ReadJsonDocument(input, origin, options, Check, ignore);
  if (!whole.ok() && whole.code() != StatusCode::kInvalidArgument) std::abort();
  return 0;
}
