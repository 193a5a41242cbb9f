#include "search/beir_dataset.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/testing/temp_dir.h"

namespace quarry::search {
namespace {

void Write(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

void ExpectError(const Status& s, StatusCode code, const std::string& needle) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
}

TEST(BeirDatasetTest, LoadsCorpusQueriesAndQrels) {
  testing::TempDir dir;
  Write(dir.Sub("corpus.jsonl"),
        R"({"_id": "d1", "title": "Gene therapy", "text": "Viral vectors.", "metadata": {}})"
        "\n\n"
        R"({"_id": 42, "text": "No title here."})"
        "\n");
  Write(dir.Sub("queries.jsonl"), R"({"_id": "1", "text": "gene"})"
                                  "\n"
                                  R"({"_id": "2", "text": "unjudged"})"
                                  "\n");
  Write(dir.Sub("qrels/test.tsv"), "query-id\tcorpus-id\tscore\n1\td1\t1\n1\t42\t2\n");
  Result<BeirDataset> data = LoadBeirDataset(dir.path(), "test");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  ASSERT_EQ(data->corpus.size(), 2u);
  EXPECT_EQ(data->corpus[0].title, "Gene therapy");
  EXPECT_EQ(data->corpus[1].id, "42");
  EXPECT_EQ(data->corpus[1].title, "");
  ASSERT_EQ(data->queries.size(), 1u);  // only judged queries
  EXPECT_EQ(data->queries[0].id, "1");
  EXPECT_EQ(data->qrels.at("1").at("42"), 2);
}

TEST(BeirDatasetTest, QrelsWithoutHeaderAndTrecForm) {
  testing::TempDir dir;
  Write(dir.Sub("a.tsv"), "1\td1\t1\n2\td2\t0\n");
  Result<Qrels> a = LoadQrels(dir.Sub("a.tsv"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->size(), 2u);
  EXPECT_EQ(a->at("2").at("d2"), 0);
  Write(dir.Sub("trec.txt"), "1 0 d1 1\n1 0 d5 2\n");
  Result<Qrels> trec = LoadQrels(dir.Sub("trec.txt"));
  ASSERT_TRUE(trec.ok()) << trec.status().ToString();
  EXPECT_EQ(trec->at("1").at("d5"), 2);
}

TEST(BeirDatasetTest, HostileQrels) {
  testing::TempDir dir;
  Write(dir.Sub("bad.tsv"), "q\td\tscore\n1\td1\tone\n");
  ExpectError(LoadQrels(dir.Sub("bad.tsv")).status(), StatusCode::kInvalidArgument,
              "line 2: score \"one\" is not an integer");
  Write(dir.Sub("cols.tsv"), "1\td1\n");
  ExpectError(LoadQrels(dir.Sub("cols.tsv")).status(), StatusCode::kInvalidArgument,
              "line 1: expected 3 columns");
}

TEST(BeirDatasetTest, HostileCorpusLines) {
  testing::TempDir dir;
  const std::string path = dir.Sub("corpus.jsonl");
  Write(path, "{\"_id\": \"a\", \"text\": \"ok\"}\n{\"_id\": \"b\", \"text\": \n");
  ExpectError(LoadBeirCorpus(path).status(), StatusCode::kInvalidArgument, "line 2: invalid JSON");
  Write(path, "[1, 2]\n");
  ExpectError(LoadBeirCorpus(path).status(), StatusCode::kInvalidArgument, "not a JSON object");
  Write(path, "{\"_id\": \"a\"}\n");
  ExpectError(LoadBeirCorpus(path).status(), StatusCode::kInvalidArgument,
              "line 1: missing field 'text'");
  Write(path, "{\"text\": \"x\"}\n");
  ExpectError(LoadBeirCorpus(path).status(), StatusCode::kInvalidArgument, "missing field '_id'");
  Write(path, "{\"_id\": \"a\", \"text\": 7}\n");
  ExpectError(LoadBeirCorpus(path).status(), StatusCode::kInvalidArgument,
              "field 'text' is not a string");
  Write(path, "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"a\", \"text\": \"y\"}\n");
  ExpectError(LoadBeirCorpus(path).status(), StatusCode::kInvalidArgument,
              "line 2: duplicate '_id' \"a\"");
  Write(path, "{\"_id\": \"a\", \"text\": \"" + std::string(5000, 'x') + "\"}\n");
  BeirLimits small;
  small.max_line_bytes = 1000;
  ExpectError(LoadBeirCorpus(path, small).status(), StatusCode::kResourceExhausted,
              "line 1 is longer than the limit of 1000 bytes");
  ExpectError(LoadBeirQueries(dir.Sub("missing.jsonl")).status(), StatusCode::kNotFound,
              "missing.jsonl");
}

TEST(BeirDatasetTest, MissingDatasetNamesTheFile) {
  testing::TempDir dir;
  const Result<BeirDataset> data = LoadBeirDataset(dir.Sub("nowhere"), "test");
  ExpectError(data.status(), StatusCode::kNotFound, "corpus.jsonl");
}

TEST(BeirDatasetTest, SciFactWhenPresent) {
  const char* shared = std::getenv("QUARRY_SHARED_DIR");
  const std::string dir = std::string(shared ? shared : "../shared") + "/data/beir/scifact";
  if (!std::filesystem::exists(dir + "/corpus.jsonl")) {
    GTEST_SKIP() << "SciFact is not at " << dir;
  }
  Result<BeirDataset> data = LoadBeirDataset(dir, "test");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->corpus.size(), 5183u);
  EXPECT_EQ(data->queries.size(), 300u);
  EXPECT_EQ(data->qrels.size(), 300u);
}

}  // namespace
}  // namespace quarry::search
