#include "server/upload_job.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "base/testing/temp_dir.h"

namespace quarry::server {
namespace {

namespace fs = std::filesystem;

TEST(PrepareUploadTmpDirTest, CreatesTheFolderAndRemovesOnlyLeftUploads) {
  quarry::testing::TempDir dir;
  const std::string tmp = dir.Sub("data/tmp");
  ASSERT_TRUE(PrepareUploadTmpDir(tmp).ok());
  EXPECT_TRUE(fs::is_directory(tmp));
  std::ofstream(tmp + "/quarry-upload-Ab12Cd") << "left by a crash";
  std::ofstream(tmp + "/someone-else.txt") << "not ours";
  ASSERT_TRUE(PrepareUploadTmpDir(tmp).ok());
  EXPECT_FALSE(fs::exists(tmp + "/quarry-upload-Ab12Cd"));
  EXPECT_TRUE(fs::exists(tmp + "/someone-else.txt"));
  std::ofstream(dir.Sub("file")) << "x";
  EXPECT_FALSE(PrepareUploadTmpDir(dir.Sub("file")).ok());
}

}  // namespace
}  // namespace quarry::server
