// How CLI commands end: exit codes and the one-line reason on stderr.
//
// Exit codes: 0 ok, 1 runtime error, 2 usage error (bad flags, bad config).
//
// Thread-safety: main thread only.
#ifndef QUARRY_CLI_CLI_ERROR_H_
#define QUARRY_CLI_CLI_ERROR_H_

#include <cstdio>
#include <string>

#include "quarry/status.h"

namespace quarry::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeError = 1;
inline constexpr int kExitUsageError = 2;

// Prints "quarry: <message>" on one line to stderr and returns `code`.
inline int Fail(int code, const std::string& message) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "quarry: %s\n", line.c_str());
  return code;
}

// Invalid arguments are the user's to fix (2); everything else is a runtime error (1).
inline int FailWith(const Status& status) {
  return Fail(status.code() == StatusCode::kInvalidArgument ? kExitUsageError : kExitRuntimeError,
              status.message());
}

}  // namespace quarry::cli

#endif  // QUARRY_CLI_CLI_ERROR_H_
