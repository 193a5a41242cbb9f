#include "storage/file_util.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/testing/temp_dir.h"

namespace quarry::storage {
namespace {

TEST(FileUtilTest, AtomicWriteAndRead) {
  testing::TempDir dir;
  std::string path = dir.Sub("f");
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second, longer").ok());
  auto content = ReadFileToString(path, 1 << 20);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "second, longer");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(FileUtilTest, ReadLimitsAndErrors) {
  testing::TempDir dir;
  std::string path = dir.Sub("f");
  ASSERT_TRUE(WriteFileAtomically(path, std::string(100, 'x')).ok());
  EXPECT_EQ(ReadFileToString(path, 99).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ReadFileToString(dir.Sub("missing"), 10).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadFileToString(dir.path(), 10).status().code(), StatusCode::kInvalidArgument);
}

TEST(FileUtilTest, WriteIntoMissingDirectoryFailsCleanly) {
  testing::TempDir dir;
  Status s = WriteFileAtomically(dir.Sub("no/such/dir/f"), "x");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("cannot create"), std::string::npos);
}

TEST(FileUtilTest, DirectoryLockIsExclusive) {
  testing::TempDir dir;
  auto first = DirectoryLock::Acquire(dir.path());
  ASSERT_TRUE(first.ok());
  // flock locks belong to the open file description, so a second open in the
  // same process conflicts just as another process would.
  auto second = DirectoryLock::Acquire(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  { DirectoryLock released = std::move(first).value(); }
  EXPECT_TRUE(DirectoryLock::Acquire(dir.path()).ok());
}

}  // namespace
}  // namespace quarry::storage
