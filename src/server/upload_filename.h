// The name an uploaded file is known by in Quarry: its document id and source.
//
// A client's file name is untrusted text. It is never used to name anything
// on disk (uploads are written to mkstemp files), but it becomes a document
// id and shows in answers and logs, so it is reduced to a base name: what
// follows the last '/' or '\' (browsers on Windows send "C:\dir\a.pdf"),
// without control characters (NUL, CR, LF, ...), invalid UTF-8 replaced by
// U+FFFD, surrounding white space trimmed. "..", "." and "" have no usable
// name left and are refused.
//
// Thread-safety: pure function.
#ifndef QUARRY_SERVER_UPLOAD_FILENAME_H_
#define QUARRY_SERVER_UPLOAD_FILENAME_H_

#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::server {

// The base name of `filename` as described above. InvalidArgument if none is
// left or it is longer than kMaxDocumentIdBytes.
Result<std::string> UploadBaseName(std::string_view filename);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_UPLOAD_FILENAME_H_
