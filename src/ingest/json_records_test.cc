#include "ingest/json_records.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace quarry::ingest {
namespace {

const RecordOrigin kOrigin{"data/corpus.jsonl", "/in/data/corpus.jsonl"};

struct Collected {
  std::vector<DocumentInput> docs;
  std::vector<std::string> problems;
};

// Feeds `input` to ReadJsonLines in reads of at most `block` bytes.
Collected ReadLines(const std::string& input, const JsonRecordOptions& options = {},
                    size_t block = 7) {
  Collected out;
  size_t pos = 0;
  const ReadBytes read = [&](char* buffer, size_t capacity) -> Result<size_t> {
    const size_t n = std::min({capacity, block, input.size() - pos});
    std::memcpy(buffer, input.data() + pos, n);
    pos += n;
    return n;
  };
  const Status s = ReadJsonLines(
      read, kOrigin, options,
      [&](DocumentInput doc) {
        out.docs.push_back(std::move(doc));
        return Status::Ok();
      },
      [&](std::string problem) { out.problems.push_back(std::move(problem)); });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

Collected ReadWhole(const std::string& input, Status* status,
                    const JsonRecordOptions& options = {}) {
  Collected out;
  *status = ReadJsonDocument(
      input, kOrigin, options,
      [&](DocumentInput doc) {
        out.docs.push_back(std::move(doc));
        return Status::Ok();
      },
      [&](std::string problem) { out.problems.push_back(std::move(problem)); });
  return out;
}

TEST(JsonRecordsTest, BeirCorpusLines) {
  const std::string corpus =
      "{\"_id\": \"4983\", \"title\": \"Microstructural development\", \"text\": \"Alterations "
      "of the architecture.\", \"metadata\": {}}\n"
      "{\"_id\": \"5836\", \"title\": \"\", \"text\": \"No title here.\", \"metadata\": "
      "{\"year\": 2001}}\r\n"
      "\n"
      "{\"_id\": 7, \"text\": \"Integer id.\"}";  // no final newline
  const Collected got = ReadLines(corpus);
  EXPECT_TRUE(got.problems.empty());
  ASSERT_EQ(got.docs.size(), 3u);
  EXPECT_EQ(got.docs[0].id, "4983");
  EXPECT_EQ(got.docs[0].title, "Microstructural development");
  EXPECT_EQ(got.docs[0].text, "Microstructural development\n\nAlterations of the architecture.");
  EXPECT_EQ(got.docs[0].media_type, kMediaTypeJson);
  EXPECT_EQ(got.docs[0].metadata_json, "{}");
  EXPECT_EQ(got.docs[0].source, "/in/data/corpus.jsonl:1");
  EXPECT_TRUE(got.docs[0].sections.empty());
  EXPECT_EQ(got.docs[1].text, "No title here.");  // a blank title is left out
  EXPECT_EQ(got.docs[1].title, "");
  EXPECT_EQ(got.docs[2].id, "7");
  EXPECT_EQ(got.docs[2].source, "/in/data/corpus.jsonl:4");
}

TEST(JsonRecordsTest, ConfiguredFields) {
  JsonRecordOptions options;
  options.text_fields = {"body", "summary"};
  options.title_field = "headline";
  options.id_fields = {"uuid"};
  options.metadata_fields = {"year", "tags", "absent"};
  const Collected got = ReadLines(
      "{\"uuid\": \"u1\", \"id\": \"ignored\", \"headline\": \"H\", \"summary\": \"S.\", "
      "\"body\": \"B.\", \"year\": 2020, \"tags\": [\"a\", \"b\"], \"other\": 1}\n"
      "{\"id\": \"no uuid\", \"body\": \"derived id\"}\n",
      options);
  ASSERT_EQ(got.docs.size(), 2u);
  EXPECT_EQ(got.docs[0].id, "u1");
  EXPECT_EQ(got.docs[0].title, "H");
  EXPECT_EQ(got.docs[0].text, "B.\n\nS.");
  EXPECT_EQ(got.docs[0].metadata_json, "{\"year\":2020,\"tags\":[\"a\",\"b\"]}");
  EXPECT_EQ(got.docs[1].id, "data/corpus.jsonl#2");
}

TEST(JsonRecordsTest, BadRecordsAreReportedAndSkipped) {
  const std::string long_id(600, 'x');
  const std::string input =
      "{\"_id\": \"ok1\", \"text\": \"fine\"}\n"
      "[1, 2]\n"
      "{\"_id\": \"no-text\", \"title\": 5, \"text\": \"   \"}\n"
      "{\"_id\": \"" + long_id + "\", \"text\": \"x\"}\n"
      "{\"_id\": \"bad\xFFutf8\", \"text\": \"x\"}\n"
      "{\"_id\": \"trunc\", \"text\": \n"
      "{\"_id\": \"\", \"text\": \"empty id\"}\n"
      "{\"_id\": {\"a\": 1}, \"text\": \"object id\"}\n"
      "{\"_id\": \"deep\", \"text\": \"x\", \"m\": " + std::string(100, '[') +
      std::string(100, ']') + "}\n"
      "{\"_id\": \"ok2\", \"text\": \"fine too\"}\n";
  const Collected got = ReadLines(input);
  ASSERT_EQ(got.docs.size(), 2u);
  EXPECT_EQ(got.docs[0].id, "ok1");
  EXPECT_EQ(got.docs[1].id, "ok2");
  ASSERT_EQ(got.problems.size(), 8u);
  EXPECT_EQ(got.problems[0], "line 2: record is not a JSON object");
  EXPECT_EQ(got.problems[1].rfind("line 3: no text", 0), 0u) << got.problems[1];
  EXPECT_EQ(got.problems[2].rfind("line 4: id field '_id' is 600 bytes", 0), 0u);
  EXPECT_EQ(got.problems[3].rfind("line 5: not valid JSON", 0), 0u) << got.problems[3];
  EXPECT_EQ(got.problems[4].rfind("line 6: not valid JSON", 0), 0u);
  EXPECT_EQ(got.problems[5], "line 7: id field '_id' is empty");
  EXPECT_EQ(got.problems[6].rfind("line 8: id field '_id' is neither", 0), 0u);
  EXPECT_EQ(got.problems[7], "line 9: JSON nests deeper than 64 levels");
}

TEST(JsonRecordsTest, OverLongLineIsSkippedWithoutBeingHeld) {
  JsonRecordOptions options;
  options.max_record_bytes = 100;
  std::string input = "{\"_id\": \"a\", \"text\": \"" + std::string(1000, 'x') + "\"}\n";
  input += "{\"_id\": \"b\", \"text\": \"short\"}\r\n";
  input += std::string(5000, ' ') + "\n";  // an over-long line, even blank, is reported
  input += "{\"_id\": \"c\", \"text\": \"" + std::string(90, 'y') + "\"}";  // at the end
  const Collected got = ReadLines(input, options, 64);
  ASSERT_EQ(got.docs.size(), 1u);
  EXPECT_EQ(got.docs[0].id, "b");
  ASSERT_EQ(got.problems.size(), 3u);
  EXPECT_EQ(got.problems[0], "line 1: longer than the limit of 100 bytes; skipped");
  EXPECT_EQ(got.problems[1], "line 3: longer than the limit of 100 bytes; skipped");
  EXPECT_EQ(got.problems[2], "line 4: longer than the limit of 100 bytes; skipped");
}

// A line is raw bytes until parsed: deciding whether it is blank must not
// decode it as UTF-8 (the fuzzer found a read past the end of "\r...\xFF").
TEST(JsonRecordsTest, BlankLinesAreJsonWhiteSpaceAndOtherBytesAreProblems) {
  const std::string input = std::string(28, '\r') + "\xFF\n" +  // a lead byte at the end
                            " \t \r\n" +                        // blank: skipped, not counted
                            "\xC2\xA0\n" +                      // U+00A0 is not JSON space
                            "{\"text\": \"kept\"}\n\xE2\x80";   // a cut sequence at the end
  const Collected got = ReadLines(input, {}, 5);
  ASSERT_EQ(got.docs.size(), 1u);
  EXPECT_EQ(got.docs[0].text, "kept");
  ASSERT_EQ(got.problems.size(), 3u);
  EXPECT_EQ(got.problems[0].rfind("line 1: not valid JSON", 0), 0u) << got.problems[0];
  EXPECT_EQ(got.problems[1].rfind("line 3: not valid JSON", 0), 0u) << got.problems[1];
  EXPECT_EQ(got.problems[2].rfind("line 5: not valid JSON", 0), 0u) << got.problems[2];
}

TEST(JsonRecordsTest, SinkAndReadErrorsStopTheReading) {
  const ReadBytes failing = [](char*, size_t) -> Result<size_t> {
    return Status::IOError("disk on fire");
  };
  EXPECT_EQ(ReadJsonLines(failing, kOrigin, {}, [](DocumentInput) { return Status::Ok(); },
                          [](std::string) {})
                .code(),
            StatusCode::kIOError);
  Status status;
  const std::string two = "[{\"text\": \"a\"}, {\"text\": \"b\"}]";
  int calls = 0;
  status = ReadJsonDocument(
      two, kOrigin, {},
      [&](DocumentInput) {
        ++calls;
        return Status::ResourceExhausted("full");
      },
      [](std::string) {});
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(calls, 1);
}

TEST(JsonRecordsTest, JsonArrayOrOneObject) {
  Status status;
  Collected got = ReadWhole(
      "[{\"id\": \"a\", \"text\": \"A\"}, 3, {\"text\": \"no id\"}, {\"id\": \"c\"}]", &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(got.docs.size(), 2u);
  EXPECT_EQ(got.docs[0].id, "a");
  EXPECT_EQ(got.docs[1].id, "data/corpus.jsonl#3");
  EXPECT_EQ(got.docs[1].source, "/in/data/corpus.jsonl:3");
  ASSERT_EQ(got.problems.size(), 2u);
  EXPECT_EQ(got.problems[0], "record 2: record is not a JSON object");
  EXPECT_EQ(got.problems[1].rfind("record 4: no text", 0), 0u);

  got = ReadWhole("  {\"title\": \"One\", \"text\": \"object\"}  ", &status);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(got.docs.size(), 1u);
  EXPECT_EQ(got.docs[0].text, "One\n\nobject");

  got = ReadWhole("\"a string\"", &status);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  got = ReadWhole("[{\"text\": \"x\"}", &status);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  got = ReadWhole(std::string(100000, '[') + std::string(100000, ']'), &status);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("deeper than"), std::string::npos);
  got = ReadWhole("[{\"text\": \"bad \xC0\xAF\"}]", &status);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
}

TEST(JsonRecordsTest, JsonTextHoldingJsonLinesIsReadAsLines) {
  Status status;
  Collected got = ReadWhole(
      "{\"_id\": \"a\", \"text\": \"first\"}\n"
      "not json\n"
      "{\"text\": \"third\"}\n",
      &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(got.docs.size(), 2u);
  EXPECT_EQ(got.docs[0].id, "a");
  EXPECT_EQ(got.docs[1].id, "data/corpus.jsonl#3");  // numbered by line
  ASSERT_EQ(got.problems.size(), 1u);
  EXPECT_EQ(got.problems[0].rfind("line 2: not valid JSON", 0), 0u) << got.problems[0];

  // Neither one value nor lines with a record: the file fails with both reasons.
  got = ReadWhole("{\"text\": \"a\"} trailing\n[1]\n", &status);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("neither one JSON value"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("extra data"), std::string::npos);
  EXPECT_NE(status.message().find("line 1:"), std::string::npos);
  EXPECT_NE(status.message().find("1 more line(s)"), std::string::npos);
  EXPECT_TRUE(got.docs.empty());
  EXPECT_TRUE(got.problems.empty());

  // A syntax error inside the first value is not JSON Lines either.
  got = ReadWhole("{\"text\": }\n{\"text\": \"b\"}\n", &status);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().find("neither"), std::string::npos);
}

TEST(JsonRecordsTest, ParseOneRecord) {
  Result<DocumentInput> doc = ParseJsonRecord("{\"_id\": \"x\", \"text\": \"\\u00e9\\u0000\"}",
                                              kOrigin, 9, {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->text, std::string("\xC3\xA9\0", 3));  // NUL is the engine's to replace
  EXPECT_EQ(ParseJsonRecord("", kOrigin, 1, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace quarry::ingest
