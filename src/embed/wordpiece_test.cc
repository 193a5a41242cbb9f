// The WordPiece tokenizer against golden ids made by an independent Python
// transcription of HF's BertTokenizer (tests/golden/wordpiece_reference.py),
// on the real all-MiniLM-L6-v2 vocabulary in ../shared.
#include "embed/wordpiece.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "embed/embed_testing.h"
#include "embed/tokenizer_files.h"

namespace quarry::embed {
namespace {

using testing::ReadAll;
std::string ModelDir() { return testing::MiniLmDir(); }

class MiniLmTokenizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewPosixEnv();
    if (!env_->FileExists(ModelDir() + "/vocab.txt")) {
      GTEST_SKIP() << "no all-MiniLM-L6-v2 tokenizer at " << ModelDir()
                   << " (set QUARRY_SHARED_DIR to the shared folder)";
    }
  }
  std::shared_ptr<Env> env_;
};

struct GoldenCase {
  std::string text;
  std::vector<int32_t> ids;
  size_t count;
};

std::vector<GoldenCase> LoadGolden() {
  std::vector<GoldenCase> cases;
  std::istringstream lines(ReadAll(QUARRY_SOURCE_DIR "/tests/golden/wordpiece_minilm.jsonl"));
  std::string line;
  while (std::getline(lines, line)) {
    boost::json::object obj = boost::json::parse(line).as_object();
    GoldenCase c;
    c.text = std::string(obj.at("text").as_string());
    for (const auto& id : obj.at("ids").as_array()) c.ids.push_back(static_cast<int32_t>(id.as_int64()));
    c.count = static_cast<size_t>(obj.at("count").as_int64());
    cases.push_back(std::move(c));
  }
  return cases;
}

void ExpectGolden(const WordPieceTokenizer& tokenizer) {
  std::vector<GoldenCase> cases = LoadGolden();
  ASSERT_GE(cases.size(), 30u);
  for (const GoldenCase& c : cases) {
    EXPECT_EQ(tokenizer.Encode(c.text, 256), c.ids) << "text: " << c.text;
    EXPECT_EQ(tokenizer.CountTokens(c.text), c.count) << "text: " << c.text;
  }
}

TEST_F(MiniLmTokenizerTest, TokenizerJsonMatchesGolden) {
  Result<WordPieceTokenizer> tokenizer = LoadWordPieceTokenizer(*env_, ModelDir());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  EXPECT_EQ(tokenizer->vocab_size(), 30522u);
  EXPECT_EQ(tokenizer->cls_id(), 101);
  EXPECT_EQ(tokenizer->sep_id(), 102);
  ExpectGolden(*tokenizer);
}

TEST_F(MiniLmTokenizerTest, VocabTxtMatchesGolden) {
  Result<WordPieceTokenizer> tokenizer = ParseVocabTxt(
      ReadAll(ModelDir() + "/vocab.txt"), ReadAll(ModelDir() + "/tokenizer_config.json"));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  ExpectGolden(*tokenizer);
}

TEST_F(MiniLmTokenizerTest, PiecesAndTruncation) {
  Result<WordPieceTokenizer> tokenizer = LoadWordPieceTokenizer(*env_, ModelDir());
  ASSERT_TRUE(tokenizer.ok());
  EXPECT_EQ(tokenizer->Tokenize("Unaffable résumé!"),
            (std::vector<std::string>{"una", "##ffa", "##ble", "resume", "!"}));
  std::vector<int32_t> full = tokenizer->Encode("one two three four", 100);
  std::vector<int32_t> cut = tokenizer->Encode("one two three four", 4);
  ASSERT_EQ(cut.size(), 4u);
  EXPECT_EQ(cut[1], full[1]);
  EXPECT_EQ(cut[2], full[2]);
  EXPECT_EQ(cut[3], tokenizer->sep_id());
  EXPECT_EQ(tokenizer->Encode("", 8), (std::vector<int32_t>{101, 102}));
  // Ill-formed UTF-8 decodes to U+FFFD, which cleaning drops.
  EXPECT_EQ(tokenizer->Encode("ab\xff\xfe", 8), tokenizer->Encode("ab", 8));
}

TEST(TokenizerFilesTest, MalformedFilesGiveClearErrors) {
  EXPECT_FALSE(ParseTokenizerJson("not json").ok());
  EXPECT_FALSE(ParseTokenizerJson("[]").ok());
  EXPECT_EQ(ParseTokenizerJson(R"({"model": {"type": "BPE", "vocab": {}}})").status().code(),
            StatusCode::kNotSupported);
  Result<WordPieceTokenizer> no_specials =
      ParseTokenizerJson(R"({"model": {"type": "WordPiece", "vocab": {"a": 0}}})");
  ASSERT_FALSE(no_specials.ok());
  EXPECT_NE(no_specials.status().message().find("[UNK]"), std::string::npos);
  EXPECT_FALSE(ParseTokenizerJson(
                   R"({"model": {"type": "WordPiece", "vocab": {"[UNK]": -1}}})")
                   .ok());
  EXPECT_FALSE(ParseVocabTxt("[PAD]\n[UNK]\n", "").ok());  // no [CLS]/[SEP]
  EXPECT_FALSE(ParseVocabTxt("[PAD]\n[UNK]\n[CLS]\n[SEP]\n", R"({"do_lower_case": "yes"})").ok());
  auto env = NewPosixEnv();
  EXPECT_EQ(LoadWordPieceTokenizer(*env, "/nonexistent-model-dir").status().code(),
            StatusCode::kNotFound);
}

TEST(TokenizerFilesTest, TinyVocabWithoutLowercasing) {
  Result<WordPieceTokenizer> t = ParseVocabTxt("[PAD]\n[UNK]\n[CLS]\n[SEP]\nHe\n##llo\nhe\n!\n",
                                               R"({"do_lower_case": false})");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->Encode("Hello!", 16), (std::vector<int32_t>{2, 4, 5, 7, 3}));
  EXPECT_EQ(t->Encode("hello", 16), (std::vector<int32_t>{2, 6, 5, 3}));
  EXPECT_EQ(t->Encode("Hexyz", 16), (std::vector<int32_t>{2, 1, 3}));  // no segmentation: [UNK]
}

}  // namespace
}  // namespace quarry::embed
