// Test-only helpers of the embed module's tests: files, the shared model
// folder, and the Python generators of tests/embed/ (tiny BERT, static model).
//
// Thread-safety: one test at a time.
#ifndef QUARRY_EMBED_EMBED_TESTING_H_
#define QUARRY_EMBED_EMBED_TESTING_H_

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace quarry::embed::testing {

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The real all-MiniLM-L6-v2 folder (tokenizer and config, no weights) in
// $QUARRY_SHARED_DIR, or ../shared when the variable is unset.
inline std::string MiniLmDir() {
  const char* shared = std::getenv("QUARRY_SHARED_DIR");
  return std::string(shared ? shared : "../shared") + "/models/all-MiniLM-L6-v2";
}

// Runs the Python script tests/embed/<script> with `args`. Returns "" on
// success, else why not: a test skips when a Python module it needs is
// missing (exit 77) and fails otherwise.
inline std::string RunTestScript(const std::string& script, const std::string& args, bool* skip,
                                 const std::string& package) {
  const std::string command = std::string(QUARRY_PYTHON3) + " " QUARRY_SOURCE_DIR
                              "/tests/embed/" + script + " " + args;
  const int rc = std::system(command.c_str());
  const int status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  *skip = status == 77;
  if (status == 0) return "";
  return *skip ? package + " is not installed (scripts/install-deps.sh)"
               : script + " " + args + " failed";
}

// Writes a random BERT folder and its PyTorch reference embeddings to `dir`.
inline std::string MakeTinyBert(const std::string& dir, const std::string& args, bool* skip) {
  return RunTestScript("make_tiny_bert.py", dir + " " + args, skip, "python3-torch");
}

}  // namespace quarry::embed::testing

#endif  // QUARRY_EMBED_EMBED_TESTING_H_
