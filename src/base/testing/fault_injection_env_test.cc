#include "base/testing/fault_injection_env.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/testing/temp_dir.h"

namespace quarry::testing {
namespace {

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  // The real content, read past the fault env.
  std::string Read(const std::string& path) {
    auto content = ReadFileToString(*posix_, path, 1 << 20);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    return content.ok() ? *content : "<error>";
  }
  bool Exists(const std::string& path) { return posix_->FileExists(path); }

  std::unique_ptr<WritableFile> Open(const std::string& path, OpenMode mode = OpenMode::kTruncate) {
    auto file = env_.NewWritableFile(path, mode);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(file).value() : nullptr;
  }

  // A file whose content and directory entry are both durable.
  void WriteDurable(const std::string& path, const std::string& content) {
    auto file = Open(path);
    ASSERT_TRUE(file->Append(content).ok());
    ASSERT_TRUE(file->Sync().ok());
    ASSERT_TRUE(file->Close().ok());
    ASSERT_TRUE(env_.SyncDir(DirName(path)).ok());
  }

  void PowerLoss() { ASSERT_TRUE(env_.SimulatePowerLoss().ok()); }

  TempDir dir_;
  std::shared_ptr<Env> posix_ = NewPosixEnv();
  FaultInjectionEnv env_{posix_};
};

TEST_F(FaultInjectionEnvTest, UnsyncedAppendsAreLostSyncedOnesKept) {
  const std::string path = dir_.Sub("wal");
  auto file = Open(path);
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  ASSERT_TRUE(file->Append("record1;").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Append("record2;").ok());
  EXPECT_EQ(Read(path), "record1;record2;") << "before the cut the page cache has everything";
  PowerLoss();
  EXPECT_EQ(Read(path), "record1;");
}

TEST_F(FaultInjectionEnvTest, FileCreatedWithoutDirectorySyncIsGone) {
  const std::string path = dir_.Sub("new");
  auto file = Open(path);
  ASSERT_TRUE(file->Append("data").ok());
  ASSERT_TRUE(file->Sync().ok());  // the data is durable, its name is not
  PowerLoss();
  EXPECT_FALSE(Exists(path));
}

TEST_F(FaultInjectionEnvTest, FileWithDurableNameButUnsyncedDataIsEmpty) {
  const std::string path = dir_.Sub("new");
  auto file = Open(path);
  ASSERT_TRUE(file->Append("data").ok());
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  PowerLoss();
  ASSERT_TRUE(Exists(path));
  EXPECT_EQ(Read(path), "");
}

TEST_F(FaultInjectionEnvTest, OverwritesOfSyncedBytesAreUndone) {
  const std::string path = dir_.Sub("f");
  WriteDurable(path, "0123456789");
  auto file = Open(path, OpenMode::kAppend);
  ASSERT_TRUE(file->WriteAt(2, "ab").ok());
  ASSERT_TRUE(file->Append("tail").ok());
  ASSERT_TRUE(file->WriteAt(3, "XYZ").ok());
  ASSERT_TRUE(file->WriteAt(11, "T").ok());
  EXPECT_EQ(Read(path), "01aXYZ6789tTil");
  PowerLoss();
  EXPECT_EQ(Read(path), "0123456789");
}

TEST_F(FaultInjectionEnvTest, TruncationsOfSyncedBytesAreUndone) {
  const std::string path = dir_.Sub("f");
  WriteDurable(path, "abcdefgh");
  ASSERT_TRUE(env_.TruncateFile(path, 3).ok());
  ASSERT_TRUE(env_.TruncateFile(path, 6).ok());  // extends with zeros
  ASSERT_TRUE(env_.TruncateFile(path, 1).ok());
  PowerLoss();
  EXPECT_EQ(Read(path), "abcdefgh");

  auto file = Open(path, OpenMode::kTruncate);
  ASSERT_TRUE(file->Append("new").ok());
  PowerLoss();
  EXPECT_EQ(Read(path), "abcdefgh");
}

TEST_F(FaultInjectionEnvTest, SyncMakesOverwritesDurable) {
  const std::string path = dir_.Sub("f");
  WriteDurable(path, "0123456789");
  auto file = Open(path, OpenMode::kAppend);
  ASSERT_TRUE(file->WriteAt(0, "H").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->WriteAt(1, "I").ok());
  PowerLoss();
  EXPECT_EQ(Read(path), "H123456789");
}

TEST_F(FaultInjectionEnvTest, AllocatedTailIsCutBackToTheSyncedSize) {
  const std::string path = dir_.Sub("f");
  WriteDurable(path, "abc");
  auto file = Open(path, OpenMode::kAppend);
  ASSERT_TRUE(file->Allocate(0, 4096).ok());
  ASSERT_TRUE(file->Append("def").ok());
  PowerLoss();
  EXPECT_EQ(Read(path), "abc");
}

TEST_F(FaultInjectionEnvTest, RenameWithoutDirectorySyncIsReverted) {
  const std::string a = dir_.Sub("a");
  const std::string b = dir_.Sub("b");
  WriteDurable(a, "A");
  WriteDurable(b, "B");
  auto old_b = Open(b, OpenMode::kAppend);
  ASSERT_TRUE(old_b->Append(" unsynced").ok());
  ASSERT_TRUE(env_.RenameFile(a, b).ok());
  EXPECT_FALSE(Exists(a));
  EXPECT_EQ(Read(b), "A");
  PowerLoss();
  EXPECT_EQ(Read(a), "A");
  EXPECT_EQ(Read(b), "B") << "the replaced file comes back with its durable content";
}

TEST_F(FaultInjectionEnvTest, RenameWithDirectorySyncIsKept) {
  const std::string a = dir_.Sub("a");
  const std::string b = dir_.Sub("b");
  WriteDurable(a, "A");
  WriteDurable(b, "B");
  ASSERT_TRUE(env_.RenameFile(a, b).ok());
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  PowerLoss();
  EXPECT_FALSE(Exists(a));
  EXPECT_EQ(Read(b), "A");
}

TEST_F(FaultInjectionEnvTest, RenameBetweenDirectoriesNeedsBothSynced) {
  ASSERT_TRUE(env_.CreateDir(dir_.Sub("x")).ok());
  ASSERT_TRUE(env_.CreateDir(dir_.Sub("y")).ok());
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  WriteDurable(dir_.Sub("x/f"), "F");
  ASSERT_TRUE(env_.RenameFile(dir_.Sub("x/f"), dir_.Sub("y/f")).ok());
  ASSERT_TRUE(env_.SyncDir(dir_.Sub("y")).ok());
  PowerLoss();
  EXPECT_EQ(Read(dir_.Sub("x/f")), "F");
  EXPECT_FALSE(Exists(dir_.Sub("y/f")));
}

TEST_F(FaultInjectionEnvTest, RemovalWithoutDirectorySyncIsUndone) {
  const std::string path = dir_.Sub("keep");
  WriteDurable(path, "precious");
  auto file = Open(path, OpenMode::kAppend);
  ASSERT_TRUE(file->Append(" and lost").ok());
  ASSERT_TRUE(env_.RemoveFile(path).ok());
  EXPECT_FALSE(Exists(path));
  PowerLoss();
  EXPECT_EQ(Read(path), "precious");

  ASSERT_TRUE(env_.RemoveFile(path).ok());
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  PowerLoss();
  EXPECT_FALSE(Exists(path));
}

TEST_F(FaultInjectionEnvTest, FilesThatExistedBeforeAreTakenAsDurable) {
  const std::string path = dir_.Sub("old");
  {
    auto file = posix_->NewWritableFile(path, OpenMode::kTruncate);
    ASSERT_TRUE((*file)->Append("from before").ok());
  }
  ASSERT_TRUE(env_.RemoveFile(path).ok());
  PowerLoss();
  EXPECT_EQ(Read(path), "from before");
}

TEST_F(FaultInjectionEnvTest, UnsyncedDirectoryDisappearsWithItsContents) {
  const std::string sub = dir_.Sub("sub");
  ASSERT_TRUE(env_.CreateDir(sub).ok());
  WriteDurable(sub + "/f", "x");  // syncs sub, not its parent
  PowerLoss();
  EXPECT_FALSE(Exists(sub));
}

TEST_F(FaultInjectionEnvTest, DirectoryRenameIsRevertedWithEverythingInIt) {
  const std::string staging = dir_.Sub("staging");
  const std::string final_dir = dir_.Sub("final");
  ASSERT_TRUE(env_.CreateDir(staging).ok());
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  WriteDurable(staging + "/f", "x");
  ASSERT_TRUE(env_.RenameFile(staging, final_dir).ok());
  auto late = Open(final_dir + "/g");  // created under the new name, never made durable
  PowerLoss();
  EXPECT_FALSE(Exists(final_dir));
  EXPECT_EQ(Read(staging + "/f"), "x");
  EXPECT_FALSE(Exists(staging + "/g"));

  ASSERT_TRUE(env_.RenameFile(staging, final_dir).ok());
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  auto after = Open(final_dir + "/g");
  ASSERT_TRUE(after->Append("g").ok());
  ASSERT_TRUE(after->Sync().ok());
  ASSERT_TRUE(env_.SyncDir(final_dir).ok());
  PowerLoss();
  EXPECT_FALSE(Exists(staging));
  EXPECT_EQ(Read(final_dir + "/f"), "x");
  EXPECT_EQ(Read(final_dir + "/g"), "g");
}

TEST_F(FaultInjectionEnvTest, HandlesFromBeforeThePowerLossFail) {
  auto file = Open(dir_.Sub("f"));
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  PowerLoss();
  Status s = file->Append("x");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(file->Sync().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(file->Close().ok());
  EXPECT_EQ(Read(dir_.Sub("f")), "");
}

TEST_F(FaultInjectionEnvTest, FailAfterHitsExactlyTheNthOperation) {
  auto file = Open(dir_.Sub("f"));
  env_.ResetCounters();
  env_.FailAfter(3, InjectedFault::kIoError);
  EXPECT_TRUE(file->Append("1").ok());
  EXPECT_TRUE(file->Append("2").ok());
  Status third = file->Append("3");
  EXPECT_EQ(third.code(), StatusCode::kIOError);
  EXPECT_NE(third.message().find("injected EIO"), std::string::npos);
  EXPECT_NE(third.message().find(dir_.Sub("f")), std::string::npos);
  EXPECT_TRUE(file->Append("4").ok());
  EXPECT_EQ(Read(dir_.Sub("f")), "124") << "a failed operation writes nothing";
  EXPECT_EQ(env_.OpCount(EnvOp::kAppend), 4u);
  EXPECT_EQ(env_.MutatingOpCount(), 4u);

  env_.FailAfter(2, InjectedFault::kNoSpace, /*sticky=*/true);
  EXPECT_TRUE(env_.CreateDir(dir_.Sub("d")).ok());
  EXPECT_EQ(file->Sync().code(), StatusCode::kNoSpace);
  EXPECT_EQ(env_.SyncDir(dir_.path()).code(), StatusCode::kNoSpace);
  EXPECT_EQ(env_.RenameFile(dir_.Sub("f"), dir_.Sub("g")).code(), StatusCode::kNoSpace);
  EXPECT_TRUE(Exists(dir_.Sub("f")));
  env_.ClearFaults();
  EXPECT_TRUE(env_.SyncDir(dir_.path()).ok());
  EXPECT_EQ(env_.OpCount(EnvOp::kSyncDir), 2u);
  EXPECT_EQ(env_.OpCount(EnvOp::kCreateDir), 1u);
}

TEST_F(FaultInjectionEnvTest, EveryMutatingOperationIsCounted) {
  const std::string f = dir_.Sub("f");
  auto file = Open(f);                                         // 1
  ASSERT_TRUE(file->Append("abc").ok());                       // 2
  ASSERT_TRUE(file->WriteAt(0, "A").ok());                     // 3
  ASSERT_TRUE(file->Allocate(0, 10).ok());                     // 4
  ASSERT_TRUE(file->Sync().ok());                              // 5
  ASSERT_TRUE(file->Close().ok());                             // not counted
  ASSERT_TRUE(env_.TruncateFile(f, 2).ok());                   // 6
  ASSERT_TRUE(env_.RenameFile(f, dir_.Sub("g")).ok());         // 7
  ASSERT_TRUE(env_.RemoveFile(dir_.Sub("g")).ok());            // 8
  ASSERT_TRUE(env_.CreateDir(dir_.Sub("d")).ok());             // 9
  ASSERT_TRUE(env_.RemoveDirRecursively(dir_.Sub("d")).ok());  // 10
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());                 // 11
  EXPECT_TRUE(env_.ListDir(dir_.path()).ok());                 // reads are not counted
  EXPECT_EQ(env_.MutatingOpCount(), 11u);
  for (int op = 0; op < kEnvOpCount; ++op) {
    EXPECT_EQ(env_.OpCount(static_cast<EnvOp>(op)), 1u) << op;
  }
}

TEST_F(FaultInjectionEnvTest, FailedSyncLeavesDataUnsynced) {
  const std::string path = dir_.Sub("f");
  auto file = Open(path);
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  ASSERT_TRUE(file->Append("data").ok());
  env_.FailAfter(1, InjectedFault::kIoError);
  EXPECT_EQ(file->Sync().code(), StatusCode::kIOError);
  PowerLoss();
  EXPECT_EQ(Read(path), "");
}

TEST_F(FaultInjectionEnvTest, DiskFullFailsWritesUntilCleared) {
  const std::string path = dir_.Sub("f");
  WriteDurable(dir_.Sub("big"), "to be removed");
  auto file = Open(path);
  env_.SetDiskFull(true);
  Status append = file->Append("x");
  EXPECT_EQ(append.code(), StatusCode::kNoSpace);
  EXPECT_NE(append.message().find("injected ENOSPC"), std::string::npos);
  EXPECT_EQ(file->WriteAt(0, "").code(), StatusCode::kNoSpace);
  EXPECT_EQ(file->Allocate(0, 100).code(), StatusCode::kNoSpace);
  EXPECT_TRUE(file->Sync().ok());
  EXPECT_TRUE(env_.RemoveFile(dir_.Sub("big")).ok()) << "freeing space must work";
  env_.SetDiskFull(false);
  EXPECT_TRUE(file->Append("x").ok());
  EXPECT_EQ(Read(path), "x");
}

TEST_F(FaultInjectionEnvTest, PowerLossResetsFaultsAndCounters) {
  env_.FailAfter(5, InjectedFault::kIoError, /*sticky=*/true);
  env_.SetDiskFull(true);
  ASSERT_TRUE(env_.CreateDir(dir_.Sub("d")).ok());
  PowerLoss();
  EXPECT_EQ(env_.MutatingOpCount(), 0u);
  auto file = Open(dir_.Sub("f"));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(file->Append("x").ok());
}

// A random walk over four names in one directory, checked after each power
// loss against a model simple enough to trust: files are inodes with a
// current and a synced content; a name table is made durable by SyncDir.
// After a power loss the directory holds exactly the durable names, each with
// its inode's synced content.
TEST_F(FaultInjectionEnvTest, RandomOperationsMatchASimpleModel) {
  struct Inode {
    std::string content;
    std::string synced;
  };
  std::vector<Inode> inodes;
  std::map<std::string, size_t> names;    // name -> inode, as the page cache sees it
  std::map<std::string, size_t> durable;  // name -> inode, as of the last SyncDir
  std::map<size_t, std::unique_ptr<WritableFile>> handles;
  const std::vector<std::string> all_names = {"a", "b", "c", "d"};
  std::mt19937 rng(20240601);
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  auto named_inode = [&](std::string* name) {
    if (names.empty()) return false;
    auto it = names.begin();
    std::advance(it, pick(names.size()));
    *name = it->first;
    return true;
  };
  auto unlink_inode = [&](size_t inode) { handles.erase(inode); };  // never written again

  for (int step = 0; step < 3000; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    std::string name;
    const size_t op = pick(10);
    if (op == 0) {  // open, creating or truncating
      name = all_names[pick(all_names.size())];
      const bool truncate = pick(2) == 0;
      auto it = names.find(name);
      size_t inode;
      if (it == names.end()) {
        inode = inodes.size();
        inodes.push_back({});
        names[name] = inode;
      } else {
        inode = it->second;
        if (truncate) inodes[inode].content.clear();
      }
      handles.erase(inode);
      handles[inode] = Open(dir_.Sub(name), truncate ? OpenMode::kTruncate : OpenMode::kAppend);
    } else if (op <= 3 && named_inode(&name) && handles.contains(names[name])) {
      Inode& inode = inodes[names[name]];
      WritableFile& file = *handles[names[name]];
      const std::string data(1 + pick(6), static_cast<char>('a' + pick(26)));
      if (op == 1 || inode.content.size() < data.size()) {
        ASSERT_TRUE(file.Append(data).ok());
        inode.content += data;
      } else {
        const size_t offset = pick(inode.content.size() - data.size() + 1);
        ASSERT_TRUE(file.WriteAt(offset, data).ok());
        inode.content.replace(offset, data.size(), data);
      }
    } else if (op == 4 && named_inode(&name) && handles.contains(names[name])) {
      ASSERT_TRUE(handles[names[name]]->Sync().ok());
      inodes[names[name]].synced = inodes[names[name]].content;
    } else if (op == 5 && named_inode(&name)) {
      const std::string to = all_names[pick(all_names.size())];
      if (to == name) continue;
      ASSERT_TRUE(env_.RenameFile(dir_.Sub(name), dir_.Sub(to)).ok());
      if (names.contains(to)) unlink_inode(names[to]);
      names[to] = names[name];
      names.erase(name);
    } else if (op == 6 && named_inode(&name)) {
      ASSERT_TRUE(env_.RemoveFile(dir_.Sub(name)).ok());
      unlink_inode(names[name]);
      names.erase(name);
    } else if (op == 7 && named_inode(&name)) {
      const size_t size = pick(inodes[names[name]].content.size() + 4);
      ASSERT_TRUE(env_.TruncateFile(dir_.Sub(name), size).ok());
      inodes[names[name]].content.resize(size, '\0');
      handles.erase(names[name]);  // its Size() no longer matches the file
    } else if (op == 8) {
      ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
      durable = names;
    } else if (op == 9 && pick(5) == 0) {
      handles.clear();
      PowerLoss();
      std::vector<std::string> expected_names;
      for (const auto& [n, inode] : durable) expected_names.push_back(n);
      ASSERT_EQ(*posix_->ListDir(dir_.path()), expected_names);
      for (const auto& [n, inode] : durable) {
        ASSERT_EQ(Read(dir_.Sub(n)), inodes[inode].synced) << n;
        inodes[inode].content = inodes[inode].synced;
      }
      names = durable;
    }
  }
}

// Threads append to their own files while others sync; the result after a
// power loss is each file's synced prefix.
TEST_F(FaultInjectionEnvTest, ConcurrentUseIsSafe) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      const std::string path = dir_.Sub("t" + std::to_string(t));
      auto file = env_.NewWritableFile(path, OpenMode::kTruncate);
      ASSERT_TRUE(file.ok());
      for (int i = 0; i < 100; ++i) ASSERT_TRUE((*file)->Append("0123456789").ok());
      ASSERT_TRUE((*file)->Sync().ok());
      for (int i = 0; i < 10; ++i) ASSERT_TRUE((*file)->Append("lost").ok());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  PowerLoss();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(Read(dir_.Sub("t" + std::to_string(t))).size(), 1000u);
  }
}

}  // namespace
}  // namespace quarry::testing
