#include "search/line_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "base/testing/temp_dir.h"

namespace quarry::search {
namespace {

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(LineReaderTest, LinesWithAndWithoutTerminators) {
  testing::TempDir dir;
  Write(dir.Sub("f"), "one\r\ntwo\n\nlast");
  Result<LineReader> r = LineReader::Open(dir.Sub("f"));
  ASSERT_TRUE(r.ok());
  std::string line;
  Status s;
  std::vector<std::string> lines;
  while (r->Next(&line, &s)) lines.push_back(line);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "", "last"}));
  EXPECT_EQ(r->line_number(), 4u);
}

TEST(LineReaderTest, OverlongLineIsRefusedWithItsNumber) {
  testing::TempDir dir;
  Write(dir.Sub("f"), "short\n" + std::string(1000, 'x') + "\n");
  Result<LineReader> r = LineReader::Open(dir.Sub("f"), 100);
  ASSERT_TRUE(r.ok());
  std::string line;
  Status s;
  EXPECT_TRUE(r->Next(&line, &s));
  EXPECT_FALSE(r->Next(&line, &s));
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("line 2 is longer than the limit of 100 bytes"), std::string::npos)
      << s.message();
}

TEST(LineReaderTest, MissingFileIsNotFound) {
  testing::TempDir dir;
  Result<LineReader> r = LineReader::Open(dir.Sub("nope"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace quarry::search
