// The BERT encoder against an independent PyTorch implementation
// (tests/embed/make_tiny_bert.py, plain torch ops) on random weights generated
// at test time: same ids, mixed lengths with padding, max |diff| <= 1e-4.
// Also: malformed model folders give clear errors.
#include "embed/bert_encoder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "base/testing/temp_dir.h"
#include "embed/embed_testing.h"

namespace quarry::embed {
namespace {

using testing::ReadAll;

// Generates a model in `dir`, or skips / fails the calling test.
#define MAKE_TINY_BERT_OR_RETURN(dir, args)                           \
  do {                                                                \
    bool skip = false;                                                \
    const std::string why = testing::MakeTinyBert((dir), (args), &skip); \
    if (skip) GTEST_SKIP() << why;                                    \
    ASSERT_EQ(why, "");                                               \
  } while (0)

struct Reference {
  std::vector<std::vector<int32_t>> ids;
  std::vector<std::vector<float>> embeddings;
};

Reference LoadReference(const std::string& dir) {
  Reference ref;
  boost::json::object obj = boost::json::parse(ReadAll(dir + "/reference.json")).as_object();
  for (const auto& seq : obj.at("ids").as_array()) {
    ref.ids.emplace_back();
    for (const auto& id : seq.as_array()) ref.ids.back().push_back(static_cast<int32_t>(id.as_int64()));
  }
  for (const auto& row : obj.at("embeddings").as_array()) {
    ref.embeddings.emplace_back();
    for (const auto& v : row.as_array()) ref.embeddings.back().push_back(static_cast<float>(v.as_double()));
  }
  return ref;
}

class BertEncoderTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BertEncoderTest, MatchesPyTorch) {
  quarry::testing::TempDir dir;
  MAKE_TINY_BERT_OR_RETURN(dir.path(), GetParam());
  auto env = NewPosixEnv();
  for (size_t max_batch : {size_t{1}, size_t{3}, size_t{32}}) {
    Result<std::unique_ptr<BertEncoder>> encoder =
        BertEncoder::Load(*env, dir.path(), BertEncoderOptions{max_batch, 0});
    ASSERT_TRUE(encoder.ok()) << encoder.status().ToString();
    Reference ref = LoadReference(dir.path());
    const size_t h = (*encoder)->config().hidden_size;
    std::vector<float> out(ref.ids.size() * h);
    ASSERT_TRUE((*encoder)->Encode(ref.ids, out).ok());
    float max_diff = 0;
    for (size_t s = 0; s < ref.ids.size(); ++s) {
      ASSERT_EQ(ref.embeddings[s].size(), h);
      for (size_t i = 0; i < h; ++i) {
        max_diff = std::max(max_diff, std::fabs(out[s * h + i] - ref.embeddings[s][i]));
      }
    }
    EXPECT_LE(max_diff, 1e-4f) << "max_batch " << max_batch << " args " << GetParam();
    char diff[32];
    std::snprintf(diff, sizeof(diff), "%.3g", max_diff);
    RecordProperty("max_abs_diff_batch_" + std::to_string(max_batch), diff);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, BertEncoderTest,
    ::testing::Values("--layers 2 --hidden 32 --heads 4 --intermediate 64 --pooling mean",
                      "--layers 3 --hidden 48 --heads 6 --intermediate 96 --pooling cls --seed 7",
                      "--layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 2000 --prefix bert."));

TEST(BertEncoderErrors, RejectsBadInputs) {
  quarry::testing::TempDir dir;
  MAKE_TINY_BERT_OR_RETURN(dir.path(), "--layers 1 --vocab 1000 --max-positions 16");
  auto env = NewPosixEnv();
  Result<std::unique_ptr<BertEncoder>> encoder = BertEncoder::Load(*env, dir.path(), {});
  ASSERT_TRUE(encoder.ok()) << encoder.status().ToString();
  std::vector<float> out(32);
  std::vector<std::vector<int32_t>> too_long{std::vector<int32_t>(17, 101)};
  EXPECT_EQ((*encoder)->Encode(too_long, out).code(), StatusCode::kInvalidArgument);
  std::vector<std::vector<int32_t>> bad_id{{101, 1000, 102}};
  EXPECT_EQ((*encoder)->Encode(bad_id, out).code(), StatusCode::kInvalidArgument);
  std::vector<std::vector<int32_t>> empty{{}};
  EXPECT_EQ((*encoder)->Encode(empty, out).code(), StatusCode::kInvalidArgument);
  std::vector<float> small(3);
  std::vector<std::vector<int32_t>> ok{{101, 102}};
  EXPECT_EQ((*encoder)->Encode(ok, small).code(), StatusCode::kInvalidArgument);
}

TEST(BertEncoderErrors, ConfigAndWeightsMustAgree) {
  quarry::testing::TempDir dir;
  MAKE_TINY_BERT_OR_RETURN(dir.path(), "--layers 1 --vocab 1000");
  auto env = NewPosixEnv();
  const std::string config = ReadAll(dir.Sub("config.json"));
  auto rewrite = [&](const std::string& from, const std::string& to) {
    std::string c = config;
    c.replace(c.find(from), from.size(), to);
    std::ofstream(dir.Sub("config.json")) << c;
  };
  rewrite("\"hidden_size\": 32", "\"hidden_size\": 64");
  Status s = BertEncoder::Load(*env, dir.path(), {}).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("embeddings.word_embeddings.weight"), std::string::npos) << s.ToString();
  rewrite("\"num_hidden_layers\": 1", "\"num_hidden_layers\": 2");
  s = BertEncoder::Load(*env, dir.path(), {}).status();
  EXPECT_NE(s.message().find("encoder.layer.1."), std::string::npos) << s.ToString();
  rewrite("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\"");
  EXPECT_EQ(BertEncoder::Load(*env, dir.path(), {}).status().code(), StatusCode::kNotSupported);
  rewrite("\"num_attention_heads\": 4", "\"num_attention_heads\": 5");
  EXPECT_EQ(BertEncoder::Load(*env, dir.path(), {}).status().code(), StatusCode::kInvalidArgument);
  rewrite("\"vocab_size\": 1000", "\"vocab_size\": \"many\"");
  EXPECT_EQ(BertEncoder::Load(*env, dir.path(), {}).status().code(), StatusCode::kInvalidArgument);
  std::ofstream(dir.Sub("config.json")) << config;
  std::ofstream(dir.Sub("1_Pooling/config.json")) << R"({"pooling_mode_max_tokens": true})";
  EXPECT_EQ(BertEncoder::Load(*env, dir.path(), {}).status().code(), StatusCode::kNotSupported);
  std::ofstream(dir.Sub("1_Pooling/config.json")) << R"({"pooling_mode_mean_tokens": true})";
  ASSERT_TRUE(BertEncoder::Load(*env, dir.path(), {}).ok());
  std::filesystem::remove(dir.Sub("model.safetensors"));
  EXPECT_EQ(BertEncoder::Load(*env, dir.path(), {}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace quarry::embed
