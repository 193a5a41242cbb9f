// The `static` embedder on model2vec folders written by the test: vectors
// against a mean computed by hand, and malformed folders refused with errors
// that name the file and the rule.
#include "embed/static_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <boost/json.hpp>

#include "base/testing/temp_dir.h"
#include "embed/embed_testing.h"
#include "embed/embedder_factory.h"

namespace quarry::embed {
namespace {

constexpr uint32_t kDims = 4;
constexpr size_t kVocab = 8;

std::string TokenizerJson(std::string_view model_type = "WordPiece") {
  return R"({"version": "1.0", "truncation": null, "padding": null,
    "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                   "strip_accents": null, "lowercase": true},
    "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": null,
    "model": {"type": ")" + std::string(model_type) + R"(", "unk_token": "[UNK]",
              "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
              "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hello": 4,
                        "world": 5, "##s": 6, "foo": 7}}})";
}

// Row r is {r, -r, r / 2, 1}; [UNK]'s row is huge so that using it shows.
std::vector<float> Table(size_t rows) {
  std::vector<float> t;
  for (size_t r = 0; r < rows; ++r) {
    const float v = static_cast<float>(r);
    if (r == 1) {
      t.insert(t.end(), {1000, 1000, 1000, 1000});
    } else {
      t.insert(t.end(), {v, -v, v / 2, 1});
    }
  }
  return t;
}

// A safetensors file with one tensor; BF16 keeps the upper half of each float.
std::string Safetensors(const std::string& name, const std::vector<float>& values,
                        const std::vector<uint64_t>& shape, bool bf16 = false) {
  std::string data;
  for (float f : values) {
    char b[4];
    std::memcpy(b, &f, 4);
    data.append(bf16 ? b + 2 : b, bf16 ? 2 : 4);
  }
  std::string dims;
  for (uint64_t d : shape) dims += (dims.empty() ? "" : ",") + std::to_string(d);
  const std::string header = R"({")" + name + R"(": {"dtype": ")" + (bf16 ? "BF16" : "F32") +
                             R"(", "shape": [)" + dims + R"(], "data_offsets": [0, )" +
                             std::to_string(data.size()) + "]}}";
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[static_cast<size_t>(i)] = static_cast<char>(header.size() >> (8 * i));
  return file + header + data;
}

class StaticEmbedderTest : public ::testing::Test {
 protected:
  // Writes a folder `name` with the given files (an empty content: no file).
  std::string Folder(const std::string& name, const std::string& tokenizer,
                     const std::string& weights, const std::string& config = "") {
    const std::string dir = tmp_.Sub(name);
    std::filesystem::create_directories(dir);
    if (!tokenizer.empty()) std::ofstream(dir + "/tokenizer.json") << tokenizer;
    if (!weights.empty()) std::ofstream(dir + "/model.safetensors", std::ios::binary) << weights;
    if (!config.empty()) std::ofstream(dir + "/config.json") << config;
    return dir;
  }
  std::string Good(const std::string& name, bool bf16 = false) {
    return Folder(name, TokenizerJson(), Safetensors("embeddings", Table(kVocab), {kVocab, kDims}, bf16),
                  R"({"model_type": "model2vec", "normalize": true})");
  }
  Status LoadError(const std::string& dir) {
    auto r = StaticEmbedder::Load(*env_, dir);
    return r.ok() ? Status::Ok() : r.status();
  }

  quarry::testing::TempDir tmp_;
  std::shared_ptr<Env> env_ = NewPosixEnv();
};

std::vector<float> Normalized(std::vector<double> v) {
  double n = 0;
  for (double x : v) n += x * x;
  std::vector<float> out;
  for (double x : v) out.push_back(static_cast<float>(x / std::sqrt(n)));
  return out;
}

TEST_F(StaticEmbedderTest, VectorIsTheNormalizedMeanOfTheKnownPieces) {
  for (bool bf16 : {false, true}) {
    auto loaded = StaticEmbedder::Load(*env_, Good(bf16 ? "bf16" : "f32", bf16));
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    const StaticEmbedder& e = **loaded;
    EXPECT_EQ(e.dimensions(), kDims);
    EXPECT_TRUE(e.semantic());
    EXPECT_EQ(e.max_tokens(), StaticEmbedder::kMaxTokens);
    // "hello" "world" "##s" (ids 4, 5, 6): mean {5, -5, 2.5, 1}. "xyz" is
    // [UNK]: counted by CountTokens, skipped by the mean.
    EXPECT_EQ(e.CountTokens("Hello xyz worlds"), 4u);
    std::vector<std::string_view> texts{"Hello worlds", "Hello xyz WORLDS", "", "xyz", "foo"};
    std::vector<float> out(texts.size() * kDims, -7.0f);
    ASSERT_TRUE(e.Embed(texts, EmbedPurpose::kDocument, out).ok());
    const std::vector<float> expected = Normalized({5, -5, 2.5, 1});
    const std::vector<float> foo = Normalized({7, -7, 3.5, 1});
    for (uint32_t d = 0; d < kDims; ++d) {
      EXPECT_NEAR(out[d], expected[d], 1e-6) << d;
      EXPECT_NEAR(out[kDims + d], expected[d], 1e-6) << d;
      EXPECT_EQ(out[2 * kDims + d], 0.0f);  // nothing known: the zero vector
      EXPECT_EQ(out[3 * kDims + d], 0.0f);
      EXPECT_NEAR(out[4 * kDims + d], foo[d], 1e-6) << d;
    }
    EXPECT_NE(e.fingerprint().find("static-v1/"), std::string::npos);
    EXPECT_NE(e.fingerprint().find("/d4/v8/lc"), std::string::npos) << e.fingerprint();
  }
}

TEST_F(StaticEmbedderTest, FingerprintFollowsTheWeights) {
  auto a = StaticEmbedder::Load(*env_, Good("m"));
  std::vector<float> other = Table(kVocab);
  other[17] += 1;
  auto b = StaticEmbedder::Load(
      *env_, Folder("m2", TokenizerJson(), Safetensors("embeddings", other, {kVocab, kDims})));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->fingerprint(), (*b)->fingerprint());
}

TEST_F(StaticEmbedderTest, MalformedFoldersNameTheProblem) {
  const std::string weights = Safetensors("embeddings", Table(kVocab), {kVocab, kDims});
  struct Case {
    std::string dir;
    StatusCode code;
    std::string fragment;
  };
  std::string truncated = weights.substr(0, weights.size() - 5);
  std::vector<float> nan_table = Table(kVocab);
  nan_table[9] = std::nanf("");
  const Case cases[] = {
      {Folder("no-tokenizer", "", weights), StatusCode::kNotFound, "tokenizer.json is missing"},
      {Folder("no-weights", TokenizerJson(), ""), StatusCode::kNotFound,
       "model.safetensors is missing"},
      {Folder("unigram", TokenizerJson("Unigram"), weights), StatusCode::kNotSupported,
       "unsupported tokenizer type 'Unigram'"},
      {Folder("bpe", TokenizerJson("BPE"), weights), StatusCode::kNotSupported,
       "unsupported tokenizer type 'BPE'"},
      {Folder("name", TokenizerJson(), Safetensors("weights", Table(kVocab), {kVocab, kDims})),
       StatusCode::kCorruption, "no tensor 'embeddings'"},
      {Folder("1d", TokenizerJson(), Safetensors("embeddings", Table(kVocab), {kVocab * kDims})),
       StatusCode::kCorruption, "'embeddings' must be 2-D [vocab, dim], it has 1"},
      {Folder("rows", TokenizerJson(),
              Safetensors("embeddings", Table(kVocab - 1), {kVocab - 1, kDims})),
       StatusCode::kCorruption, "'embeddings' has 7 rows but the tokenizer has 8 ids"},
      {Folder("truncated", TokenizerJson(), truncated), StatusCode::kCorruption,
       "model.safetensors"},
      {Folder("nan", TokenizerJson(), Safetensors("embeddings", nan_table, {kVocab, kDims})),
       StatusCode::kCorruption, "NaN or infinite"},
      {Folder("config", TokenizerJson(), weights, R"({"normalize": "yes"})"),
       StatusCode::kInvalidArgument, "config.json: normalize must be a boolean"},
      {Folder("badjson", "{", weights), StatusCode::kInvalidArgument, "tokenizer.json"},
  };
  for (const Case& c : cases) {
    Status s = LoadError(c.dir);
    EXPECT_EQ(s.code(), c.code) << c.dir << ": " << s.ToString();
    EXPECT_NE(s.message().find(c.fragment), std::string::npos) << c.dir << ": " << s.ToString();
  }
}

// The real all-MiniLM-L6-v2 tokenizer.json with a random F16 matrix, against
// numpy over the ids of the independent Python tokenizer's golden file.
TEST_F(StaticEmbedderTest, MatchesNumpyOnTheRealTokenizer) {
  const std::string tokenizer = testing::MiniLmDir() + "/tokenizer.json";
  if (!std::filesystem::exists(tokenizer)) GTEST_SKIP() << "no tokenizer at " << tokenizer;
  const std::string dir = tmp_.Sub("minilm-static");
  bool skip = false;
  const std::string why = testing::RunTestScript(
      "make_static_reference.py",
      dir + " " + tokenizer + " " QUARRY_SOURCE_DIR "/tests/golden/wordpiece_minilm.jsonl",
      &skip, "python3-numpy");
  if (skip) GTEST_SKIP() << why;
  ASSERT_EQ(why, "");
  auto loaded = StaticEmbedder::Load(*env_, dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ((*loaded)->dimensions(), 32u);

  boost::json::value ref = boost::json::parse(testing::ReadAll(dir + "/reference.json"));
  const boost::json::array& texts = ref.at("texts").as_array();
  const boost::json::array& embeddings = ref.at("embeddings").as_array();
  ASSERT_GE(texts.size(), 20u);
  std::vector<std::string_view> views;
  for (const auto& t : texts) views.push_back(t.as_string());
  std::vector<float> out(views.size() * 32);
  ASSERT_TRUE((*loaded)->Embed(views, EmbedPurpose::kDocument, out).ok());
  for (size_t i = 0; i < views.size(); ++i) {
    const boost::json::array& want = embeddings[i].as_array();
    for (size_t d = 0; d < 32; ++d) {
      EXPECT_NEAR(out[i * 32 + d], want[d].to_number<double>(), 1e-6) << "text " << i;
    }
  }
}

TEST_F(StaticEmbedderTest, FactoryChecksTheConfiguredWidth) {
  EmbedderConfig config;
  config.kind = EmbedderKind::kStatic;
  config.model = Good("m");
  config.dimensions = 0;
  auto made = MakeEmbedder(config);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ((*made)->dimensions(), kDims);
  config.dimensions = 384;
  made = MakeEmbedder(config);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.status().message().find("makes vectors of 4"), std::string::npos);
}

}  // namespace
}  // namespace quarry::embed
