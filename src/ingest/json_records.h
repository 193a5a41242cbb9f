// JSON records: documents from JSON and JSON Lines files, one per record.
//
// A record is a JSON object. Its text is the string values of
// JsonRecordOptions::text_fields that are not blank, in that order, joined by
// a blank line; its title the string at title_field; its id the first of
// id_fields present (a string, or an integer written in decimal), else
// "<file id>#<n>" with n the record's line (JSON Lines) or 1-based position
// (JSON); its metadata an object holding the metadata_fields present, as they
// are. A BEIR corpus.jsonl ({"_id", "title", "text", "metadata"}) reads as it
// is with the defaults.
//
// A record that is not an object, is not valid JSON (invalid UTF-8 included),
// nests deeper than max_depth, has no text, or has an empty or over-long id is
// reported to the ProblemSink with its line or position and skipped; the rest
// are read. JSON Lines are read a block at a time: memory is bounded by
// max_record_bytes, and a longer line is reported and skipped without being
// held. A JSON file (an array of records, or one record) is parsed whole; if
// more follows its first value, it is read as JSON Lines instead (a .json file
// that holds JSON Lines is common), and fails naming both reasons if no line
// gives a document.
//
// Thread-safety: pure functions (the sinks are called on the calling thread).
#ifndef QUARRY_INGEST_JSON_RECORDS_H_
#define QUARRY_INGEST_JSON_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/document.h"
#include "quarry/status.h"

namespace quarry::ingest {

struct JsonRecordOptions {
  std::vector<std::string> text_fields = {"title", "text"};
  std::string title_field = "title";  // "" for none
  std::vector<std::string> id_fields = {"_id", "id"};
  std::vector<std::string> metadata_fields;
  uint64_t max_record_bytes = 16ull << 20;  // one JSON Lines line
  uint32_t max_depth = 64;                  // JSON nesting within a record
};

// Where the records come from: the file's document id (the prefix of derived
// ids) and its path (each record's source is "<path>:<n>").
struct RecordOrigin {
  std::string document_id;
  std::string path;
};

// Receives each document read; an error stops the reading and is returned.
using DocumentSink = std::function<Status(DocumentInput)>;
// Receives "line N: reason" (or "record N: reason") for each record skipped.
using ProblemSink = std::function<void(std::string)>;
// Reads up to `capacity` bytes into `buffer`; 0 at the end of the input.
using ReadBytes = std::function<Result<size_t>(char* buffer, size_t capacity)>;

// Reads JSON Lines (blank lines are skipped; "\r\n" ends a line too). Fails
// only when `read` or `sink` fails.
Status ReadJsonLines(const ReadBytes& read, const RecordOrigin& origin,
                     const JsonRecordOptions& options, const DocumentSink& sink,
                     const ProblemSink& problems);

// Reads a JSON text holding an array of records or one record, or else JSON
// Lines (see the header comment). Fails with InvalidArgument (with the byte
// offset) if it is not valid JSON, or is neither an array nor an object, or
// neither one JSON value nor JSON Lines with a readable record; and when
// `sink` fails.
Status ReadJsonDocument(std::string_view json, const RecordOrigin& origin,
                        const JsonRecordOptions& options, const DocumentSink& sink,
                        const ProblemSink& problems);

// One record's JSON text to a document; `number` is its line or position.
// Fails with InvalidArgument for the reasons of the header comment.
Result<DocumentInput> ParseJsonRecord(std::string_view json, const RecordOrigin& origin,
                                      uint64_t number, const JsonRecordOptions& options);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_JSON_RECORDS_H_
