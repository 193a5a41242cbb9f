// File source: which files an "ingest these paths" request means, and reading
// one of them into a DocumentInput.
//
// Folders are walked recursively in byte order of names, so the same tree
// always yields the same list. Supported extensions when walking are .txt,
// .text, .md, .markdown, .html, .htm, .pdf, .json, .jsonl and .ndjson (any case); a
// file named explicitly is read whatever its extension. Its format is sniffed
// from its first bytes, then its extension (ingest/extractor.h). Entries whose name starts
// with '.' are skipped when walking (so .git is never entered), and symbolic
// links found while walking are skipped unless follow_symlinks is set (loops
// are detected). A path named explicitly is always followed.
//
// Include/exclude patterns (FileSourceOptions::filter, ingest/path_glob.h)
// apply while walking, to the path relative to the folder argument ("ingest
// docs/" matches design/x.md against them): an excluded entry is left out (an
// excluded folder is not entered), and with includes a file is taken only if
// it or one of its folders matches one. Excludes win. They narrow the
// supported extensions, never widen them. Files named explicitly are not
// filtered.
//
// Document ids: a file found under a folder argument gets its path relative to
// that folder's parent ("ingest docs/" gives "docs/design/x.md"); an explicitly
// named file gets its path as given, lexically normalized ("./a.md" -> "a.md").
// Separators are '/'. A second file with an id already taken is skipped, not
// silently merged.
//
// Thread-safety: pure functions over the file system; safe to call from several
// threads.
#ifndef QUARRY_INGEST_FILE_SOURCE_H_
#define QUARRY_INGEST_FILE_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/extractor.h"
#include "ingest/json_records.h"
#include "ingest/path_glob.h"
#include "ingest/pdf/pdf_fork_client.h"
#include "ingest/pdf/pdf_text.h"
#include "quarry/document.h"
#include "quarry/status.h"

namespace quarry::ingest {

struct FileSourceOptions {
  // Larger files fail with ResourceExhausted. JSON Lines files are streamed:
  // for them only json.max_record_bytes, per line, applies.
  uint64_t max_file_bytes = 100ull << 20;
  bool follow_symlinks = false;  // for links found while walking folders
  ExtractOptions extract;
  JsonRecordOptions json;
  // PDFs are extracted by the sandboxed helper executable under these limits
  // (ingest/pdf/pdf_sandbox.h); "" = quarry-pdf-extract beside this program.
  PdfLimits pdf;
  std::string pdf_helper;
  // Fork servers for that helper (pdf_fork_client.h), shared by every copy of
  // these options and every thread reading with them; null = one spawned
  // process per PDF. Must be for the helper above to be used.
  std::shared_ptr<PdfForkServerPool> pdf_servers;
  PathFilter filter;  // include/exclude patterns for walked folders
  // If set, called while a JSON Lines file is streamed with the bytes of it
  // read so far (for progress: such a file can be gigabytes). On the calling thread.
  std::function<void(uint64_t bytes_read)> read_progress;
};

struct FileEntry {
  std::string path;         // to open: the argument, or the argument joined with names below it
  std::string document_id;  // see the header comment
  uint64_t size_bytes = 0;  // when collected (for progress), 0 if unknown
  // What the file is called in messages, as documents' source and title, and
  // whose extension counts when sniffing its format; "" = path. An upload's
  // temporary file goes by the client's file name.
  std::string name;
};

struct CollectResult {
  std::vector<FileEntry> files;
  // "path: reason" for each entry left out on purpose: unsupported extension,
  // hidden, symbolic link not followed, not a regular file, folder already
  // visited.
  std::vector<std::string> skipped;
  // "path: reason" for each entry left out because of an error the operator
  // should fix: unreadable file or folder, broken link, duplicate or invalid id.
  std::vector<std::string> errors;
  // Entries left out by the include/exclude patterns (not listed: there may be
  // many, and the operator asked for it).
  size_t excluded = 0;
};

// Expands `paths` (files and folders) into the files to ingest, in order.
// Fails with NotFound naming the path if one does not exist, InvalidArgument for
// an empty path, IOError if one cannot be examined. Problems below a folder
// argument do not fail the call; they are listed in `skipped` or `errors`.
Result<CollectResult> CollectFiles(const std::vector<std::string>& paths,
                                   const FileSourceOptions& options);

// Reads a file that holds one document: text decoded to valid UTF-8
// (ingest/text_decode.h), extracted by its format (ingest/extractor.h), title
// = the extractor's (the first Markdown heading, the HTML <title>) or else the
// file name, source = entry.name (else entry.path), id = entry.document_id. Fails with
// ResourceExhausted (naming size and limit) for a file over max_file_bytes,
// checked before reading; NotFound if it vanished; InvalidArgument if it is not
// a regular file or holds JSON records (use ReadDocuments); IOError with the
// system's reason if it cannot be read; as the extractor fails.
Result<DocumentInput> ReadDocumentFile(const FileEntry& entry, const FileSourceOptions& options);

// Reads every document of a file into `sink`: the one of ReadDocumentFile, or
// one per JSON record (ingest/json_records.h: ids from the records, records
// that cannot be read reported to `problems` and skipped; JSON Lines streamed).
// Fails as ReadDocumentFile does (for JSON Lines, before or while streaming:
// documents already given to `sink` stay given), or when `sink` fails.
Status ReadDocuments(const FileEntry& entry, const FileSourceOptions& options,
                     const DocumentSink& sink, const ProblemSink& problems);

// The format ReadDocuments will read `entry` as (its first bytes, then its
// name). Fails as opening and reading the file do.
Result<DocumentFormat> SniffFileFormat(const FileEntry& entry);

// True for the extensions picked up when walking folders (case-insensitive).
bool IsSupportedTextFile(std::string_view path);

// kMediaTypeMarkdown for .md and .markdown (any case), else kMediaTypePlainText.
const char* MediaTypeForPath(std::string_view path);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_FILE_SOURCE_H_
