// The cache settings of `quarry serve`, as given on the command line or in
// the [cache] table of the config file, checked and turned into
// cache::CacheOptions. The L2 password is read from the environment variable
// the settings name, never from a flag or the file (both are visible to
// others: ps, shell history, config repositories).
//
// Thread-safety: pure functions (MakeCacheOptions reads the environment).
#ifndef QUARRY_CLI_CACHE_SETTINGS_H_
#define QUARRY_CLI_CACHE_SETTINGS_H_

#include <cstdint>
#include <string>

#include "cache/cache_options.h"
#include "quarry/status.h"

namespace quarry::cli {

struct CacheSettings {
  bool enabled = true;
  std::string l2_url;  // empty = no L2
  std::string l2_password_env = "QUARRY_CACHE_L2_PASSWORD";
  int64_t l2_ttl_s = 3600;
  int64_t l2_timeout_ms = 1000;
  int64_t result_entries = 5000;
  int64_t result_ttl_s = 60;
  int64_t embedding_entries = 10000;
  int64_t embedding_ttl_s = 300;
  int64_t warm_interval_s = 300;
  int64_t warm_top = 100;
  std::string key_prefix = "quarry:v1:";
};

// kInvalidArgument naming the setting (as its flag, --cache-...) and its range.
Result<cache::CacheOptions> MakeCacheOptions(const CacheSettings& settings);

}  // namespace quarry::cli

#endif  // QUARRY_CLI_CACHE_SETTINGS_H_
