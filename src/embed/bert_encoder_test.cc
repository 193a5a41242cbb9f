// The BERT encoder against an independent PyTorch implementation
// (tests/embed/make_tiny_bert.py, plain torch ops) on random weights generated
// at test time: same ids, mixed lengths with padding, max |diff| <= 1e-4 for
// float32 and cosine >= 0.99 per sentence for the int8 fast path.
// Also: malformed model folders give clear errors.
#include "embed/bert_encoder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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

double Cosine(const float* a, const float* b, size_t n) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
  }
  return dot / std::sqrt(na * nb);
}

// The int8 fast path with each kernel this CPU runs (QUARRY_ISA caps the
// choice, so the scalar path is checked on every machine): every sentence
// within cosine 0.99 of PyTorch's float32 embedding and of Quarry's float32,
// whatever the batch size (mixed lengths, padding); every kernel gives the
// same int32 sums, so the vectors agree across kernels too.
TEST_P(BertEncoderTest, Int8StaysCloseToFloat32) {
  quarry::testing::TempDir dir;
  MAKE_TINY_BERT_OR_RETURN(dir.path(), GetParam());
  auto env = NewPosixEnv();
  Reference ref = LoadReference(dir.path());
  auto float32 = BertEncoder::Load(*env, dir.path(), BertEncoderOptions{32, 2});
  ASSERT_TRUE(float32.ok()) << float32.status().ToString();
  const size_t h = (*float32)->config().hidden_size;
  std::vector<float> exact(ref.ids.size() * h);
  ASSERT_TRUE((*float32)->Encode(ref.ids, exact).ok());
  std::vector<float> first_kernel;
  for (const char* isa : {"scalar", "avx2", "avx512"}) {
    ASSERT_EQ(setenv("QUARRY_ISA", isa, 1), 0);
    for (size_t max_batch : {size_t{1}, size_t{4}}) {
      BertEncoderOptions options{max_batch, 2};
      options.precision = Precision::kInt8;
      auto fast = BertEncoder::Load(*env, dir.path(), options);
      ASSERT_TRUE(fast.ok()) << fast.status().ToString();
      std::vector<float> out(ref.ids.size() * h);
      ASSERT_TRUE((*fast)->Encode(ref.ids, out).ok());
      double min_cos = 1;
      for (size_t s = 0; s < ref.ids.size(); ++s) {
        const double vs_torch = Cosine(&out[s * h], ref.embeddings[s].data(), h);
        const double vs_float = Cosine(&out[s * h], &exact[s * h], h);
        EXPECT_GE(vs_torch, 0.99) << "sentence " << s << " " << (*fast)->kernel_name();
        EXPECT_GE(vs_float, 0.99) << "sentence " << s << " " << (*fast)->kernel_name();
        min_cos = std::min(min_cos, vs_torch);
      }
      if (first_kernel.empty()) first_kernel = out;
      for (size_t i = 0; i < out.size(); ++i) {
        ASSERT_NEAR(out[i], first_kernel[i], 1e-4) << (*fast)->kernel_name();
      }
      RecordProperty(std::string("min_cosine_") + (*fast)->kernel_name() + "_batch_" +
                         std::to_string(max_batch),
                     std::to_string(min_cos));
    }
  }
  unsetenv("QUARRY_ISA");
}

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
