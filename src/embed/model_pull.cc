#include "embed/model_pull.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <ctime>
#include <map>
#include <memory>
#include <random>

#include "base/env.h"
#include "embed/http_client.h"
#include "embed/http_url.h"
#include "embed/hub_listing.h"
#include "embed/model_pins.h"

namespace quarry::embed {
namespace {

namespace json = boost::json;

constexpr size_t kMaxErrorBody = 64 << 10;
constexpr uint64_t kProgressStep = uint64_t{64} << 20;

std::string Hex(const unsigned char* data, unsigned size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

// SHA-256 of the bytes, and optionally the git blob SHA-1 ("blob <size>\0"
// then the bytes), computed as the bytes arrive.
class Digests {
 public:
  explicit Digests(const HubFile& file) {
    EVP_DigestInit_ex(sha256_.get(), EVP_sha256(), nullptr);
    if (file.lfs_sha256.empty()) {
      sha1_.reset(EVP_MD_CTX_new());
      EVP_DigestInit_ex(sha1_.get(), EVP_sha1(), nullptr);
      const std::string header = "blob " + std::to_string(file.size);
      EVP_DigestUpdate(sha1_.get(), header.data(), header.size() + 1);  // with its NUL
    }
  }
  void Update(std::string_view piece) {
    EVP_DigestUpdate(sha256_.get(), piece.data(), piece.size());
    if (sha1_) EVP_DigestUpdate(sha1_.get(), piece.data(), piece.size());
  }
  std::string Sha256() { return Final(sha256_.get()); }
  std::string BlobSha1() { return sha1_ ? Final(sha1_.get()) : ""; }

 private:
  using Ctx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
  static std::string Final(EVP_MD_CTX* ctx) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_DigestFinal_ex(ctx, out, &size);
    return Hex(out, size);
  }
  Ctx sha256_{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  Ctx sha1_{nullptr, &EVP_MD_CTX_free};
};

// Percent-encodes everything but unreserved characters and '/'.
std::string EncodePath(std::string_view s, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string Origin(const HttpUrl& u) { return std::string(u.scheme()) + "://" + u.authority(); }

// A URL as errors show it: no query string (a CDN's may be a signature).
std::string Shown(const HttpUrl& u) {
  return Origin(u) + u.target.substr(0, u.target.find('?'));
}

bool IsRedirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Mib(uint64_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

class Puller {
 public:
  Puller(const PullOptions& options, HttpUrl hub) : o_(options), hub_(std::move(hub)) {}

  Result<PullResult> Run();

 private:
  void Say(const std::string& line) const {
    if (o_.progress) o_.progress(line);
  }
  HttpClient& ClientFor(const HttpUrl& url);
  // GET `url`, following redirects; `get.target` and credentials are set here.
  Result<HttpResponse> Fetch(HttpUrl url, HttpGet get);
  Status Download(const HubFile& file, const std::string& commit, const std::string& dir);
  Status Install(const std::string& tmp, const std::string& folder);

  const PullOptions& o_;
  HttpUrl hub_;
  std::shared_ptr<Env> env_ = NewPosixEnv();
  std::map<std::string, std::unique_ptr<HttpClient>> clients_;
  json::array manifest_files_;
  uint64_t bytes_ = 0;
};

HttpClient& Puller::ClientFor(const HttpUrl& url) {
  std::unique_ptr<HttpClient>& c = clients_[Origin(url)];
  if (!c) c = std::make_unique<HttpClient>(url.host, url.port, url.tls);
  return *c;
}

Result<HttpResponse> Puller::Fetch(HttpUrl url, HttpGet get) {
  const std::string bearer = o_.token.empty() ? "" : "Bearer " + o_.token;
  for (int hop = 0;; ++hop) {
    get.target = url.target;
    // The token is the hub's: a CDN or another host never sees it.
    get.auth_value = Origin(url) == Origin(hub_) ? std::string_view(bearer) : std::string_view();
    Result<HttpResponse> r = ClientFor(url).Get(get);
    if (!r.ok()) return Status(r.status().code(), "GET " + Shown(url) + ": " + r.status().message());
    if (!IsRedirect(r->status)) return r;
    if (hop == kMaxRedirects) {
      return Status::FailedPrecondition("GET " + Shown(url) + ": more than " +
                                        std::to_string(kMaxRedirects) + " redirects");
    }
    const std::string& location = r->location;
    Result<HttpUrl> next = Status::InvalidArgument("a redirect without a Location");
    if (location.starts_with("//")) {
      next = ParseHttpUrl(std::string(url.scheme()) + ":" + location, "a redirect's Location");
    } else if (location.starts_with("/")) {
      HttpUrl same = url;
      same.target = location;
      next = same;
    } else if (!location.empty()) {
      next = ParseHttpUrl(location, "a redirect's Location");
    }
    if (!next.ok()) return Status::FailedPrecondition("GET " + Shown(url) + ": " + next.status().message());
    if (url.tls && !next->tls) {
      return Status::FailedPrecondition("GET " + Shown(url) +
                                        ": refused a redirect from https to http (" +
                                        Shown(*next) + ")");
    }
    url = std::move(next).value();
  }
}

Status Puller::Download(const HubFile& f, const std::string& commit, const std::string& dir) {
  const PinnedFile* pin = FindPin(o_.repo, f.name);
  if (pin != nullptr && !f.lfs_sha256.empty() && f.lfs_sha256 != pin->sha256) {
    return Status::Corruption(f.name + ": the hub lists sha256 " + f.lfs_sha256 +
                              ", not the " + std::string(pin->sha256) +
                              " compiled into Quarry for " + o_.repo + "; not downloaded");
  }
  const std::string path = dir + "/" + f.name;
  if (const size_t slash = f.name.rfind('/'); slash != std::string::npos) {
    // Only the allow-listed names reach here; "1_Pooling/config.json" is the one nested file.
    QUARRY_RETURN_IF_ERROR(env_->CreateDir(dir + "/" + f.name.substr(0, slash)));
  }
  QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> out,
                          env_->NewWritableFile(path, OpenMode::kTruncate));
  Say("fetching " + f.name + " (" + std::to_string(f.size) + " bytes)");
  Digests digests(f);
  uint64_t next_report = kProgressStep;
  uint64_t received = 0;
  HttpGet get;
  get.timeout = o_.timeout;
  get.max_response_bytes = kMaxErrorBody;
  get.max_stream_bytes = UINT64_MAX;  // the sink counts against the listing's size
  get.sink = [&](std::string_view piece) -> Status {
    if (piece.size() > f.size - received) {
      return Status::Corruption(f.name + ": the hub sent more than the " +
                                std::to_string(f.size) + " bytes its listing announced");
    }
    digests.Update(piece);
    received += piece.size();
    if (received >= next_report) {
      Say("  " + f.name + ": " + Mib(received) + " of " + Mib(f.size));
      next_report += kProgressStep;
    }
    return out->Append(piece);
  };
  HttpUrl url = hub_;
  url.target = (hub_.target == "/" ? "" : hub_.target) + "/" + EncodePath(o_.repo, true) +
               "/resolve/" + commit + "/" + EncodePath(f.name, true);
  Result<HttpResponse> r = Fetch(url, get);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kCorruption) return r.status();
    return Status(r.status().code(), f.name + ": " + r.status().message());
  }
  if (r->status != 200) {
    return Status::Unavailable(f.name + ": the hub answered HTTP " + std::to_string(r->status));
  }
  if (received != f.size) {
    return Status::Corruption(f.name + ": received " + std::to_string(received) +
                              " bytes, the listing says " + std::to_string(f.size));
  }
  const std::string sha256 = digests.Sha256();
  if (!f.lfs_sha256.empty() && sha256 != f.lfs_sha256) {
    return Status::Corruption(f.name + ": sha256 " + sha256 + " does not match the listing's " +
                              f.lfs_sha256);
  }
  if (f.lfs_sha256.empty()) {
    const std::string blob = digests.BlobSha1();
    if (blob != f.blob_id) {
      return Status::Corruption(f.name + ": git blob id " + blob +
                                " does not match the listing's " + f.blob_id);
    }
  }
  if (pin != nullptr && (sha256 != pin->sha256 || f.size != pin->size)) {
    return Status::Corruption(f.name + ": sha256 " + sha256 + " (" + std::to_string(f.size) +
                              " bytes) does not match the " + std::string(pin->sha256) + " (" +
                              std::to_string(pin->size) + " bytes) compiled into Quarry for " +
                              o_.repo);
  }
  QUARRY_RETURN_IF_ERROR(out->Sync());
  QUARRY_RETURN_IF_ERROR(out->Close());
  Say("verified " + f.name + " sha256 " + sha256 + (pin ? " (pinned)" : ""));
  manifest_files_.push_back(
      json::object{{"name", f.name}, {"size", f.size}, {"sha256", sha256}, {"pinned", pin != nullptr}});
  bytes_ += f.size;
  return Status::Ok();
}

// Moves the verified folder into place; an older one is set aside first and
// removed after (rename(2) cannot replace a non-empty directory).
Status Puller::Install(const std::string& tmp, const std::string& folder) {
  const std::string parent = DirName(folder);
  QUARRY_RETURN_IF_ERROR(env_->SyncDir(tmp));
  if (env_->FileExists(tmp + "/1_Pooling")) QUARRY_RETURN_IF_ERROR(env_->SyncDir(tmp + "/1_Pooling"));
  const std::string old = tmp + ".old";
  const bool replacing = env_->FileExists(folder);
  if (replacing) QUARRY_RETURN_IF_ERROR(env_->RenameFile(folder, old));
  if (Status s = env_->RenameFile(tmp, folder); !s.ok()) {
    if (replacing) (void)env_->RenameFile(old, folder);
    return s;
  }
  QUARRY_RETURN_IF_ERROR(env_->SyncDir(parent));
  if (replacing) QUARRY_RETURN_IF_ERROR(env_->RemoveDirRecursively(old));
  return Status::Ok();
}

Result<PullResult> Puller::Run() {
  PullResult result;
  result.folder = o_.models_dir + "/" + o_.repo;

  HttpUrl listing_url = hub_;
  listing_url.target = (hub_.target == "/" ? "" : hub_.target) + "/api/models/" +
                       EncodePath(o_.repo, true) + "/revision/" + EncodePath(o_.revision, false) +
                       "?blobs=true";
  HttpGet get;
  get.timeout = o_.timeout;
  get.max_response_bytes = kMaxHubListingBytes;
  Result<HttpResponse> r = Fetch(listing_url, get);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kResourceExhausted) {
      return Status::InvalidArgument("the hub's listing: " + r.status().message());
    }
    return r.status();
  }
  if (r->status == 404) {
    return Status::NotFound("the hub has no model " + o_.repo + " at revision " + o_.revision);
  }
  if (r->status == 401 || r->status == 403) {
    return Status::FailedPrecondition("the hub refused access to " + o_.repo + " (HTTP " +
                                      std::to_string(r->status) +
                                      "): a gated or private model needs HF_TOKEN");
  }
  if (r->status != 200) {
    return Status::Unavailable("the hub answered HTTP " + std::to_string(r->status) +
                               " for the listing of " + o_.repo);
  }
  Result<HubListing> listing = ParseHubListing(r->body);
  if (!listing.ok()) return Status::InvalidArgument("the hub's listing: " + listing.status().message());
  result.commit = listing->commit;
  QUARRY_ASSIGN_OR_RETURN(std::vector<HubFile> files,
                          SelectModelFiles(*listing, o_.max_file_bytes));

  // Installed already at this commit?
  if (!o_.force) {
    Result<std::string> m =
        ReadFileToString(*env_, result.folder + "/" + kModelManifestName, 1 << 20);
    if (m.ok()) {
      boost::system::error_code ec;
      json::value v = json::parse(*m, ec);
      const json::object* o = ec ? nullptr : v.if_object();
      const json::value* repo = o ? o->if_contains("repo") : nullptr;
      const json::value* commit = o ? o->if_contains("commit") : nullptr;
      if (repo && commit && repo->is_string() && commit->is_string() &&
          repo->get_string() == o_.repo && commit->get_string() == result.commit) {
        result.already_present = true;
        return result;
      }
    }
  }

  const size_t slash = o_.repo.find('/');
  QUARRY_RETURN_IF_ERROR(env_->CreateDir(o_.models_dir));
  QUARRY_RETURN_IF_ERROR(env_->CreateDir(o_.models_dir + "/" + o_.repo.substr(0, slash)));
  // Hidden, so that neither `models list` nor a client's model name sees it.
  std::random_device rd;
  const std::string tmp = o_.models_dir + "/.quarry-pull-" + o_.repo.substr(0, slash) + "-" +
                          o_.repo.substr(slash + 1) + "-" + std::to_string(::getpid()) + "-" +
                          std::to_string(rd());
  QUARRY_RETURN_IF_ERROR(env_->CreateDir(tmp));
  Status s = [&]() -> Status {
    for (const HubFile& f : files) QUARRY_RETURN_IF_ERROR(Download(f, result.commit, tmp));
    json::object manifest{{"repo", o_.repo},
                          {"revision", o_.revision},
                          {"commit", result.commit},
                          {"hub", Origin(hub_)},
                          {"files", manifest_files_},
                          {"pulled_at", UtcNow()}};
    QUARRY_RETURN_IF_ERROR(WriteFileAtomically(*env_, tmp + "/" + kModelManifestName,
                                               json::serialize(manifest) + "\n"));
    return Install(tmp, result.folder);
  }();
  if (!s.ok()) {
    (void)env_->RemoveDirRecursively(tmp);
    return s;
  }
  result.files = files.size();
  result.bytes = bytes_;
  return result;
}

}  // namespace

Result<PullResult> PullModel(const PullOptions& options) {
  if (!IsRepoId(options.repo)) {
    return Status::InvalidArgument(
        "the model must be named owner/name (letters, digits, '.', '_', '-'), e.g. "
        "sentence-transformers/all-MiniLM-L6-v2");
  }
  if (options.revision.empty() || options.revision.size() > 255 ||
      options.revision.find("..") != std::string::npos) {
    return Status::InvalidArgument("--revision: a branch, tag or commit id");
  }
  if (options.models_dir.empty()) return Status::InvalidArgument("no models directory");
  QUARRY_ASSIGN_OR_RETURN(HttpUrl hub, ParseHttpUrl(options.hub_url, "the hub URL"));
  if (hub.target.find('?') != std::string::npos) {
    return Status::InvalidArgument("the hub URL must not have a query string");
  }
  while (hub.target.size() > 1 && hub.target.ends_with("/")) hub.target.pop_back();
  try {
    Puller puller(options, std::move(hub));
    return puller.Run();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("model pull: ") + e.what());
  }
}

}  // namespace quarry::embed
