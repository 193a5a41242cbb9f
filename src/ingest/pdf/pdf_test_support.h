// Test-only helpers shared by the PDF tests: files in and out, and the
// realistic PDFs made by testdata/make_pdf.py (ReportLab) and qpdf. The tool
// paths come from CMake (src/ingest/pdf/CMakeLists.txt).
//
// Thread-safety: one test at a time.
#ifndef QUARRY_INGEST_PDF_PDF_TEST_SUPPORT_H_
#define QUARRY_INGEST_PDF_PDF_TEST_SUPPORT_H_

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cerrno>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace quarry::ingest::testing {

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  ASSERT_TRUE(out.good()) << path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command; fails the test (with the command) if it fails.
inline void Run(const std::string& command) {
  ASSERT_EQ(std::system(command.c_str()), 0)
      << command << "\n(run scripts/install-deps.sh for python3-reportlab and qpdf)";
}

// testdata/make_pdf.py KIND OUT [ARG]: see the script for the kinds.
inline void MakeReportLabPdf(const std::string& kind, const std::string& out,
                             const std::string& arg = "") {
  Run(std::string(QUARRY_PYTHON3) + " " QUARRY_PDF_TESTDATA "/make_pdf.py " + kind + " '" + out +
      "' " + arg);
}

// qpdf: AES-256 with the given user (may be empty) and owner passwords.
inline void Encrypt(const std::string& in, const std::string& out, const std::string& user,
                    const std::string& owner) {
  Run(std::string(QUARRY_QPDF) + " --encrypt '" + user + "' '" + owner + "' 256 -- '" + in + "' '" +
      out + "'");
}

// Expects that the calling process has no child left, running or zombie.
inline void ExpectNoChildLeft() {
  int status = 0;
  EXPECT_EQ(::waitpid(-1, &status, WNOHANG), -1) << "a child process was left behind";
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace quarry::ingest::testing

#endif  // QUARRY_INGEST_PDF_PDF_TEST_SUPPORT_H_
