// TempDir: a fresh, uniquely named directory for one test, removed afterwards.
// Test-only; never use fixed /tmp paths in tests.
//
// Thread-safety: one per test.
#ifndef QUARRY_BASE_TESTING_TEMP_DIR_H_
#define QUARRY_BASE_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace quarry::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "quarry-test-XXXXXX").string();
    char* made = ::mkdtemp(templ.data());
    if (made == nullptr) std::abort();  // tests cannot run without a scratch directory
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace quarry::testing

#endif  // QUARRY_BASE_TESTING_TEMP_DIR_H_
