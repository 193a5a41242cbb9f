#include "ingest/json_records.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "text/whitespace.h"

namespace quarry::ingest {
namespace json = boost::json;
namespace {

// Bytes read from a JSON Lines input at a time.
constexpr size_t kReadBlockBytes = 1 << 20;

// True if `line` holds nothing but JSON's white space (RFC 8259: space, tab,
// line feed, carriage return). A line is raw bytes, not yet known to be UTF-8,
// so no Unicode-aware test may read it; any other space is not JSON anyway.
bool IsJsonBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Parses `text` as one JSON value under the options' limits. *extra_data
// (if given) says whether it failed only because more followed a complete value.
Result<json::value> ParseValue(std::string_view text, const JsonRecordOptions& options,
                               bool* extra_data = nullptr) {
  json::parse_options parse_options;
  parse_options.max_depth = options.max_depth;
  parse_options.allow_invalid_utf8 = false;
  try {
    json::stream_parser parser({}, parse_options);
    json::error_code ec;
    const size_t consumed = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec == json::error::too_deep) {
      return Status::InvalidArgument("JSON nests deeper than " +
                                     std::to_string(options.max_depth) + " levels");
    }
    if (ec) {
      if (extra_data != nullptr) *extra_data = ec == json::error::extra_data;
      return Status::InvalidArgument("not valid JSON: " + ec.message() + " at byte " +
                                     std::to_string(consumed));
    }
    return parser.release();
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory parsing JSON");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("not valid JSON: ") + e.what());
  }
}

// The record's id: the first id field present, else derived from its origin.
Result<std::string> RecordId(const json::object& record, const RecordOrigin& origin,
                             uint64_t number, const JsonRecordOptions& options) {
  for (const std::string& field : options.id_fields) {
    const json::value* value = record.if_contains(field);
    if (value == nullptr) continue;
    std::string id;
    if (const json::string* s = value->if_string()) {
      id.assign(s->data(), s->size());
    } else if (value->is_int64()) {
      id = std::to_string(value->get_int64());
    } else if (value->is_uint64()) {
      id = std::to_string(value->get_uint64());
    } else {
      return Status::InvalidArgument("id field '" + field + "' is neither a string nor an integer");
    }
    if (id.empty()) return Status::InvalidArgument("id field '" + field + "' is empty");
    if (id.size() > kMaxDocumentIdBytes) {
      return Status::InvalidArgument("id field '" + field + "' is " + std::to_string(id.size()) +
                                     " bytes, over the limit of " +
                                     std::to_string(kMaxDocumentIdBytes));
    }
    return id;
  }
  std::string id = origin.document_id + "#" + std::to_string(number);
  if (id.size() > kMaxDocumentIdBytes) {
    return Status::InvalidArgument("no id field, and the derived id is over " +
                                   std::to_string(kMaxDocumentIdBytes) + " bytes");
  }
  return id;
}

std::string FieldList(const std::vector<std::string>& fields) {
  std::string list;
  for (const std::string& field : fields) list += (list.empty() ? "" : ", ") + field;
  return list;
}

Result<DocumentInput> RecordToDocument(const json::value& value, const RecordOrigin& origin,
                                       uint64_t number, const JsonRecordOptions& options) {
  const json::object* record = value.if_object();
  if (record == nullptr) return Status::InvalidArgument("record is not a JSON object");
  DocumentInput doc;
  QUARRY_ASSIGN_OR_RETURN(doc.id, RecordId(*record, origin, number, options));
  for (const std::string& field : options.text_fields) {
    const json::value* v = record->if_contains(field);
    const json::string* s = v == nullptr ? nullptr : v->if_string();
    if (s == nullptr || text::IsBlank(std::string_view(s->data(), s->size()))) continue;
    if (!doc.text.empty()) doc.text += "\n\n";
    doc.text.append(s->data(), s->size());
  }
  if (doc.text.empty()) {
    return Status::InvalidArgument("no text: none of the fields " +
                                   FieldList(options.text_fields) + " holds a non-blank string");
  }
  if (!options.title_field.empty()) {
    const json::value* v = record->if_contains(options.title_field);
    if (const json::string* s = v == nullptr ? nullptr : v->if_string()) {
      doc.title.assign(s->data(), s->size());
    }
  }
  json::object metadata;
  for (const std::string& field : options.metadata_fields) {
    if (const json::value* v = record->if_contains(field)) metadata[field] = *v;
  }
  doc.metadata_json = json::serialize(metadata);
  doc.source = origin.path + ":" + std::to_string(number);
  doc.media_type = kMediaTypeJson;
  return doc;
}

// Hands one record to the sink, or its problem to the problem sink.
Status Deliver(Result<DocumentInput> doc, const char* unit, uint64_t number,
               const DocumentSink& sink, const ProblemSink& problems) {
  if (doc.ok()) return sink(std::move(doc).value());
  problems(std::string(unit) + " " + std::to_string(number) + ": " + doc.status().message());
  return Status::Ok();
}

// A JSON text that holds more than one value: read it as JSON Lines. If no
// line gives a document, the file is neither and fails with both reasons.
Status ReadAsJsonLines(std::string_view json, const Status& as_one_value,
                       const RecordOrigin& origin, const JsonRecordOptions& options,
                       const DocumentSink& sink, const ProblemSink& problems) {
  size_t pos = 0;
  const ReadBytes read = [&](char* buffer, size_t capacity) -> Result<size_t> {
    const size_t n = std::min(capacity, json.size() - pos);
    std::memcpy(buffer, json.data() + pos, n);
    pos += n;
    return n;
  };
  uint64_t documents = 0;
  std::vector<std::string> held;  // reported once we know the file is JSON Lines
  QUARRY_RETURN_IF_ERROR(ReadJsonLines(
      read, origin, options,
      [&](DocumentInput doc) {
        ++documents;
        return sink(std::move(doc));
      },
      [&](std::string problem) { held.push_back(std::move(problem)); }));
  if (documents == 0 && !held.empty()) {
    std::string lines = held.front();
    if (held.size() > 1) lines += "; " + std::to_string(held.size() - 1) + " more line(s) fail too";
    return Status::InvalidArgument("neither one JSON value (" + as_one_value.message() +
                                   ") nor JSON Lines (" + lines + ")");
  }
  for (std::string& problem : held) problems(std::move(problem));
  return Status::Ok();
}

}  // namespace

Result<DocumentInput> ParseJsonRecord(std::string_view json, const RecordOrigin& origin,
                                      uint64_t number, const JsonRecordOptions& options) {
  QUARRY_ASSIGN_OR_RETURN(json::value value, ParseValue(json, options));
  return RecordToDocument(value, origin, number, options);
}

Status ReadJsonLines(const ReadBytes& read, const RecordOrigin& origin,
                     const JsonRecordOptions& options, const DocumentSink& sink,
                     const ProblemSink& problems) {
  // Not zeroed: a read fills what is used.
  const std::unique_ptr<char[]> block = std::make_unique_for_overwrite<char[]>(kReadBlockBytes);
  std::string line;       // the line so far
  bool too_long = false;  // the line so far is over the limit and not held
  uint64_t number = 1;
  const auto end_line = [&]() -> Status {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Status s = Status::Ok();
    if (too_long) {
      problems("line " + std::to_string(number) + ": longer than the limit of " +
               std::to_string(options.max_record_bytes) + " bytes; skipped");
    } else if (!IsJsonBlank(line)) {
      s = Deliver(ParseJsonRecord(line, origin, number, options), "line", number, sink, problems);
    }
    line.clear();
    too_long = false;
    ++number;
    return s;
  };
  while (true) {
    QUARRY_ASSIGN_OR_RETURN(const size_t n, read(block.get(), kReadBlockBytes));
    if (n == 0) break;
    std::string_view rest(block.get(), n);
    while (!rest.empty()) {
      const size_t newline = rest.find('\n');
      const std::string_view piece = rest.substr(0, newline);
      if (!too_long && line.size() + piece.size() > options.max_record_bytes + 1) {
        too_long = true;  // + 1: a trailing '\r' is not part of the record
        line.clear();
        line.shrink_to_fit();
      }
      if (!too_long) line.append(piece);
      if (newline == std::string_view::npos) break;
      QUARRY_RETURN_IF_ERROR(end_line());
      rest.remove_prefix(newline + 1);
    }
  }
  if (too_long || !line.empty()) QUARRY_RETURN_IF_ERROR(end_line());
  return Status::Ok();
}

Status ReadJsonDocument(std::string_view json, const RecordOrigin& origin,
                        const JsonRecordOptions& options, const DocumentSink& sink,
                        const ProblemSink& problems) {
  // The records are nested one level deeper than a record on its own line.
  JsonRecordOptions whole = options;
  whole.max_depth = options.max_depth + 1;
  bool extra_data = false;
  Result<json::value> parsed = ParseValue(json, whole, &extra_data);
  if (!parsed.ok()) {
    if (!extra_data) return parsed.status();
    return ReadAsJsonLines(json, parsed.status(), origin, options, sink, problems);
  }
  const json::value value = std::move(parsed).value();
  if (const json::array* records = value.if_array()) {
    for (size_t i = 0; i < records->size(); ++i) {
      QUARRY_RETURN_IF_ERROR(Deliver(RecordToDocument((*records)[i], origin, i + 1, options),
                                     "record", i + 1, sink, problems));
    }
    return Status::Ok();
  }
  if (!value.is_object()) {
    return Status::InvalidArgument("JSON is neither an array of records nor an object");
  }
  return Deliver(RecordToDocument(value, origin, 1, options), "record", 1, sink, problems);
}

}  // namespace quarry::ingest
