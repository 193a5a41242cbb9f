// The hub listing parser and the choice of files: what a real listing gives,
// and every untrusted field refused (names, digests, sizes, counts).
#include "embed/hub_listing.h"

#include <gtest/gtest.h>

#include "embed/model_pins.h"

namespace quarry::embed {
namespace {

constexpr char kCommit[] = "0123456789abcdef0123456789abcdef01234567";
constexpr char kBlob[] = "89abcdef0123456789abcdef0123456789abcdef";
constexpr char kSha256[] = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

std::string Listing(const std::string& siblings, const std::string& sha = kCommit) {
  return R"({"_id":"x","id":"o/n","sha":")" + sha + R"(","siblings":[)" + siblings + "]}";
}

std::string File(const std::string& name, int size = 5) {
  return R"({"rfilename":")" + name + R"(","size":)" + std::to_string(size) + R"(,"blobId":")" +
         kBlob + R"("})";
}

std::string Weights(int size = 100) {
  return R"({"rfilename":"model.safetensors","size":)" + std::to_string(size) +
         R"(,"blobId":")" + kBlob + R"(","lfs":{"sha256":")" + kSha256 + R"(","size":)" +
         std::to_string(size) + R"(,"pointerSize":134}})";
}

TEST(HubListingTest, ParsesARealShapedListingAndChoosesTheModelFiles) {
  auto l = ParseHubListing(Listing(File(".gitattributes") + "," + File("config.json", 612) + "," +
                                   File("1_Pooling/config.json") + "," + File("onnx/model.onnx") +
                                   "," + File("pytorch_model.bin") + "," + Weights()));
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->commit, kCommit);
  ASSERT_EQ(l->files.size(), 6u);
  EXPECT_EQ(l->files[1].size, 612u);
  EXPECT_EQ(l->files[1].blob_id, kBlob);
  EXPECT_EQ(l->files[5].lfs_sha256, kSha256);
  auto chosen = SelectModelFiles(*l, 1 << 20);
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  std::vector<std::string> names;
  for (const HubFile& f : *chosen) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"config.json", "1_Pooling/config.json",
                                             "model.safetensors"}));
  EXPECT_EQ(SelectModelFiles(*l, 99).status().code(), StatusCode::kInvalidArgument);
}

TEST(HubListingTest, RefusesUnsafeNames) {
  for (const char* name : {"../x", "/etc/passwd", "a/../../b", "a\\\\b", "a//b", "a/./b", "",
                           "x\\u0000y", "x\\ny"}) {
    auto l = ParseHubListing(Listing(File(name) + "," + Weights()));
    EXPECT_FALSE(l.ok()) << name;
  }
  EXPECT_TRUE(CheckRepoPath(".git/x").ok());  // allowed as a name, never chosen
  EXPECT_FALSE(IsModelFile(".git/x"));
}

TEST(HubListingTest, RefusesBadFields) {
  const std::string bad[] = {
      "not json",
      "[]",
      Listing(Weights(), "abc"),
      Listing(Weights(), "0123456789ABCDEF0123456789ABCDEF01234567"),
      R"({"sha":")" + std::string(kCommit) + R"("})",
      Listing(R"({"rfilename":"config.json","size":-1,"blobId":")" + std::string(kBlob) + R"("})"),
      Listing(R"({"rfilename":"config.json","size":1,"blobId":"xyz"})"),
      Listing(R"({"rfilename":"model.safetensors","size":1,"lfs":{"sha256":"00","size":1}})"),
      Listing(R"({"size":1})"),
      Listing(File("config.json") + "," + File("config.json")),
  };
  for (const std::string& text : bad) EXPECT_FALSE(ParseHubListing(text).ok()) << text;
  std::string many;
  for (size_t i = 0; i <= kMaxHubListingFiles; ++i) many += (i ? "," : "") + File("f" + std::to_string(i));
  EXPECT_FALSE(ParseHubListing(Listing(many)).ok());
}

TEST(HubListingTest, NeedsSafetensorsAndSomethingToVerifyAgainst) {
  auto l = ParseHubListing(Listing(File("config.json") + "," + File("pytorch_model.bin")));
  ASSERT_TRUE(l.ok());
  EXPECT_NE(SelectModelFiles(*l, 1 << 20).status().message().find("no model.safetensors"),
            std::string::npos);
  auto unverifiable = ParseHubListing(Listing(R"({"rfilename":"config.json","size":3},)" + Weights()));
  ASSERT_TRUE(unverifiable.ok());
  EXPECT_FALSE(SelectModelFiles(*unverifiable, 1 << 20).ok());
}

TEST(HubListingTest, RepoIdsAndPins) {
  EXPECT_TRUE(IsRepoId("sentence-transformers/all-MiniLM-L6-v2"));
  for (const char* bad : {"name", "../x", "o/../n", ".o/n", "o/n/x", "o/", "o n/x"}) {
    EXPECT_FALSE(IsRepoId(bad)) << bad;
  }
  const PinnedFile* pin = FindPin("sentence-transformers/all-MiniLM-L6-v2", "model.safetensors");
  ASSERT_NE(pin, nullptr);
  EXPECT_EQ(pin->size, 90868376u);
  EXPECT_EQ(pin->sha256, kSha256);
  EXPECT_EQ(FindPin("someone/else", "model.safetensors"), nullptr);
}

}  // namespace
}  // namespace quarry::embed
