// The optional TOML configuration file of `quarry serve` (--config FILE).
//
//   data = "./quarry-data"
//   [server]
//   host = "127.0.0.1"
//   port = 8765
//   threads = 2
//   max_body_bytes = 33554432
//   max_upload_bytes = 268435456  # multipart uploads of files (--max-upload-bytes)
//   max_file_bytes = 104857600     # each uploaded file (--max-file-bytes)
//   default_collection = "default"
//   log_level = "info"
//   models_dir = "./models"        # models clients may name (--models-dir)
//   [cache]                        # docs/design/cache.md; flags --cache-*
//   enabled = true
//   l2_url = "redis://127.0.0.1:6379/0"
//   l2_password_env = "QUARRY_CACHE_L2_PASSWORD"
//   l2_ttl_s = 3600
//   l2_timeout_ms = 1000
//   result_entries = 5000
//   result_ttl_s = 60
//   embedding_entries = 10000
//   embedding_ttl_s = 300
//   warm_interval_s = 300
//   warm_top = 100
//   key_prefix = "quarry:v1:"
//
// Flags given on the command line win over the file. Unknown keys are errors,
// so a misspelt setting is never silently ignored. The file must be ASCII:
// write other characters as \uXXXX escapes in "..." strings (see the .cc for
// the toml++ bug this avoids).
//
// Thread-safety: pure functions.
#ifndef QUARRY_CLI_CONFIG_FILE_H_
#define QUARRY_CLI_CONFIG_FILE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "quarry/status.h"

namespace quarry::cli {

struct FileConfig {
  std::optional<std::string> data;
  std::optional<std::string> host;
  std::optional<int64_t> port;
  std::optional<int64_t> threads;
  std::optional<int64_t> max_body_bytes;
  std::optional<int64_t> max_upload_bytes;
  std::optional<int64_t> max_file_bytes;
  std::optional<std::string> default_collection;
  std::optional<std::string> models_dir;
  std::optional<std::string> log_level;

  std::optional<bool> cache_enabled;
  std::optional<std::string> cache_l2_url;
  std::optional<std::string> cache_l2_password_env;
  std::optional<int64_t> cache_l2_ttl_s;
  std::optional<int64_t> cache_l2_timeout_ms;
  std::optional<int64_t> cache_result_entries;
  std::optional<int64_t> cache_result_ttl_s;
  std::optional<int64_t> cache_embedding_entries;
  std::optional<int64_t> cache_embedding_ttl_s;
  std::optional<int64_t> cache_warm_interval_s;
  std::optional<int64_t> cache_warm_top;
  std::optional<std::string> cache_key_prefix;
};

// Parses TOML text; `origin` names the file in error messages.
Result<FileConfig> ParseConfig(std::string_view toml_text, const std::string& origin);
Result<FileConfig> LoadConfigFile(const std::string& path);

}  // namespace quarry::cli

#endif  // QUARRY_CLI_CONFIG_FILE_H_
