// The sandboxed extractor end to end: the real helper on real and hostile
// PDFs, and fake helpers (shell scripts) that crash, hang, or lie.
#include "ingest/pdf/pdf_sandbox.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <thread>

#include "base/testing/temp_dir.h"
#include "ingest/pdf/pdf_child_limits.h"
#include "ingest/pdf/pdf_frame.h"
#include "ingest/pdf/pdf_test_support.h"
#include "ingest/pdf/test_pdfs.h"

namespace quarry::ingest {
namespace {

using testing::ReadFile;
using testing::WriteFile;

// Every test runs twice: with one spawned helper per PDF (Spawn), and with
// the helper forked from a fork server (ForkServer). Fake helpers (shell
// scripts) cannot serve, so on the fork-server path they also check that a
// helper failing to start as a server costs no PDF its result.
class PdfSandboxTest : public ::testing::TestWithParam<bool> {
 protected:
  bool forked() const { return GetParam(); }

  // No helper is left behind, running or zombie, whatever happened: the
  // servers (children of this process) are killed and reaped first.
  void TearDown() override {
    pools_.clear();
    testing::ExpectNoChildLeft();
  }

  // The pool of fork servers for `helper`, or null on the spawn path.
  PdfForkServerPool* Servers(const std::string& helper) {
    if (!forked()) return nullptr;
    std::unique_ptr<PdfForkServerPool>& pool = pools_[helper];
    if (pool == nullptr) pool = std::make_unique<PdfForkServerPool>(helper);
    return pool.get();
  }

  Result<PdfText> ExtractFile(const std::string& path, const PdfLimits& limits,
                              const std::string& helper) {
    return ExtractPdfFile(path, limits, helper, Servers(helper));
  }

  Result<PdfText> Extract(const std::string& name, const std::string& bytes,
                          const PdfLimits& limits = PdfLimits{}) {
    WriteFile(dir_.Sub(name), bytes);
    return ExtractFile(dir_.Sub(name), limits, QUARRY_PDF_HELPER);
  }

  // A fake helper: a shell script that ignores its arguments.
  std::string FakeHelper(const std::string& body) {
    const std::string path = dir_.Sub("fake-helper-" + std::to_string(++fakes_));
    WriteFile(path, "#!/bin/sh\n" + body + "\n");
    ::chmod(path.c_str(), 0755);
    return path;
  }

  // Expects a failure with `code` whose message names the file and contains `what`.
  void ExpectFailure(const Result<PdfText>& r, StatusCode code, const std::string& name,
                     const std::string& what) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(name + ": "), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().message();
  }

  quarry::testing::TempDir dir_;
  int fakes_ = 0;
  std::map<std::string, std::unique_ptr<PdfForkServerPool>> pools_;
};

INSTANTIATE_TEST_SUITE_P(Paths, PdfSandboxTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "ForkServer" : "Spawn");
                         });

TEST_P(PdfSandboxTest, RealDocumentThroughTheHelper) {
  testing::MakeReportLabPdf("multipage", dir_.Sub("m.pdf"));
  Result<PdfText> r = ExtractFile(dir_.Sub("m.pdf"), PdfLimits{}, QUARRY_PDF_HELPER);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "Überschrift: Ἀρχή — Начало");
  ASSERT_EQ(r->pages.size(), 4u);
  EXPECT_NE(r->pages[1].find("Ελληνικά κείμενα και Кириллица."), std::string::npos);
  EXPECT_NE(r->pages[3].find("Fourth and last page."), std::string::npos);
}

TEST_P(PdfSandboxTest, BytesInMemoryThroughTheHelper) {
  Result<PdfText> r = ExtractPdfBytes(testing::SimplePdf({"uploaded"}, "Upload"), "upload.pdf",
                                      PdfLimits{}, QUARRY_PDF_HELPER, Servers(QUARRY_PDF_HELPER));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "Upload");
  EXPECT_NE(r->pages.at(0).find("uploaded"), std::string::npos);
}

TEST_P(PdfSandboxTest, RandomBytesAreNotAPdf) {
  std::mt19937 rng(7);
  std::string bytes(100'000, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  ExpectFailure(Extract("random.pdf", bytes), StatusCode::kInvalidArgument, "random.pdf",
                "not a PDF");
  // With a header, poppler tries, and fails.
  ExpectFailure(Extract("random2.pdf", "%PDF-1.4\n" + bytes), StatusCode::kInvalidArgument,
                "random2.pdf", "damaged PDF");
}

TEST_P(PdfSandboxTest, TruncatedAndBitFlippedFilesFailAlone) {
  testing::MakeReportLabPdf("multipage", dir_.Sub("m.pdf"));
  const std::string good = ReadFile(dir_.Sub("m.pdf"));
  std::mt19937 rng(42);
  int failed = 0, repaired = 0;
  for (int i = 0; i < 40; ++i) {
    std::string bad = good;
    if (i % 4 == 0) {
      bad.resize(rng() % good.size());  // truncated
    } else {
      for (int flip = 0; flip < 20; ++flip)
        bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
    }
    const std::string name = "bad" + std::to_string(i) + ".pdf";
    Result<PdfText> r = Extract(name, bad);
    if (r.ok()) {
      ++repaired;  // poppler repairs a lot; what it gives is still valid text
      continue;
    }
    ++failed;
    EXPECT_NE(r.status().message().find(name + ": "), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().code(), StatusCode::kInternal) << r.status().ToString();
  }
  ::testing::Test::RecordProperty("repaired", repaired);
  ::testing::Test::RecordProperty("failed", failed);
  // The extraction after all of them still works: the parent is unharmed.
  EXPECT_TRUE(Extract("after.pdf", good).ok());
}

TEST_P(PdfSandboxTest, TooManyPages) {
  ExpectFailure(Extract("many.pdf", testing::ManyPagePdf(2001)), StatusCode::kResourceExhausted,
                "many.pdf", "too many pages: 2001, limit 2000");
  Result<PdfText> r = Extract("enough.pdf", testing::ManyPagePdf(2000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages.size(), 2000u);
}

TEST_P(PdfSandboxTest, TooMuchText) {
  PdfLimits limits;
  limits.max_chars = 100;
  ExpectFailure(Extract("wordy.pdf", testing::ManyPagePdf(20), limits),
                StatusCode::kResourceExhausted, "wordy.pdf", "too much text: over 100 characters");
}

TEST_P(PdfSandboxTest, Encrypted) {
  WriteFile(dir_.Sub("plain.pdf"), testing::SimplePdf({"secret"}, ""));
  testing::Encrypt(dir_.Sub("plain.pdf"), dir_.Sub("locked.pdf"), "user-pw", "owner-pw");
  Result<PdfText> r = ExtractFile(dir_.Sub("locked.pdf"), PdfLimits{}, QUARRY_PDF_HELPER);
  ExpectFailure(r, StatusCode::kNotSupported, "locked.pdf", "encrypted PDF");
}

TEST_P(PdfSandboxTest, ZipBombOfZerosTimesOut) {
  // 4 GiB of zero bytes from a file of about 70 KB (a 64 MiB stream, 64
  // times). poppler inflates it as a stream, so memory stays flat, but reading
  // it takes far longer than 2 s (about 60 MB/s here).
  PdfLimits limits;
  limits.timeout_ms = 2000;
  const std::string bomb = testing::FlateBombPdf(64ull << 20, 64, false);
  EXPECT_LT(bomb.size(), 1u << 20);
  ExpectFailure(Extract("zeros.pdf", bomb, limits), StatusCode::kResourceExhausted, "zeros.pdf",
                "timed out (limit 2 s)");
}

TEST_P(PdfSandboxTest, ZipBombOfTextRunsOutOfMemory) {
  if (!PdfMemoryLimitSupported()) GTEST_SKIP() << "no RLIMIT_AS under AddressSanitizer";
  // One 1 GiB string from a file of about 70 KB: poppler's lexer builds it in
  // memory, and hits the 256 MiB limit.
  PdfLimits limits;
  limits.memory_bytes = 256ull << 20;
  ExpectFailure(Extract("bomb.pdf", testing::FlateBombPdf(64ull << 20, 16, true), limits),
                StatusCode::kResourceExhausted, "bomb.pdf", "out of memory (limit 256 MiB)");
}

TEST_P(PdfSandboxTest, MissingFileAndMissingHelper) {
  Result<PdfText> r = ExtractFile(dir_.Sub("nope.pdf"), PdfLimits{}, QUARRY_PDF_HELPER);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  WriteFile(dir_.Sub("x.pdf"), testing::SimplePdf({"x"}, ""));
  r = ExtractFile(dir_.Sub("x.pdf"), PdfLimits{}, dir_.Sub("no-such-helper"));
  ExpectFailure(r, StatusCode::kFailedPrecondition, "x.pdf", "quarry-pdf-extract");
}

TEST_P(PdfSandboxTest, HelperThatHangsIsKilledAtTheDeadline) {
  PdfLimits limits;
  limits.timeout_ms = 300;
  WriteFile(dir_.Sub("x.pdf"), testing::SimplePdf({"x"}, ""));
  Result<PdfText> r = ExtractFile(dir_.Sub("x.pdf"), limits, FakeHelper("exec sleep 60"));
  ExpectFailure(r, StatusCode::kResourceExhausted, "x.pdf", "timed out (limit 300 ms)");
}

TEST_P(PdfSandboxTest, HelperThatCrashes) {
  WriteFile(dir_.Sub("x.pdf"), testing::SimplePdf({"x"}, ""));
  Result<PdfText> r = ExtractFile(dir_.Sub("x.pdf"), PdfLimits{}, FakeHelper("kill -SEGV $$"));
  ExpectFailure(r, StatusCode::kInvalidArgument, "x.pdf",
                "PDF parser crashed on this file: SIGSEGV (Segmentation fault)");
}

TEST_P(PdfSandboxTest, HelperOutOfMemoryBothWays) {
  WriteFile(dir_.Sub("x.pdf"), testing::SimplePdf({"x"}, ""));
  // poppler's malloc wrapper: "Out of memory" on stderr, then abort().
  Result<PdfText> r = ExtractFile(dir_.Sub("x.pdf"), PdfLimits{},
                                  FakeHelper("echo 'Out of memory' >&2; kill -ABRT $$"));
  ExpectFailure(r, StatusCode::kResourceExhausted, "x.pdf", "ran out of memory");
  // operator new: the helper's new-handler exits with its own code.
  r = ExtractFile(dir_.Sub("x.pdf"), PdfLimits{},
                  FakeHelper("exit " + std::to_string(kPdfHelperExitOutOfMemory)));
  ExpectFailure(r, StatusCode::kResourceExhausted, "x.pdf", "ran out of memory");
  // A plain abort is a crash.
  r = ExtractFile(dir_.Sub("x.pdf"), PdfLimits{}, FakeHelper("kill -ABRT $$"));
  ExpectFailure(r, StatusCode::kInvalidArgument, "x.pdf", "SIGABRT");
}

TEST_P(PdfSandboxTest, HelperOverItsCpuTime) {
  WriteFile(dir_.Sub("x.pdf"), testing::SimplePdf({"x"}, ""));
  Result<PdfText> r = ExtractFile(dir_.Sub("x.pdf"), PdfLimits{}, FakeHelper("kill -XCPU $$"));
  ExpectFailure(r, StatusCode::kResourceExhausted, "x.pdf", "CPU time limit");
}

TEST_P(PdfSandboxTest, HelperThatLiesIsNotBelieved) {
  WriteFile(dir_.Sub("x.pdf"), testing::SimplePdf({"x"}, ""));
  PdfLimits limits;
  limits.max_chars = 1000;  // caps the output at a few KB
  Result<PdfText> r = ExtractFile(dir_.Sub("x.pdf"), limits, FakeHelper("printf 'QPDX garbage'"));
  ExpectFailure(r, StatusCode::kInternal, "x.pdf", "malformed helper output");
  r = ExtractFile(dir_.Sub("x.pdf"), limits, FakeHelper("exec cat /dev/zero"));
  ExpectFailure(r, StatusCode::kInternal, "x.pdf", "wrote more than");
  r = ExtractFile(dir_.Sub("x.pdf"), PdfLimits{}, FakeHelper("echo oops >&2; exit 9"));
  ExpectFailure(r, StatusCode::kInternal, "x.pdf", "exit code 9: oops");
  // A well-formed frame whose text is over the limits the helper was given.
  PdfText big;
  big.pages = {"far too much text for the limit"};
  WriteFile(dir_.Sub("frame"), EncodePdfFrame(big));
  PdfLimits small;
  small.max_chars = 3;
  r = ExtractFile(dir_.Sub("x.pdf"), small, FakeHelper("cat '" + dir_.Sub("frame") + "'"));
  ExpectFailure(r, StatusCode::kInternal, "x.pdf", "over the limit of 3");
}

TEST_P(PdfSandboxTest, HelperLimitsAreApplied) {
  // The real helper with a deadline it cannot meet (the exec alone takes
  // longer than 1 ms).
  PdfLimits limits;
  limits.timeout_ms = 1;
  WriteFile(dir_.Sub("many.pdf"), testing::ManyPagePdf(2000));
  Result<PdfText> r = ExtractFile(dir_.Sub("many.pdf"), limits, QUARRY_PDF_HELPER);
  ExpectFailure(r, StatusCode::kResourceExhausted, "many.pdf", "timed out (limit 1 ms)");
}

TEST_P(PdfSandboxTest, ConcurrentExtractions) {
  // Several threads at once: each call's pipes stay its own (O_CLOEXEC), so
  // every one of them sees its helper's end of file.
  WriteFile(dir_.Sub("c.pdf"), testing::SimplePdf({"one", "two"}, "Concurrent"));
  Servers(QUARRY_PDF_HELPER);  // the map of pools is not for several threads
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (size_t t = 0; t < ok.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        Result<PdfText> r = ExtractFile(dir_.Sub("c.pdf"), PdfLimits{}, QUARRY_PDF_HELPER);
        if (r.ok() && r->title == "Concurrent" && r->pages.size() == 2) ++ok[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 5);
}

}  // namespace
}  // namespace quarry::ingest
