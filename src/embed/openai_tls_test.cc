// The `openai` embedder over https:// against FakeOpenAiServer serving TLS
// with a certificate made at test time (a test CA, then a server certificate
// for "localhost" only, with the openssl CLI): a trusted certificate works; a
// wrong host name and an untrusted CA are refused at once, without retries;
// Azure OpenAI's URL form and "api-key" header are what the stand-in checks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "base/testing/temp_dir.h"
#include "embed/fake_openai_server.h"
#include "embed/openai_embedder.h"

namespace quarry::embed {
namespace {

using std::chrono::milliseconds;
using testing::FakeOpenAiServer;
using testing::FakeServerOptions;

constexpr uint32_t kDims = 8;
constexpr char kKey[] = "sk-tls-test-41c7e2";

// Sets (or unsets) an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class OpenAiTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = dir_.path();
    std::ofstream(d + "/ext.cnf") << "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n";
    const std::string script =
        "cd '" + d + "' && " +
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-keyout ca.key -out ca.pem -days 2 -subj /CN=quarry-test-ca && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-keyout server.key -out server.csr -subj /CN=localhost && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
        "-out server.pem -days 2 -extfile ext.cnf";
    if (std::system(("(" + script + ") >/dev/null 2>&1").c_str()) != 0) {
      GTEST_SKIP() << "the openssl CLI could not make test certificates";
    }
  }

  FakeServerOptions Tls(bool azure = false) const {
    return {dir_.path() + "/server.pem", dir_.path() + "/server.key", azure};
  }

  Result<std::unique_ptr<OpenAiEmbedder>> Make(const std::string& url, bool api_key_header) {
    OpenAiEmbedderOptions o;
    o.base_url = url;
    o.model = std::string("tls-test-model");
    o.api_key = kKey;
    o.use_api_key_header = api_key_header;
    o.dimensions = kDims;
    o.timeout = milliseconds(5000);
    o.retry.max_retries = 3;
    o.sleep = [this](milliseconds) { ++sleeps_; };
    return OpenAiEmbedder::Create(std::move(o));
  }

  static Status EmbedOne(const OpenAiEmbedder& e) {
    std::vector<std::string_view> texts{"alpha"};
    std::vector<float> out(kDims);
    return e.Embed(texts, EmbedPurpose::kDocument, out);
  }

  std::string ca() const { return dir_.path() + "/ca.pem"; }

  quarry::testing::TempDir dir_;
  int sleeps_ = 0;
};

TEST_F(OpenAiTlsTest, TrustedCertificateWorksAndKeepsTheConnection) {
  FakeOpenAiServer server(kDims, kKey, Tls());
  ScopedEnv trust("SSL_CERT_FILE", ca().c_str());
  auto e = Make(server.base_url("localhost"), false);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  Status first = EmbedOne(**e);
  ASSERT_TRUE(first.ok()) << first.ToString();
  ASSERT_TRUE(EmbedOne(**e).ok());
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(OpenAiTlsTest, WrongHostNameIsRefusedWithoutRetries) {
  FakeOpenAiServer server(kDims, kKey, Tls());
  ScopedEnv trust("SSL_CERT_FILE", ca().c_str());
  auto e = Make(server.base_url("127.0.0.1"), false);  // the certificate names localhost only
  ASSERT_TRUE(e.ok());
  Status s = EmbedOne(**e);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("certificate verify failed"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("https://127.0.0.1"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(kKey), std::string::npos);
  EXPECT_EQ(server.requests(), 0);
  EXPECT_EQ(sleeps_, 0);
}

TEST_F(OpenAiTlsTest, UntrustedCertificateIsRefused) {
  FakeOpenAiServer server(kDims, kKey, Tls());
  ScopedEnv no_file("SSL_CERT_FILE", (dir_.path() + "/missing.pem").c_str());
  ScopedEnv no_dir("SSL_CERT_DIR", dir_.path().c_str());
  auto e = Make(server.base_url("localhost"), false);
  ASSERT_TRUE(e.ok());
  Status s = EmbedOne(**e);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("certificate verify failed"), std::string::npos) << s.message();
  EXPECT_EQ(server.requests(), 0);
  EXPECT_EQ(sleeps_, 0);
}

TEST_F(OpenAiTlsTest, AzureUrlAndApiKeyHeader) {
  FakeOpenAiServer server(kDims, kKey, Tls(/*azure=*/true));
  ScopedEnv trust("SSL_CERT_FILE", ca().c_str());
  auto azure = Make(server.base_url("localhost"), true);
  ASSERT_TRUE(azure.ok()) << azure.status().ToString();
  Status ok = EmbedOne(**azure);
  EXPECT_TRUE(ok.ok()) << ok.ToString();
  // The same key as a bearer token is not what Azure takes.
  auto bearer = Make(server.base_url("localhost"), false);
  ASSERT_TRUE(bearer.ok());
  Status refused = EmbedOne(**bearer);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.message().find("HTTP 401"), std::string::npos) << refused.message();
}

TEST_F(OpenAiTlsTest, ApiKeyHeaderComesFromTheConfig) {
  FakeServerOptions plain_azure;
  plain_azure.azure = true;
  FakeOpenAiServer server(kDims, kKey, plain_azure);
  EmbedderConfig config;
  config.kind = EmbedderKind::kOpenAi;
  config.base_url = server.base_url();
  config.model = "m";
  config.dimensions = kDims;
  config.api_key_env = "QUARRY_TEST_AZURE_KEY";
  config.api_key_header = "api-key";
  ScopedEnv key("QUARRY_TEST_AZURE_KEY", kKey);
  auto options = OpenAiEmbedder::OptionsFromConfig(config);
  ASSERT_TRUE(options.ok());
  EXPECT_TRUE(options->use_api_key_header);
  auto e = OpenAiEmbedder::Create(std::move(options).value());
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(EmbedOne(**e).ok());
}

}  // namespace
}  // namespace quarry::embed
