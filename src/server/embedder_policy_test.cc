#include "server/embedder_policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/testing/temp_dir.h"

namespace quarry::server {
namespace {

EmbedderConfig Local(std::string model) {
  EmbedderConfig config;
  config.kind = EmbedderKind::kLocal;
  config.model = std::move(model);
  return config;
}

TEST(EmbedderPolicyTest, LexicalIsAlwaysAllowed) {
  EmbedderConfig lexical;
  EXPECT_TRUE(ApplyClientEmbedderPolicy("", &lexical).ok());
}

TEST(EmbedderPolicyTest, LocalModelsAreNamesInTheModelsDirectory) {
  quarry::testing::TempDir dir;
  const std::string models = dir.Sub("models");
  std::filesystem::create_directories(models + "/minilm");
  std::filesystem::create_directories(models + "/sentence-transformers/all-MiniLM-L6-v2");
  std::ofstream(models + "/plain-file") << "not a folder";
  std::filesystem::create_directories(dir.Sub("outside"));

  EmbedderConfig named = Local("minilm");
  ASSERT_TRUE(ApplyClientEmbedderPolicy(models, &named).ok());
  EXPECT_EQ(named.model, models + "/minilm");
  EmbedderConfig owned = Local("sentence-transformers/all-MiniLM-L6-v2");
  ASSERT_TRUE(ApplyClientEmbedderPolicy(models, &owned).ok());
  EXPECT_EQ(owned.model, models + "/sentence-transformers/all-MiniLM-L6-v2");

  // Paths, traversal, hidden names, odd characters: refused before any file is looked at.
  for (const std::string bad :
       {dir.Sub("outside"), std::string("../outside"), std::string(".."), std::string("."),
        std::string(""), std::string("a/../../outside"), std::string("a/b/c"), std::string("/etc"),
        std::string(".hidden"), std::string("a//b"), std::string("minilm/"), std::string("min lm"),
        std::string("minilm\n"), std::string("a\\..\\b"), std::string(300, 'a'),
        std::string("caf\xc3\xa9")}) {
    EmbedderConfig config = Local(bad);
    Status s = ApplyClientEmbedderPolicy(models, &config);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("not a path"), std::string::npos) << s.ToString();
    EXPECT_EQ(config.model, bad);
  }
  // A link inside the models directory that leads out of it is refused; one
  // that stays inside is followed.
  std::filesystem::create_directory_symlink(dir.Sub("outside"), models + "/escape");
  std::filesystem::create_directory_symlink(models + "/minilm", models + "/alias");
  EmbedderConfig escape = Local("escape");
  Status escaped = ApplyClientEmbedderPolicy(models, &escape);
  EXPECT_EQ(escaped.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(escaped.message().find("leads out"), std::string::npos) << escaped.ToString();
  EmbedderConfig alias = Local("alias");
  EXPECT_TRUE(ApplyClientEmbedderPolicy(models, &alias).ok());
  EmbedderConfig absent = Local("absent");
  EXPECT_EQ(ApplyClientEmbedderPolicy(models, &absent).code(), StatusCode::kNotFound);
  EmbedderConfig file = Local("plain-file");
  EXPECT_EQ(ApplyClientEmbedderPolicy(models, &file).code(), StatusCode::kNotFound);
}

TEST(EmbedderPolicyTest, RemoteServicesAreTheOperatorsChoice) {
  EmbedderConfig remote;
  remote.kind = EmbedderKind::kOpenAi;
  remote.base_url = "http://169.254.169.254/latest";
  Status s = ApplyClientEmbedderPolicy("/srv/models", &remote);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("not over HTTP"), std::string::npos) << s.ToString();
}

TEST(EmbedderPolicyTest, StaticModelsFollowTheSameRule) {
  quarry::testing::TempDir dir;
  std::filesystem::create_directories(dir.Sub("models") + "/m2v");
  EmbedderConfig config = Local("m2v");
  config.kind = EmbedderKind::kStatic;
  ASSERT_TRUE(ApplyClientEmbedderPolicy(dir.Sub("models"), &config).ok());
  EXPECT_EQ(config.model, dir.Sub("models") + "/m2v");
  config.model = "/etc";
  EXPECT_EQ(ApplyClientEmbedderPolicy(dir.Sub("models"), &config).code(), StatusCode::kInvalidArgument);
}

TEST(EmbedderPolicyTest, WithoutAModelsDirectoryLocalModelsAreRefused) {
  EmbedderConfig config = Local("minilm");
  Status s = ApplyClientEmbedderPolicy("", &config);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--models-dir"), std::string::npos);
}

}  // namespace
}  // namespace quarry::server
