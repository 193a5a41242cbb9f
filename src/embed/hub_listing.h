// The model hub's listing of one revision of a model repository, as Hugging
// Face answers GET /api/models/{owner/name}/revision/{revision}?blobs=true:
//   {"sha": "<commit>", "siblings": [{"rfilename": "config.json", "size": 612,
//     "blobId": "<git SHA-1>", "lfs": {"sha256": "<hex>", "size": N}}, ...], ...}
// (docs/design/model-hub.md). Everything in it is untrusted: the parser
// checks types, hex digests and sizes, caps the number of files, and refuses
// a listing that names an unsafe path; which files Quarry fetches is decided
// here too, from a fixed list of what the embedders read.
//
// Thread-safety: pure functions.
#ifndef QUARRY_EMBED_HUB_LISTING_H_
#define QUARRY_EMBED_HUB_LISTING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

namespace quarry::embed {

inline constexpr size_t kMaxHubListingBytes = 8 << 20;
inline constexpr size_t kMaxHubListingFiles = 20000;

struct HubFile {
  std::string name;        // the repo path ("1_Pooling/config.json"), checked safe
  uint64_t size = 0;       // the LFS size for LFS files
  std::string blob_id;     // git blob SHA-1, 40 lowercase hex ("" if absent)
  std::string lfs_sha256;  // 64 lowercase hex; empty: not an LFS file
};

struct HubListing {
  std::string commit;  // 40 lowercase hex
  std::vector<HubFile> files;
};

// InvalidArgument naming the problem: not JSON, missing or mistyped fields,
// a bad digest, more than kMaxHubListingFiles files, an unsafe name.
Result<HubListing> ParseHubListing(std::string_view json);

// Ok for a relative path of non-empty parts separated by '/', at most 512
// bytes, none "." or "..", no backslash, NUL or control byte, not absolute.
// (Hidden parts are allowed here; SelectModelFiles never picks them.)
Status CheckRepoPath(std::string_view name);

// True for the files an embedder reads (tokenizer, configs, pooling,
// model.safetensors, README.md, LICENSE); other weights and hidden files are
// never fetched.
bool IsModelFile(std::string_view name);

// The files to fetch: those of IsModelFile. InvalidArgument when there is no
// model.safetensors or a chosen file is larger than max_file_bytes.
Result<std::vector<HubFile>> SelectModelFiles(const HubListing& listing, uint64_t max_file_bytes);

// "owner/name", each part of letters, digits, '.', '_', '-', not starting
// with '.', at most 96 bytes (what a models directory holds: embedder_policy.h).
bool IsRepoId(std::string_view repo);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_HUB_LISTING_H_
