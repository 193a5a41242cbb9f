#include "base/mapped_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>

#include "base/testing/temp_dir.h"

namespace quarry {
namespace {

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

TEST(MappedFileTest, MapsWholeFileAndTakesViews) {
  testing::TempDir dir;
  const std::string path = dir.Sub("data.bin");
  WriteFile(path, "hello, mapped world");
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->size(), 19u);
  EXPECT_EQ(file->path(), path);
  auto view = file->View(7, 6);
  EXPECT_EQ(std::string(view.begin(), view.end()), "mapped");
  file->Advise(MappedFile::Access::kRandom);  // a hint: must not change the bytes
  EXPECT_EQ(std::string(file->bytes().begin(), file->bytes().end()), "hello, mapped world");
}

TEST(MappedFileTest, EmptyFileGivesEmptyMapping) {
  testing::TempDir dir;
  WriteFile(dir.Sub("empty"), "");
  auto file = MappedFile::Open(dir.Sub("empty"));
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->empty());
  EXPECT_EQ(file->data(), nullptr);
  EXPECT_TRUE(file->View(0, 0).empty());
}

TEST(MappedFileTest, ErrorsNameTheFile) {
  testing::TempDir dir;
  auto missing = MappedFile::Open(dir.Sub("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing"), std::string::npos);

  auto directory = MappedFile::Open(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), StatusCode::kInvalidArgument);
}

TEST(MappedFileTest, MoveTransfersOwnership) {
  testing::TempDir dir;
  WriteFile(dir.Sub("f"), "abc");
  auto opened = MappedFile::Open(dir.Sub("f"));
  ASSERT_TRUE(opened.ok());
  MappedFile a = std::move(opened).value();
  const uint8_t* p = a.data();
  MappedFile b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(a.size(), 0u);
  MappedFile c;
  c = std::move(b);
  EXPECT_EQ(c.data(), p);
  EXPECT_EQ(c.size(), 3u);
}

TEST(MappedFileTest, AnonymousMemoryIsZeroedAndWritable) {
  const size_t bytes = size_t{3} << 20;  // large enough to be advised for huge pages
  auto mem = MappedFile::Anonymous(bytes);
  ASSERT_TRUE(mem.ok()) << mem.status().ToString();
  EXPECT_EQ(mem->size(), bytes);
  EXPECT_EQ(mem->path(), "");
  uint8_t* p = mem->mutable_data();
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[bytes - 1], 0);
  p[12345] = 7;
  EXPECT_EQ(mem->data()[12345], 7);
}

}  // namespace
}  // namespace quarry
