#include "storage/snapshot_archive.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"
#include "storage/coding.h"
#include "storage/snapshot_archive_format.h"

namespace quarry::storage {
namespace {

// An archive held in memory.
class StringFile final : public RandomAccessFile {
 public:
  explicit StringFile(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<size_t> Read(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset >= bytes_.size()) return size_t{0};
    const size_t n = std::min<uint64_t>(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }
  uint64_t Size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
};

// An entry of a hand-made archive: anything the format can express, with
// correct checksums, so that the tests reach the checks behind them.
struct Forged {
  std::string path;
  std::string content;
  uint32_t kind = kSnapshotEntryRegularFile;
  std::optional<uint64_t> declared_size;
};

std::string Forge(const std::vector<Forged>& entries, std::optional<uint64_t> count = {},
                  uint32_t version = kSnapshotArchiveVersion) {
  Encoder header;
  header.buffer().append(kSnapshotArchiveMagic);
  header.PutU32(version);
  header.PutU32(0);
  header.PutU32(0);
  header.PutU32(crc32c::Value(header.buffer()));
  std::string out = header.buffer();
  uint32_t crc = crc32c::Value(out);
  for (const Forged& f : entries) {
    Encoder e;
    e.PutU32(static_cast<uint32_t>(f.path.size()));
    e.PutU32(f.kind);
    e.PutU64(f.declared_size.value_or(f.content.size()));
    e.PutU32(crc32c::Value(f.content));
    e.PutU32(0);
    e.buffer().append(f.path);
    e.PutU32(crc32c::Value(e.buffer()));
    crc = crc32c::Extend(crc, e.buffer().data(), e.buffer().size());
    out += e.buffer() + f.content;
  }
  Encoder footer;
  footer.buffer().append(kSnapshotFooterMagic);
  footer.PutU64(count.value_or(entries.size()));
  footer.PutU32(0);
  footer.PutU32(crc32c::Extend(crc, footer.buffer().data(), footer.buffer().size()));
  return out + footer.buffer();
}

class SnapshotArchiveTest : public ::testing::Test {
 protected:
  void WriteFile(const std::string& path, const std::string& content) {
    auto file = env_->NewWritableFile(path, OpenMode::kTruncate);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Append(content).ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  std::string Read(const std::string& path) {
    auto content = ReadFileToString(*env_, path, 1 << 24);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    return content.ok() ? *content : "";
  }

  // A small collection directory and its archive.
  std::string MakeArchive() {
    const std::string src = dir_.Sub("src");
    EXPECT_TRUE(env_->CreateDir(src).ok());
    EXPECT_TRUE(env_->CreateDir(src + "/wal").ok());
    WriteFile(src + "/MANIFEST", "manifest v1");
    WriteFile(src + "/wal/0001.log", std::string("\0\1\2 log", 8));
    WriteFile(src + "/empty", "");
    const std::string archive = dir_.Sub("snap.qsnap");
    Status s = WriteSnapshotArchive(*env_, src, {"MANIFEST", "wal/0001.log", "empty"}, archive);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return archive;
  }

  // Restores `bytes` and expects it refused with nothing written anywhere.
  Status RestoreRefused(const std::string& bytes) {
    const std::string archive = dir_.Sub("hostile.qsnap");
    WriteFile(archive, bytes);
    const std::string target = dir_.Sub("target");
    Status s = RestoreSnapshotArchive(*env_, archive, target, SnapshotLimits{});
    EXPECT_FALSE(s.ok());
    EXPECT_FALSE(env_->FileExists(target));
    EXPECT_FALSE(env_->FileExists(target + std::string(kSnapshotRestoreSuffix)));
    auto names = env_->ListDir(dir_.path());
    EXPECT_TRUE(names.ok());
    for (const std::string& name : *names) {
      EXPECT_TRUE(name == "hostile.qsnap" || name == "src" || name == "snap.qsnap") << name;
    }
    return s;
  }

  testing::TempDir dir_;
  std::shared_ptr<Env> env_ = NewPosixEnv();
};

TEST_F(SnapshotArchiveTest, RoundTrip) {
  const std::string archive = MakeArchive();
  EXPECT_FALSE(env_->FileExists(archive + ".tmp"));
  auto manifest = ReadSnapshotArchiveIndex(*env_, archive, SnapshotLimits{});
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  ASSERT_EQ(manifest->entries.size(), 3u);
  EXPECT_EQ(manifest->entries[0].path, "MANIFEST");
  EXPECT_EQ(manifest->entries[0].size, 11u);
  EXPECT_EQ(manifest->entries[1].path, "wal/0001.log");
  EXPECT_EQ(manifest->entries[2].size, 0u);
  EXPECT_EQ(manifest->total_bytes, 19u);
  EXPECT_EQ(manifest->archive_bytes, *env_->FileSize(archive));

  const std::string target = dir_.Sub("restored");
  Status s = RestoreSnapshotArchive(*env_, archive, target, SnapshotLimits{});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Read(target + "/MANIFEST"), "manifest v1");
  EXPECT_EQ(Read(target + "/wal/0001.log"), std::string("\0\1\2 log", 8));
  EXPECT_EQ(Read(target + "/empty"), "");
  EXPECT_EQ(*env_->ListDir(target), (std::vector<std::string>{"MANIFEST", "empty", "wal"}));
  EXPECT_FALSE(env_->FileExists(target + ".restoring"));

  Status again = RestoreSnapshotArchive(*env_, archive, target, SnapshotLimits{});
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Read(target + "/MANIFEST"), "manifest v1");
}

TEST_F(SnapshotArchiveTest, ForgedArchiveMatchesTheWriter) {
  const std::string archive = MakeArchive();
  const std::string forged =
      Forge({{.path = "MANIFEST", .content = "manifest v1"},
             {.path = "wal/0001.log", .content = std::string("\0\1\2 log", 8)},
             {.path = "empty", .content = ""}});
  EXPECT_EQ(Read(archive), forged) << "the test's encoder must match the format";
}

TEST_F(SnapshotArchiveTest, WriterRefusesBadInputsAndLeavesNothing) {
  const std::string src = dir_.Sub("src");
  ASSERT_TRUE(env_->CreateDir(src).ok());
  ASSERT_TRUE(env_->CreateDir(src + "/sub").ok());
  WriteFile(src + "/a", "a");
  const std::string archive = dir_.Sub("out.qsnap");
  EXPECT_EQ(WriteSnapshotArchive(*env_, src, {}, archive).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteSnapshotArchive(*env_, src, {"../a"}, archive).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteSnapshotArchive(*env_, src, {"a", "a"}, archive).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteSnapshotArchive(*env_, src, {"a", "sub"}, archive).code(),
            StatusCode::kInvalidArgument)
      << "a directory is not a file";
  EXPECT_EQ(WriteSnapshotArchive(*env_, src, {"a", "missing"}, archive).code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(env_->FileExists(archive));
  EXPECT_FALSE(env_->FileExists(archive + ".tmp"));
}

TEST_F(SnapshotArchiveTest, EveryTruncationIsRefused) {
  const std::string bytes = Read(MakeArchive());
  for (size_t len = 0; len < bytes.size(); ++len) {
    SCOPED_TRACE("truncated to " + std::to_string(len));
    StringFile file(bytes.substr(0, len));
    auto manifest = ReadSnapshotArchiveIndex(file, "t", SnapshotLimits{});
    ASSERT_FALSE(manifest.ok());
    EXPECT_EQ(manifest.status().code(), StatusCode::kCorruption);
    RestoreRefused(bytes.substr(0, len));
  }
}

TEST_F(SnapshotArchiveTest, EveryBitFlipIsRefused) {
  const std::string bytes = Read(MakeArchive());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      SCOPED_TRACE("byte " + std::to_string(i) + " bit " + std::to_string(bit));
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      StringFile file(flipped);
      auto manifest = ReadSnapshotArchiveIndex(file, "t", SnapshotLimits{});
      Status s = manifest.ok() ? VerifySnapshotArchive(file, "t", *manifest) : manifest.status();
      ASSERT_FALSE(s.ok());
      EXPECT_TRUE(s.code() == StatusCode::kCorruption || s.code() == StatusCode::kNotSupported)
          << s.ToString();
    }
  }
  // Restoring is refused too (a sample: a header, a path, a content byte, the footer).
  for (size_t i : {size_t{9}, size_t{50}, size_t{60}, bytes.size() - 3}) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    RestoreRefused(flipped);
  }
}

TEST_F(SnapshotArchiveTest, TraversalAndOddPathsAreRefused) {
  const std::vector<std::string> hostile = {"../x",
                                            "/etc/passwd",
                                            "a/../../x",
                                            "a/..",
                                            "..",
                                            ".",
                                            "./a",
                                            "a/./b",
                                            "a//b",
                                            "a/",
                                            "",
                                            "a\\b",
                                            "..\\x",
                                            "a\nb",
                                            "a\x7f",
                                            std::string("a\0b", 3),
                                            std::string(300, 'n'),
                                            "a/" + std::string(256, 'c')};
  for (const std::string& path : hostile) {
    SCOPED_TRACE("path '" + path + "'");
    Status s =
        RestoreRefused(Forge({{.path = "ok", .content = "1"}, {.path = path, .content = "x"}}));
    EXPECT_TRUE(s.code() == StatusCode::kInvalidArgument ||
                (path.empty() && s.code() == StatusCode::kCorruption))
        << s.ToString();
    EXPECT_FALSE(env_->FileExists(dir_.Sub("x")));
  }
  // Within the format but beyond the caller's limits.
  SnapshotLimits tight;
  tight.max_path_bytes = 8;
  tight.max_path_depth = 2;
  for (const std::string& path : {std::string("abcdefghi"), std::string("a/b/c")}) {
    StringFile file(Forge({{.path = path, .content = "x"}}));
    EXPECT_EQ(ReadSnapshotArchiveIndex(file, "t", tight).status().code(),
              StatusCode::kResourceExhausted)
        << path;
  }
}

TEST_F(SnapshotArchiveTest, LinksDevicesAndDirectoriesAreRefused) {
  for (uint32_t kind : {0u, 2u, 3u, 4u, 0xffffffffu}) {
    SCOPED_TRACE("kind " + std::to_string(kind));
    Status s = RestoreRefused(Forge({{.path = "link", .content = "/etc/passwd", .kind = kind}}));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
}

TEST_F(SnapshotArchiveTest, DuplicatesAndFileDirectoryClashesAreRefused) {
  Status dup = RestoreRefused(Forge({{.path = "a", .content = "1"},
                                     {.path = "b", .content = "2"},
                                     {.path = "a", .content = "3"}}));
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.message().find("twice"), std::string::npos);
  Status clash =
      RestoreRefused(Forge({{.path = "a/b", .content = "1"}, {.path = "a", .content = "2"}}));
  EXPECT_EQ(clash.code(), StatusCode::kInvalidArgument);
}

TEST_F(SnapshotArchiveTest, DeclaredSizesAndCountsMustFit) {
  for (uint64_t declared : {uint64_t{2}, uint64_t{1} << 40, ~uint64_t{0}}) {
    SCOPED_TRACE(declared);
    Status s = RestoreRefused(Forge({{.path = "a", .content = "1", .declared_size = declared}}));
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  }
  Status zero = RestoreRefused(Forge({}));
  EXPECT_EQ(zero.code(), StatusCode::kCorruption);
  EXPECT_NE(zero.message().find("no entries"), std::string::npos);
  EXPECT_EQ(RestoreRefused(Forge({{.path = "a", .content = "1"}}, /*count=*/2)).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(RestoreRefused(Forge({{.path = "a", .content = "1"}, {.path = "b", .content = "2"}},
                                 /*count=*/1))
                .code(),
            StatusCode::kCorruption);

  SnapshotLimits tight;
  tight.max_entries = 2;
  tight.max_file_bytes = 4;
  tight.max_total_bytes = 6;
  auto code = [&tight](const std::string& bytes) {
    StringFile file(bytes);
    return ReadSnapshotArchiveIndex(file, "t", tight).status().code();
  };
  EXPECT_EQ(code(Forge({{.path = "a", .content = "12345"}})), StatusCode::kResourceExhausted);
  EXPECT_EQ(code(Forge({{.path = "a", .content = "1234"}, {.path = "b", .content = "123"}})),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(code(Forge({{.path = "a"}, {.path = "b"}, {.path = "c"}})),
            StatusCode::kResourceExhausted);
  StringFile fits(Forge({{.path = "a", .content = "1234"}, {.path = "b", .content = "12"}}));
  EXPECT_TRUE(ReadSnapshotArchiveIndex(fits, "t", tight).ok());
}

TEST_F(SnapshotArchiveTest, VersionsAndReservedFields) {
  Status newer = RestoreRefused(Forge({{.path = "a", .content = "1"}}, {}, 2));
  EXPECT_EQ(newer.code(), StatusCode::kNotSupported);
  EXPECT_NE(newer.message().find("upgrade"), std::string::npos);
  EXPECT_EQ(RestoreRefused(Forge({{.path = "a", .content = "1"}}, {}, 0)).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(RestoreRefused("not an archive at all, just some text that is long enough").code(),
            StatusCode::kCorruption);
}

TEST_F(SnapshotArchiveTest, RestoreNeedsAnAbsentTargetAndAnExistingParent) {
  const std::string archive = MakeArchive();
  ASSERT_TRUE(env_->CreateDir(dir_.Sub("taken")).ok());
  EXPECT_EQ(RestoreSnapshotArchive(*env_, archive, dir_.Sub("taken"), {}).code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(env_->ListDir(dir_.Sub("taken"))->empty());
  EXPECT_EQ(RestoreSnapshotArchive(*env_, archive, dir_.Sub("no/parent"), {}).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(RestoreSnapshotArchive(*env_, dir_.Sub("missing"), dir_.Sub("t"), {}).code(),
            StatusCode::kNotFound);
}

TEST_F(SnapshotArchiveTest, LeftoverOfACrashedRestoreIsReplaced) {
  const std::string archive = MakeArchive();
  const std::string target = dir_.Sub("restored");
  ASSERT_TRUE(env_->CreateDir(target + ".restoring").ok());
  WriteFile(target + ".restoring/junk", "half-written");
  ASSERT_TRUE(RestoreSnapshotArchive(*env_, archive, target, {}).ok());
  EXPECT_FALSE(env_->FileExists(target + "/junk"));
  EXPECT_FALSE(env_->FileExists(target + ".restoring"));
  EXPECT_EQ(Read(target + "/MANIFEST"), "manifest v1");
}

// Fails each step of a restore in turn: the target never appears, the
// staging directory is cleaned up, and a power cut afterwards changes
// nothing. Without faults, a power cut right after the restore keeps it all.
TEST_F(SnapshotArchiveTest, RestoreUnderFaultsLeavesNothingOrEverything) {
  const std::string archive = MakeArchive();
  const std::string target = dir_.Sub("restored");
  testing::FaultInjectionEnv fault_env(env_);
  ASSERT_TRUE(RestoreSnapshotArchive(fault_env, archive, target, {}).ok());
  const uint64_t steps = fault_env.MutatingOpCount();
  ASSERT_TRUE(fault_env.SimulatePowerLoss().ok());
  EXPECT_EQ(Read(target + "/wal/0001.log"), std::string("\0\1\2 log", 8));
  EXPECT_EQ(Read(target + "/MANIFEST"), "manifest v1");
  ASSERT_TRUE(env_->RemoveDirRecursively(target).ok());

  for (uint64_t step = 1; step <= steps; ++step) {
    SCOPED_TRACE("failing step " + std::to_string(step));
    for (auto fault : {testing::InjectedFault::kIoError, testing::InjectedFault::kNoSpace}) {
      fault_env.FailAfter(step, fault);
      Status s = RestoreSnapshotArchive(fault_env, archive, target, {});
      ASSERT_FALSE(s.ok());
      const bool renamed = env_->FileExists(target);  // only the last step, the parent's fsync
      EXPECT_TRUE(!renamed || step == steps);
      EXPECT_FALSE(env_->FileExists(target + ".restoring"));
      ASSERT_TRUE(fault_env.SimulatePowerLoss().ok());
      EXPECT_FALSE(env_->FileExists(target));
      EXPECT_FALSE(env_->FileExists(target + ".restoring"));
    }
  }
}

TEST_F(SnapshotArchiveTest, WriteUnderFaultsKeepsTheOldArchive) {
  const std::string archive = MakeArchive();
  const std::string old_bytes = Read(archive);
  WriteFile(dir_.Sub("src/MANIFEST"), "manifest v2, longer");
  testing::FaultInjectionEnv fault_env(env_);
  const std::vector<std::string> files = {"MANIFEST", "wal/0001.log", "empty"};
  ASSERT_TRUE(WriteSnapshotArchive(fault_env, dir_.Sub("src"), files, archive).ok());
  const uint64_t steps = fault_env.MutatingOpCount();
  ASSERT_TRUE(fault_env.SimulatePowerLoss().ok());
  const std::string new_bytes = Read(archive);
  ASSERT_NE(new_bytes, old_bytes);
  auto manifest = ReadSnapshotArchiveIndex(*env_, archive, {});
  ASSERT_TRUE(manifest.ok()) << "a power cut after the write keeps the whole new archive";

  for (uint64_t step = 1; step <= steps; ++step) {
    SCOPED_TRACE("failing step " + std::to_string(step));
    WriteFile(archive, old_bytes);
    ASSERT_TRUE(env_->SyncDir(dir_.path()).ok());
    fault_env.FailAfter(step, testing::InjectedFault::kIoError);
    ASSERT_FALSE(WriteSnapshotArchive(fault_env, dir_.Sub("src"), files, archive).ok());
    EXPECT_FALSE(env_->FileExists(archive + ".tmp"));
    const std::string now = Read(archive);
    EXPECT_TRUE(now == old_bytes || (now == new_bytes && step == steps));
    ASSERT_TRUE(fault_env.SimulatePowerLoss().ok());
    EXPECT_EQ(Read(archive), old_bytes);
  }
}

}  // namespace
}  // namespace quarry::storage
