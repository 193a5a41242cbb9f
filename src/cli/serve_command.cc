// `quarry serve`: open the data directory and serve the HTTP API.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "cli/cache_settings.h"
#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/config_file.h"
#include "ingest/pdf/pdf_sandbox.h"
#include "quarry/engine.h"
#include "server/http_server.h"
#include "server/upload_job.h"

namespace quarry::cli {
namespace {

struct ServeFlags {
  std::string config_path;
  std::string data = "./quarry-data";
  std::string host = "127.0.0.1";
  int port = 8765;
  unsigned threads = 0;
  size_t max_body_bytes = server::ServerOptions{}.max_body_bytes;
  size_t max_upload_bytes = server::ServerOptions{}.max_upload_bytes;
  uint64_t max_file_bytes = server::ServerOptions{}.max_file_bytes;
  std::string default_collection = "default";
  std::string log_level = "info";
  std::string models_dir;
  unsigned shutdown_grace_s = 30;
  CacheSettings cache;
};

// Fills in every flag the user did not give from the config file.
Status ApplyConfigFile(const CLI::App& cmd, ServeFlags* flags) {
  if (flags->config_path.empty()) return Status::Ok();
  QUARRY_ASSIGN_OR_RETURN(FileConfig file, LoadConfigFile(flags->config_path));
  const auto given = [&](const char* name) { return cmd.get_option(name)->count() > 0; };
  if (file.data && !given("--data")) flags->data = *file.data;
  if (file.host && !given("--host")) flags->host = *file.host;
  if (file.port && !given("--port")) flags->port = static_cast<int>(*file.port);
  if (file.threads && !given("--threads")) flags->threads = static_cast<unsigned>(*file.threads);
  if (file.max_body_bytes && !given("--max-body-bytes")) {
    flags->max_body_bytes = static_cast<size_t>(*file.max_body_bytes);
  }
  if (file.max_upload_bytes && !given("--max-upload-bytes")) {
    flags->max_upload_bytes = static_cast<size_t>(*file.max_upload_bytes);
  }
  if (file.max_file_bytes && !given("--max-file-bytes")) {
    flags->max_file_bytes = static_cast<uint64_t>(*file.max_file_bytes);
  }
  if (file.default_collection && !given("--default-collection")) {
    flags->default_collection = *file.default_collection;
  }
  if (file.log_level && !given("--log-level")) flags->log_level = *file.log_level;
  if (file.models_dir && !given("--models-dir")) flags->models_dir = *file.models_dir;
  CacheSettings& c = flags->cache;
  if (file.cache_enabled && !given("--no-cache")) c.enabled = *file.cache_enabled;
  auto take = [&](const auto& from, const char* flag, auto* to) {
    if (from && !given(flag)) *to = *from;
  };
  take(file.cache_l2_url, "--cache-l2", &c.l2_url);
  take(file.cache_l2_password_env, "--cache-l2-password-env", &c.l2_password_env);
  take(file.cache_l2_ttl_s, "--cache-l2-ttl", &c.l2_ttl_s);
  take(file.cache_l2_timeout_ms, "--cache-l2-timeout-ms", &c.l2_timeout_ms);
  take(file.cache_result_entries, "--cache-result-entries", &c.result_entries);
  take(file.cache_result_ttl_s, "--cache-result-ttl", &c.result_ttl_s);
  take(file.cache_embedding_entries, "--cache-embedding-entries", &c.embedding_entries);
  take(file.cache_embedding_ttl_s, "--cache-embedding-ttl", &c.embedding_ttl_s);
  take(file.cache_warm_interval_s, "--cache-warm-interval", &c.warm_interval_s);
  take(file.cache_warm_top, "--cache-warm-top", &c.warm_top);
  take(file.cache_key_prefix, "--cache-key-prefix", &c.key_prefix);
  return Status::Ok();
}

void AddCacheFlags(CLI::App* cmd, CacheSettings* c) {
  cmd->add_flag("--no-cache{false}", c->enabled, "Turn off both cache tiers");
  cmd->add_option("--cache-l2", c->l2_url,
                  "Shared L2 cache: redis://[user@]host[:port][/db] (Redis, Valkey, Dragonfly, "
                  "KeyDB); off when not given");
  cmd->add_option("--cache-l2-password-env", c->l2_password_env,
                  "Environment variable holding the L2 password")
      ->capture_default_str();
  cmd->add_option("--cache-l2-ttl", c->l2_ttl_s, "Seconds an L2 entry lives")
      ->capture_default_str();
  cmd->add_option("--cache-l2-timeout-ms", c->l2_timeout_ms,
                  "Connect and socket timeout of L2 calls, milliseconds")
      ->capture_default_str();
  cmd->add_option("--cache-result-entries", c->result_entries, "Search results kept in L1")
      ->capture_default_str();
  cmd->add_option("--cache-result-ttl", c->result_ttl_s, "Seconds an L1 search result lives")
      ->capture_default_str();
  cmd->add_option("--cache-embedding-entries", c->embedding_entries,
                  "Query embeddings kept in L1")
      ->capture_default_str();
  cmd->add_option("--cache-embedding-ttl", c->embedding_ttl_s,
                  "Seconds an L1 query embedding lives")
      ->capture_default_str();
  cmd->add_option("--cache-warm-interval", c->warm_interval_s,
                  "Seconds between warmings of the popular queries (0: never)")
      ->capture_default_str();
  cmd->add_option("--cache-warm-top", c->warm_top, "How many popular queries each warming runs")
      ->capture_default_str();
  cmd->add_option("--cache-key-prefix", c->key_prefix,
                  "Prefix of this deployment's L2 keys (servers that share answers share it)")
      ->capture_default_str();
}

int RunServe(const CLI::App& cmd, ServeFlags flags) {
  Status s = ApplyConfigFile(cmd, &flags);
  if (!s.ok()) return FailWith(s);
  spdlog::level::level_enum level = spdlog::level::from_str(flags.log_level);
  if (level == spdlog::level::off && flags.log_level != "off") {
    return Fail(kExitUsageError, "unknown log level '" + flags.log_level +
                                     "' (trace, debug, info, warn, error, off)");
  }
  spdlog::set_level(level);

  Result<cache::CacheOptions> cache_options = MakeCacheOptions(flags.cache);
  if (!cache_options.ok()) return FailWith(cache_options.status());

  auto engine = Engine::Open({.data_dir = flags.data});
  if (!engine.ok()) return FailWith(engine.status());

  server::ServerOptions options;
  options.host = flags.host;
  options.port = static_cast<uint16_t>(flags.port);
  options.io_threads = flags.threads;
  options.cpu_threads = flags.threads;
  options.max_body_bytes = flags.max_body_bytes;
  options.max_upload_bytes = flags.max_upload_bytes;
  options.max_file_bytes = flags.max_file_bytes;
  options.upload_tmp_dir = flags.data + "/tmp";
  // The Engine holds the data directory's lock: leftovers of a crash are ours.
  Status tmp = server::PrepareUploadTmpDir(options.upload_tmp_dir);
  if (!tmp.ok()) return FailWith(tmp);
  // As `quarry ingest` does; QUARRY_PDF_FORK_SERVER=0 spawns a helper per PDF.
  if (ingest::PdfForkServerEnabled()) {
    options.pdf_servers =
        std::make_shared<ingest::PdfForkServerPool>(ingest::DefaultPdfHelperPath());
  }
  options.default_collection = flags.default_collection;
  options.models_dir = flags.models_dir;
  options.shutdown_grace = std::chrono::seconds(flags.shutdown_grace_s);
  options.cache = std::move(cache_options).value();
  auto server = server::HttpServer::Create(engine->get(), options);
  if (!server.ok()) return FailWith(server.status());

  // Scripts and tests wait for this exact line; it goes out once bound.
  std::printf("quarry listening on %s\n", (*server)->url().c_str());
  std::fflush(stdout);
  Status run = (*server)->Run();
  if (!run.ok()) return FailWith(run);
  return kExitOk;
}

}  // namespace

CommandRunner RegisterServe(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the HTTP API and the web page");
  cmd->add_option("--config", flags->config_path, "TOML config file (flags override it)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--data", flags->data, "Data directory")->capture_default_str();
  cmd->add_option("--host", flags->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", flags->port, "Port (0 picks a free one)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "IO and CPU threads (default: one per core)")
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--max-body-bytes", flags->max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 32))
      ->capture_default_str();
  cmd->add_option("--max-upload-bytes", flags->max_upload_bytes,
                  "Largest multipart/form-data upload of files accepted")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--max-file-bytes", flags->max_file_bytes,
                  "Largest uploaded file; larger ones fail alone (422)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--default-collection", flags->default_collection,
                  "Collection searched when a request names none")
      ->capture_default_str();
  cmd->add_option("--models-dir", flags->models_dir,
                  "Folder of model folders that clients may name when they create a collection "
                  "with a local embedder (none: clients cannot choose a model)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--log-level", flags->log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  cmd->add_option("--shutdown-grace", flags->shutdown_grace_s,
                  "Seconds a shutdown waits for accepted requests to be answered")
      ->check(CLI::Range(0u, 3600u))
      ->capture_default_str();
  AddCacheFlags(cmd, &flags->cache);
  return [cmd, flags] { return RunServe(*cmd, *flags); };
}

}  // namespace quarry::cli
