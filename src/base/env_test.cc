#include "base/env.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"

namespace quarry {
namespace {

bool Mentions(const Status& s, const std::string& text) {
  return s.message().find(text) != std::string::npos;
}

class EnvTest : public ::testing::Test {
 protected:
  std::string Read(const std::string& path) {
    auto content = ReadFileToString(*env_, path, 1 << 20);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    return content.ok() ? *content : "";
  }

  void Write(const std::string& path, const std::string& content) {
    auto file = env_->NewWritableFile(path, OpenMode::kTruncate);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Append(content).ok());
    ASSERT_TRUE((*file)->Close().ok());
  }

  testing::TempDir dir_;
  std::shared_ptr<Env> env_ = NewPosixEnv();
};

TEST_F(EnvTest, AppendSyncAndSize) {
  const std::string path = dir_.Sub("f");
  auto file = env_->NewWritableFile(path, OpenMode::kTruncate);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->Size(), 0u);
  ASSERT_TRUE((*file)->Append("hello").ok());
  ASSERT_TRUE((*file)->Append(", world").ok());
  EXPECT_EQ((*file)->Size(), 12u);
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(Read(path), "hello, world");
  EXPECT_EQ(*env_->FileSize(path), 12u);

  Status after_close = (*file)->Append("x");
  EXPECT_EQ(after_close.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Mentions(after_close, path));
  EXPECT_FALSE((*file)->Close().ok());
}

TEST_F(EnvTest, OpenModesTruncateOrContinue) {
  const std::string path = dir_.Sub("f");
  Write(path, "abc");
  {
    auto file = env_->NewWritableFile(path, OpenMode::kAppend);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ((*file)->Size(), 3u);
    ASSERT_TRUE((*file)->Append("def").ok());
  }
  EXPECT_EQ(Read(path), "abcdef");
  {
    auto file = env_->NewWritableFile(path, OpenMode::kTruncate);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ((*file)->Size(), 0u);
  }
  EXPECT_EQ(Read(path), "");
}

TEST_F(EnvTest, WriteAtPatchesBytesAlreadyWritten) {
  const std::string path = dir_.Sub("f");
  auto file = env_->NewWritableFile(path, OpenMode::kTruncate);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("0123456789").ok());
  ASSERT_TRUE((*file)->WriteAt(0, "HH").ok());
  ASSERT_TRUE((*file)->WriteAt(8, "TT").ok());
  EXPECT_EQ((*file)->Size(), 10u);
  ASSERT_TRUE((*file)->Append("!").ok());
  Status past_end = (*file)->WriteAt(9, "xyz");
  EXPECT_EQ(past_end.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(past_end, path));
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(Read(path), "HH234567TT!");
}

TEST_F(EnvTest, AllocateReservesWithoutMovingTheAppendPoint) {
  const std::string path = dir_.Sub("f");
  auto file = env_->NewWritableFile(path, OpenMode::kTruncate);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Allocate(0, 1 << 16).ok());
  ASSERT_TRUE((*file)->Allocate(0, 0).ok());
  ASSERT_TRUE((*file)->Append("abc").ok());
  EXPECT_EQ((*file)->Size(), 3u);
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  // posix_fallocate extends the file (or, where unsupported, does nothing).
  const uint64_t on_disk = *env_->FileSize(path);
  EXPECT_TRUE(on_disk == (1u << 16) || on_disk == 3u) << on_disk;
  EXPECT_EQ(Read(path).substr(0, 3), "abc");
}

TEST_F(EnvTest, TruncateShrinksAndExtendsWithZeros) {
  const std::string path = dir_.Sub("f");
  Write(path, "abcdef");
  ASSERT_TRUE(env_->TruncateFile(path, 2).ok());
  EXPECT_EQ(Read(path), "ab");
  ASSERT_TRUE(env_->TruncateFile(path, 4).ok());
  EXPECT_EQ(Read(path), std::string("ab\0\0", 4));
  Status missing = env_->TruncateFile(dir_.Sub("missing"), 0);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Mentions(missing, dir_.Sub("missing")));
}

TEST_F(EnvTest, RenameReplacesAnExistingFile) {
  Write(dir_.Sub("new"), "new content");
  Write(dir_.Sub("old"), "old content");
  ASSERT_TRUE(env_->RenameFile(dir_.Sub("new"), dir_.Sub("old")).ok());
  EXPECT_FALSE(env_->FileExists(dir_.Sub("new")));
  EXPECT_EQ(Read(dir_.Sub("old")), "new content");

  Status missing = env_->RenameFile(dir_.Sub("nope"), dir_.Sub("old"));
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Mentions(missing, dir_.Sub("nope")));
  EXPECT_TRUE(Mentions(missing, dir_.Sub("old")));
}

TEST_F(EnvTest, RemoveFile) {
  Write(dir_.Sub("f"), "x");
  ASSERT_TRUE(env_->RemoveFile(dir_.Sub("f")).ok());
  EXPECT_FALSE(env_->FileExists(dir_.Sub("f")));
  Status again = env_->RemoveFile(dir_.Sub("f"));
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Mentions(again, dir_.Sub("f")));
}

TEST_F(EnvTest, DirectoriesCreateListSyncRemove) {
  const std::string d = dir_.Sub("d");
  ASSERT_TRUE(env_->CreateDir(d).ok());
  ASSERT_TRUE(env_->CreateDir(d).ok()) << "an existing directory is not an error";
  ASSERT_TRUE(env_->CreateDir(d + "/sub").ok());
  Write(d + "/b", "");
  Write(d + "/a", "");
  Write(d + "/sub/c", "");
  Write(d + "/C", "");
  auto names = env_->ListDir(d);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"C", "a", "b", "sub"}));
  EXPECT_TRUE(env_->SyncDir(d).ok());

  Status over_file = env_->CreateDir(d + "/a");
  EXPECT_FALSE(over_file.ok());
  EXPECT_TRUE(Mentions(over_file, d + "/a"));
  Status no_parent = env_->CreateDir(dir_.Sub("x/y"));
  EXPECT_EQ(no_parent.code(), StatusCode::kNotFound);

  EXPECT_EQ(env_->RemoveDirRecursively(d + "/a").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(env_->RemoveDirRecursively(d).ok());
  EXPECT_FALSE(env_->FileExists(d));
  EXPECT_TRUE(env_->RemoveDirRecursively(d).ok()) << "a missing directory is not an error";

  EXPECT_EQ(env_->ListDir(d).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Mentions(env_->ListDir(d).status(), d));
  EXPECT_EQ(env_->SyncDir(d).code(), StatusCode::kNotFound);
}

TEST_F(EnvTest, FileSizeAndExistence) {
  Write(dir_.Sub("f"), "12345");
  EXPECT_TRUE(env_->FileExists(dir_.Sub("f")));
  EXPECT_TRUE(env_->FileExists(dir_.path()));
  EXPECT_FALSE(env_->FileExists(dir_.Sub("missing")));
  EXPECT_EQ(*env_->FileSize(dir_.Sub("f")), 5u);
  EXPECT_EQ(env_->FileSize(dir_.path()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(env_->FileSize(dir_.Sub("missing")).status().code(), StatusCode::kNotFound);
  auto free_space = env_->FreeSpace(dir_.path());
  ASSERT_TRUE(free_space.ok());
  EXPECT_GT(*free_space, 0u);
  EXPECT_EQ(env_->FreeSpace(dir_.Sub("missing")).status().code(), StatusCode::kNotFound);
}

TEST_F(EnvTest, RandomAccessReadsAndMaps) {
  Write(dir_.Sub("f"), "0123456789");
  auto file = env_->NewRandomAccessFile(dir_.Sub("f"));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->Size(), 10u);
  std::vector<uint8_t> buf(4);
  auto n = (*file)->Read(8, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + 2), "89");
  EXPECT_EQ(*(*file)->Read(20, buf), 0u);

  auto map = env_->MapFile(dir_.Sub("f"));
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(std::string(map->bytes().begin(), map->bytes().end()), "0123456789");

  EXPECT_EQ(env_->NewRandomAccessFile(dir_.path()).status().code(), StatusCode::kInvalidArgument);
  auto missing = env_->NewRandomAccessFile(dir_.Sub("missing"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Mentions(missing.status(), dir_.Sub("missing")));
  auto no_dir = env_->NewWritableFile(dir_.Sub("no/such"), OpenMode::kTruncate);
  EXPECT_EQ(no_dir.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Mentions(no_dir.status(), dir_.Sub("no/such")));
}

TEST_F(EnvTest, LockIsExclusiveEvenWithinOneProcess) {
  const std::string path = dir_.Sub("LOCK");
  auto first = env_->LockFile(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = env_->LockFile(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Mentions(second.status(), "held by another process"));
  EXPECT_TRUE(Mentions(second.status(), path));
  first = Status::Internal("released");  // destroys the lock
  EXPECT_TRUE(env_->LockFile(path).ok());
}

TEST_F(EnvTest, ReadFileToStringRespectsItsLimit) {
  Write(dir_.Sub("f"), "12345");
  EXPECT_EQ(*ReadFileToString(*env_, dir_.Sub("f"), 5), "12345");
  auto over = ReadFileToString(*env_, dir_.Sub("f"), 4);
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Mentions(over.status(), dir_.Sub("f")));
  EXPECT_EQ(ReadFileToString(*env_, dir_.path(), 100).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadFileToString(*env_, dir_.Sub("missing"), 100).status().code(),
            StatusCode::kNotFound);
}

TEST(DirNameTest, Cases) {
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("/a/b"), "/a");
  EXPECT_EQ(DirName("/a"), "/");
  EXPECT_EQ(DirName("a"), ".");
  EXPECT_EQ(DirName("a/b/"), "a");
  EXPECT_EQ(DirName("a//b"), "a");
  EXPECT_EQ(DirName("/"), "/");
}

TEST_F(EnvTest, WriteFileAtomicallyReplaces) {
  const std::string path = dir_.Sub("MANIFEST");
  ASSERT_TRUE(WriteFileAtomically(*env_, path, "one").ok());
  ASSERT_TRUE(WriteFileAtomically(*env_, path, "two").ok());
  EXPECT_EQ(Read(path), "two");
  EXPECT_FALSE(env_->FileExists(path + ".tmp"));
}

// Fails each step of WriteFileAtomically in turn: the file keeps its old
// content (or, when only the final directory sync failed, has the new one
// but the call still reports the error), no .tmp is left behind, and after a
// power cut the old content is back, since the rename was never made durable.
TEST_F(EnvTest, WriteFileAtomicallyKeepsOldContentWhenAStepFails) {
  const std::string path = dir_.Sub("MANIFEST");
  testing::FaultInjectionEnv fault_env(env_);
  ASSERT_TRUE(WriteFileAtomically(fault_env, path, "old").ok());
  fault_env.ResetCounters();
  ASSERT_TRUE(WriteFileAtomically(fault_env, path, "new!").ok());
  const uint64_t steps = fault_env.MutatingOpCount();
  ASSERT_EQ(steps, 5u);  // open the .tmp, append, sync, rename, sync the directory
  ASSERT_TRUE(fault_env.SimulatePowerLoss().ok());
  EXPECT_EQ(Read(path), "new!");

  for (uint64_t step = 1; step <= steps; ++step) {
    SCOPED_TRACE("failing step " + std::to_string(step));
    ASSERT_TRUE(WriteFileAtomically(fault_env, path, "old").ok());
    ASSERT_TRUE(fault_env.SimulatePowerLoss().ok());
    fault_env.FailAfter(step, testing::InjectedFault::kIoError);
    Status s = WriteFileAtomically(fault_env, path, "new!");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kIOError);
    EXPECT_TRUE(Mentions(s, "injected EIO"));
    const std::string now = Read(path);
    EXPECT_TRUE(now == "old" || (now == "new!" && step == steps)) << now;
    EXPECT_FALSE(env_->FileExists(path + ".tmp"));
    ASSERT_TRUE(fault_env.SimulatePowerLoss().ok());
    EXPECT_EQ(Read(path), "old");
  }
}

TEST_F(EnvTest, WriteFileAtomicallyOnAFullDiskKeepsOldContent) {
  const std::string path = dir_.Sub("MANIFEST");
  testing::FaultInjectionEnv fault_env(env_);
  ASSERT_TRUE(WriteFileAtomically(fault_env, path, "old").ok());
  fault_env.SetDiskFull(true);
  Status s = WriteFileAtomically(fault_env, path, "new");
  EXPECT_EQ(s.code(), StatusCode::kNoSpace);
  EXPECT_EQ(Read(path), "old");
  EXPECT_FALSE(env_->FileExists(path + ".tmp"));
  fault_env.SetDiskFull(false);
  ASSERT_TRUE(WriteFileAtomically(fault_env, path, "new").ok());
  EXPECT_EQ(Read(path), "new");
}

}  // namespace
}  // namespace quarry
