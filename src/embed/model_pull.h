// PullModel: `quarry models pull`: download a sentence-transformers model
// folder from a Hugging Face hub once, verified, into models_dir/owner/name
// (the layout embedder_policy.h expects). docs/design/model-hub.md.
//
// Steps: GET the revision's listing (hub_listing.h) and resolve it to a
// commit; choose the files the embedders read; stream each from
// {hub}/{repo}/resolve/{commit}/{file} (following at most kMaxRedirects
// redirects, never from https to http; the token is sent to the hub's own
// host only) into a temporary folder inside models_dir, hashing as bytes
// arrive (SHA-256, and the git blob SHA-1 for files not in LFS); verify each
// against the listing and against the pins compiled in (model_pins.h);
// write quarry-model.json; fsync everything; rename the folder into place.
// A failure removes the temporary folder, so no partial model is ever
// installed, and names the file and the reason.
//
// Thread-safety: one call at a time per models directory (two concurrent
// pulls of one model would race on the final rename; the loser fails).
#ifndef QUARRY_EMBED_MODEL_PULL_H_
#define QUARRY_EMBED_MODEL_PULL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "quarry/status.h"

namespace quarry::embed {

inline constexpr int kMaxRedirects = 5;
inline constexpr char kModelManifestName[] = "quarry-model.json";

struct PullOptions {
  std::string hub_url = "https://huggingface.co";
  std::string repo;  // "owner/name"
  std::string revision = "main";
  std::string models_dir;
  std::string token;  // sent as "Authorization: Bearer" to the hub; never printed
  uint64_t max_file_bytes = uint64_t{4} << 30;
  bool force = false;  // download again even when the commit is installed
  std::chrono::milliseconds timeout{60000};  // per connection step and per read
  std::function<void(const std::string& line)> progress;  // plain lines
};

struct PullResult {
  std::string folder;  // models_dir/owner/name
  std::string commit;
  bool already_present = false;
  size_t files = 0;
  uint64_t bytes = 0;
};

// InvalidArgument for bad options or an unusable listing (names the reason);
// Corruption when a file does not match its checksum or size (names the
// file); Unavailable / FailedPrecondition for network and TLS errors;
// NotFound when the hub has no such model or revision; IOError / NoSpace
// for the disk.
Result<PullResult> PullModel(const PullOptions& options);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_MODEL_PULL_H_
