// The `local` embedder end to end: the real all-MiniLM-L6-v2 tokenizer (from
// ../shared) in front of random weights generated at test time.
#include "embed/local_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "base/testing/temp_dir.h"
#include "embed/embed_testing.h"
#include "embed/embedder_factory.h"
#include "embed/tokenizer_files.h"

namespace quarry::embed {
namespace {

using testing::MiniLmDir;

class LocalEmbedderTest : public ::testing::Test {
 protected:
  // Makes a model folder `name` in the temp dir: generated weights plus links
  // to the real tokenizer files. Returns false (test skipped) when impossible.
  bool MakeModel(const std::string& name, const std::string& args) {
    if (!std::filesystem::exists(MiniLmDir() + "/tokenizer.json")) {
      skip_reason_ = "no all-MiniLM-L6-v2 tokenizer at " + MiniLmDir();
      return false;
    }
    const std::string out = dir_.Sub(name);
    bool skip = false;
    const std::string why = testing::MakeTinyBert(out, args, &skip);
    if (skip) {
      skip_reason_ = why;
      return false;
    }
    EXPECT_EQ(why, "");
    for (const char* file : {"tokenizer.json", "vocab.txt", "tokenizer_config.json"}) {
      std::filesystem::create_symlink(MiniLmDir() + "/" + file, out + "/" + file);
    }
    std::ofstream(out + "/sentence_bert_config.json") << R"({"max_seq_length": 64})";
    return true;
  }

  std::unique_ptr<LocalEmbedder> Load(const std::string& name) {
    auto loaded = LocalEmbedder::Load(*env_, dir_.Sub(name), BertEncoderOptions{4, 1});
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? std::move(loaded).value() : nullptr;
  }

  quarry::testing::TempDir dir_;
  std::shared_ptr<Env> env_ = NewPosixEnv();
  std::string skip_reason_;
};

TEST_F(LocalEmbedderTest, EmbedsTextsLikeTheEncoderOnTheTokenizersIds) {
  if (!MakeModel("tiny", "--hidden 32 --heads 4 --layers 2")) GTEST_SKIP() << skip_reason_;
  std::unique_ptr<LocalEmbedder> embedder = Load("tiny");
  ASSERT_NE(embedder, nullptr);
  EXPECT_EQ(embedder->dimensions(), 32u);
  EXPECT_EQ(embedder->max_tokens(), 64u);
  EXPECT_TRUE(embedder->semantic());
  EXPECT_EQ(embedder->CountTokens("Hello, world!"), 6u);

  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "word ";
  std::vector<std::string_view> texts{"Hello, world!", "", long_text, "Café au lait 東京", "a"};
  std::vector<float> batch(texts.size() * 32);
  ASSERT_TRUE(embedder->Embed(texts, EmbedPurpose::kDocument, batch).ok());

  auto tokenizer = LoadWordPieceTokenizer(*env_, dir_.Sub("tiny"));
  auto encoder = BertEncoder::Load(*env_, dir_.Sub("tiny"), {});
  ASSERT_TRUE(tokenizer.ok() && encoder.ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<std::vector<int32_t>> ids{tokenizer->Encode(texts[i], 64)};
    std::vector<float> one(32);
    ASSERT_TRUE((*encoder)->Encode(ids, one).ok());
    double norm = 0;
    for (size_t d = 0; d < 32; ++d) {
      EXPECT_NEAR(batch[i * 32 + d], one[d], 1e-5) << "text " << i;
      norm += one[d] * one[d];
    }
    EXPECT_NEAR(norm, 1.0, 1e-5);
  }
  std::vector<float> wrong(7);
  EXPECT_FALSE(embedder->Embed(texts, EmbedPurpose::kQuery, wrong).ok());
}

TEST_F(LocalEmbedderTest, FingerprintFollowsTheWeights) {
  if (!MakeModel("a", "--seed 1") || !MakeModel("b", "--seed 2")) GTEST_SKIP() << skip_reason_;
  std::unique_ptr<LocalEmbedder> a = Load("a"), a_again = Load("a"), b = Load("b");
  ASSERT_TRUE(a && a_again && b);
  EXPECT_EQ(a->fingerprint(), a_again->fingerprint());
  EXPECT_NE(a->fingerprint(), b->fingerprint());
  EXPECT_EQ(a->fingerprint().rfind("local-v1/a/w", 0), 0u) << a->fingerprint();
  // int8 vectors differ from float32's: another fingerprint.
  BertEncoderOptions int8;
  int8.precision = Precision::kInt8;
  auto fast = LocalEmbedder::Load(*env_, dir_.Sub("a"), int8);
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  EXPECT_EQ((*fast)->fingerprint(), a->fingerprint() + "/int8");
}

TEST_F(LocalEmbedderTest, RefusesAVocabularyLargerThanTheModel) {
  if (!MakeModel("small", "--vocab 1000")) GTEST_SKIP() << skip_reason_;
  auto loaded = LocalEmbedder::Load(*env_, dir_.Sub("small"), {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("vocab_size"), std::string::npos);
}

TEST_F(LocalEmbedderTest, FactoryMakesLocalEmbedders) {
  if (!MakeModel("m", "--hidden 32")) GTEST_SKIP() << skip_reason_;
  EmbedderConfig config;
  config.kind = EmbedderKind::kLocal;
  config.model = dir_.Sub("m");
  config.dimensions = 0;
  auto made = MakeEmbedder(config);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ((*made)->dimensions(), 32u);
  EXPECT_TRUE((*made)->semantic());
  config.dimensions = 384;
  auto mismatch = MakeEmbedder(config);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("makes vectors of 32"), std::string::npos);
  config.model = dir_.Sub("absent");
  auto missing = MakeEmbedder(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
}

TEST_F(LocalEmbedderTest, PromptsFromTheSentenceTransformersConfigPrefixEachPurpose) {
  if (!MakeModel("e5", "--hidden 32 --heads 4 --layers 1")) GTEST_SKIP() << skip_reason_;
  std::unique_ptr<LocalEmbedder> plain = Load("e5");
  ASSERT_NE(plain, nullptr);
  const std::string config = dir_.Sub("e5") + "/config_sentence_transformers.json";
  std::ofstream(config) << R"({"prompts": {"query": "query: ", "passage": "passage: "}})";
  std::unique_ptr<LocalEmbedder> e5 = Load("e5");
  ASSERT_NE(e5, nullptr);
  EXPECT_NE(e5->fingerprint(), plain->fingerprint());

  // Each purpose's prompt goes before the text, exactly as if written there.
  auto embed = [](const LocalEmbedder& e, std::string_view text, EmbedPurpose purpose) {
    std::vector<float> out(32);
    EXPECT_TRUE(e.Embed(std::span(&text, 1), purpose, out).ok());
    return out;
  };
  const std::string text = "Ribosomes translate messenger RNA";
  EXPECT_EQ(embed(*e5, text, EmbedPurpose::kQuery),
            embed(*plain, "query: " + text, EmbedPurpose::kQuery));
  EXPECT_EQ(embed(*e5, text, EmbedPurpose::kDocument),
            embed(*plain, "passage: " + text, EmbedPurpose::kDocument));
  EXPECT_NE(embed(*e5, text, EmbedPurpose::kQuery), embed(*e5, text, EmbedPurpose::kDocument));
  // Chunks are sized with the document prompt counted.
  EXPECT_EQ(e5->CountTokens(text), plain->CountTokens("passage: " + text));

  // A prompt not ending in a space joins the text's first word when tokenized.
  std::ofstream(config) << R"({"prompts": {"document": "Represent:"}})";
  std::unique_ptr<LocalEmbedder> glued = Load("e5");
  ASSERT_NE(glued, nullptr);
  EXPECT_EQ(glued->CountTokens("word"), plain->CountTokens("Represent:word"));
  EXPECT_EQ(embed(*glued, text, EmbedPurpose::kQuery), embed(*plain, text, EmbedPurpose::kQuery));
}

TEST_F(LocalEmbedderTest, CollectionPromptsReplaceTheFolders) {
  if (!MakeModel("e5o", "--hidden 32 --heads 4 --layers 1")) GTEST_SKIP() << skip_reason_;
  std::unique_ptr<LocalEmbedder> plain = Load("e5o");
  ASSERT_NE(plain, nullptr);
  std::ofstream(dir_.Sub("e5o") + "/config_sentence_transformers.json")
      << R"({"prompts": {"query": "query: ", "passage": "passage: "}})";
  auto embed = [](const LocalEmbedder& e, std::string_view text, EmbedPurpose purpose) {
    std::vector<float> out(32);
    EXPECT_TRUE(e.Embed(std::span(&text, 1), purpose, out).ok());
    return out;
  };
  const std::string text = "Mitochondria make ATP";
  // A query prompt of the collection's replaces the folder's; "" removes the
  // document prompt; the fingerprint follows the prompts in use.
  LocalPrompts prompts{"Represent this question: ", ""};
  auto custom = LocalEmbedder::Load(*env_, dir_.Sub("e5o"), {}, prompts);
  ASSERT_TRUE(custom.ok()) << custom.status().ToString();
  EXPECT_EQ(embed(**custom, text, EmbedPurpose::kQuery),
            embed(*plain, "Represent this question: " + text, EmbedPurpose::kQuery));
  EXPECT_EQ(embed(**custom, text, EmbedPurpose::kDocument),
            embed(*plain, text, EmbedPurpose::kDocument));
  EXPECT_EQ((*custom)->CountTokens(text), plain->CountTokens(text));
  std::unique_ptr<LocalEmbedder> folder = Load("e5o");
  ASSERT_NE(folder, nullptr);
  EXPECT_NE((*custom)->fingerprint(), folder->fingerprint());
  EXPECT_NE((*custom)->fingerprint(), plain->fingerprint());
  // Overriding both with "" is the model without prompts, fingerprint included.
  auto none = LocalEmbedder::Load(*env_, dir_.Sub("e5o"), {}, LocalPrompts{"", ""});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->fingerprint(), plain->fingerprint());
  // An override that leaves no room for text is refused and named as such.
  std::string long_prompt;
  for (int i = 0; i < 100; ++i) long_prompt += "word ";
  auto crowded = LocalEmbedder::Load(*env_, dir_.Sub("e5o"), {}, LocalPrompts{long_prompt, {}});
  ASSERT_FALSE(crowded.ok());
  EXPECT_NE(crowded.status().message().find("embedder.query_prompt"), std::string::npos)
      << crowded.status().ToString();
}

TEST_F(LocalEmbedderTest, RefusesMalformedPrompts) {
  if (!MakeModel("bad", "--hidden 32 --heads 4 --layers 1")) GTEST_SKIP() << skip_reason_;
  const std::string config = dir_.Sub("bad") + "/config_sentence_transformers.json";
  for (std::string body : {std::string(R"({"prompts": ["query: "]})"),
                           std::string(R"({"prompts": {"query": 7}})"),
                           R"({"prompts": {"passage": ")" + std::string(2000, 'x') + "\"}}",
                           std::string("{\"prompts\": ")}) {
    std::ofstream(config, std::ios::trunc) << body;
    auto loaded = LocalEmbedder::Load(*env_, dir_.Sub("bad"), {});
    ASSERT_FALSE(loaded.ok()) << body.substr(0, 60);
    EXPECT_NE(loaded.status().message().find("config_sentence_transformers.json"), std::string::npos)
        << loaded.status().ToString();
  }
  // max_seq_length is 64 here: a prompt of ~100 tokens leaves no room for text.
  std::string long_prompt;
  for (int i = 0; i < 100; ++i) long_prompt += "word ";
  std::ofstream(config, std::ios::trunc) << R"({"prompts": {"passage": ")" + long_prompt + "\"}}";
  auto crowded = LocalEmbedder::Load(*env_, dir_.Sub("bad"), {});
  ASSERT_FALSE(crowded.ok());
  EXPECT_NE(crowded.status().message().find("leaves too little"), std::string::npos)
      << crowded.status().ToString();
  std::ofstream(config, std::ios::trunc) << R"({"__version__": {}, "prompts": null})";
  EXPECT_TRUE(LocalEmbedder::Load(*env_, dir_.Sub("bad"), {}).ok());
}

}  // namespace
}  // namespace quarry::embed
