#include "cli/config_file.h"

// toml++ is used header-only, with exceptions off, so that parse() returns a
// parse_result instead of throwing (the core does not throw).
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include <sstream>

#include "storage/file_util.h"

namespace quarry::cli {
namespace {

constexpr uint64_t kMaxConfigBytes = 1 << 20;

Status Invalid(const std::string& origin, const std::string& what) {
  return Status::InvalidArgument("config file " + origin + ": " + what);
}

template <typename T>
Status Read(const toml::table& table, std::string_view key, const std::string& path,
            const std::string& origin, std::optional<T>* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  std::optional<T> value = node->value_exact<T>();
  if (!value) {
    const char* expected = std::is_same_v<T, std::string> ? "a string"
                           : std::is_same_v<T, bool>      ? "true or false"
                                                          : "an integer";
    return Invalid(origin, "'" + path + "' must be " + expected);
  }
  *out = std::move(value);
  return Status::Ok();
}

Status CheckKeys(const toml::table& table, const std::string& prefix, const std::string& origin,
                 std::initializer_list<std::string_view> known) {
  for (const auto& [key, node] : table) {
    bool found = false;
    for (std::string_view k : known) found = found || key.str() == k;
    if (!found) return Invalid(origin, "unknown key '" + prefix + std::string(key.str()) + "'");
  }
  return Status::Ok();
}

// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable in its non-ASCII
// whitespace lookup for some code points (upstream issues #190 and #295,
// fixed after 3.3.0): undefined behaviour on a 33-byte file our fuzzer found.
// Raw non-ASCII text is therefore refused before toml++ sees it; "\uXXXX"
// escapes in basic strings are decoded after lexing and stay available.
Status RequireAscii(std::string_view text, const std::string& origin) {
  size_t line = 1, column = 1;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return Invalid(origin, "line " + std::to_string(line) + ", column " +
                                 std::to_string(column) +
                                 ": non-ASCII character; write it as a \\uXXXX escape inside "
                                 "a \"...\" string");
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<FileConfig> ParseConfig(std::string_view toml_text, const std::string& origin) {
  QUARRY_RETURN_IF_ERROR(RequireAscii(toml_text, origin));
  toml::parse_result parsed = toml::parse(toml_text, origin);
  if (!parsed) {
    const toml::parse_error& err = parsed.error();
    std::ostringstream where;
    where << "line " << err.source().begin.line << ", column " << err.source().begin.column;
    return Invalid(origin, where.str() + ": " + std::string(err.description()));
  }
  const toml::table& root = parsed.table();
  QUARRY_RETURN_IF_ERROR(CheckKeys(root, "", origin, {"data", "server", "cache"}));
  FileConfig config;
  QUARRY_RETURN_IF_ERROR(Read(root, "data", "data", origin, &config.data));
  if (const toml::node* server = root.get("server")) {
    const toml::table* table = server->as_table();
    if (table == nullptr) return Invalid(origin, "'server' must be a table");
    QUARRY_RETURN_IF_ERROR(CheckKeys(*table, "server.", origin,
                                     {"host", "port", "threads", "max_body_bytes",
                                      "max_upload_bytes", "max_file_bytes",
                                      "default_collection", "log_level", "models_dir"}));
    QUARRY_RETURN_IF_ERROR(Read(*table, "host", "server.host", origin, &config.host));
    QUARRY_RETURN_IF_ERROR(Read(*table, "port", "server.port", origin, &config.port));
    QUARRY_RETURN_IF_ERROR(Read(*table, "threads", "server.threads", origin, &config.threads));
    QUARRY_RETURN_IF_ERROR(
        Read(*table, "max_body_bytes", "server.max_body_bytes", origin, &config.max_body_bytes));
    QUARRY_RETURN_IF_ERROR(Read(*table, "max_upload_bytes", "server.max_upload_bytes", origin,
                                &config.max_upload_bytes));
    QUARRY_RETURN_IF_ERROR(
        Read(*table, "max_file_bytes", "server.max_file_bytes", origin, &config.max_file_bytes));
    QUARRY_RETURN_IF_ERROR(Read(*table, "default_collection", "server.default_collection", origin,
                                &config.default_collection));
    QUARRY_RETURN_IF_ERROR(Read(*table, "log_level", "server.log_level", origin, &config.log_level));
    QUARRY_RETURN_IF_ERROR(
        Read(*table, "models_dir", "server.models_dir", origin, &config.models_dir));
  }
  if (const toml::node* cache = root.get("cache")) {
    const toml::table* table = cache->as_table();
    if (table == nullptr) return Invalid(origin, "'cache' must be a table");
    QUARRY_RETURN_IF_ERROR(CheckKeys(
        *table, "cache.", origin,
        {"enabled", "l2_url", "l2_password_env", "l2_ttl_s", "l2_timeout_ms", "result_entries",
         "result_ttl_s", "embedding_entries", "embedding_ttl_s", "warm_interval_s", "warm_top",
         "key_prefix"}));
    QUARRY_RETURN_IF_ERROR(Read(*table, "enabled", "cache.enabled", origin, &config.cache_enabled));
    QUARRY_RETURN_IF_ERROR(Read(*table, "l2_url", "cache.l2_url", origin, &config.cache_l2_url));
    QUARRY_RETURN_IF_ERROR(Read(*table, "l2_password_env", "cache.l2_password_env", origin,
                                &config.cache_l2_password_env));
    QUARRY_RETURN_IF_ERROR(Read(*table, "l2_ttl_s", "cache.l2_ttl_s", origin, &config.cache_l2_ttl_s));
    QUARRY_RETURN_IF_ERROR(
        Read(*table, "l2_timeout_ms", "cache.l2_timeout_ms", origin, &config.cache_l2_timeout_ms));
    QUARRY_RETURN_IF_ERROR(Read(*table, "result_entries", "cache.result_entries", origin,
                                &config.cache_result_entries));
    QUARRY_RETURN_IF_ERROR(
        Read(*table, "result_ttl_s", "cache.result_ttl_s", origin, &config.cache_result_ttl_s));
    QUARRY_RETURN_IF_ERROR(Read(*table, "embedding_entries", "cache.embedding_entries", origin,
                                &config.cache_embedding_entries));
    QUARRY_RETURN_IF_ERROR(Read(*table, "embedding_ttl_s", "cache.embedding_ttl_s", origin,
                                &config.cache_embedding_ttl_s));
    QUARRY_RETURN_IF_ERROR(Read(*table, "warm_interval_s", "cache.warm_interval_s", origin,
                                &config.cache_warm_interval_s));
    QUARRY_RETURN_IF_ERROR(Read(*table, "warm_top", "cache.warm_top", origin, &config.cache_warm_top));
    QUARRY_RETURN_IF_ERROR(
        Read(*table, "key_prefix", "cache.key_prefix", origin, &config.cache_key_prefix));
  }
  if (config.port && (*config.port < 0 || *config.port > 65535)) {
    return Invalid(origin, "'server.port' must be between 0 and 65535");
  }
  if (config.threads && (*config.threads < 1 || *config.threads > 256)) {
    return Invalid(origin, "'server.threads' must be between 1 and 256");
  }
  if (config.max_body_bytes && (*config.max_body_bytes < 1024 || *config.max_body_bytes > (1ll << 32))) {
    return Invalid(origin, "'server.max_body_bytes' must be between 1024 and 4294967296");
  }
  if (config.max_upload_bytes &&
      (*config.max_upload_bytes < 1024 || *config.max_upload_bytes > (1ll << 40))) {
    return Invalid(origin, "'server.max_upload_bytes' must be between 1024 and 1099511627776");
  }
  if (config.max_file_bytes && (*config.max_file_bytes < 1 || *config.max_file_bytes > (1ll << 40))) {
    return Invalid(origin, "'server.max_file_bytes' must be between 1 and 1099511627776");
  }
  return config;
}

Result<FileConfig> LoadConfigFile(const std::string& path) {
  Result<std::string> text = storage::ReadFileToString(path, kMaxConfigBytes);
  if (!text.ok()) {
    // A missing or unreadable config file is the user's to fix: a usage error.
    return Status::InvalidArgument("config file " + path + ": " + text.status().message());
  }
  return ParseConfig(*text, path);
}

}  // namespace quarry::cli
