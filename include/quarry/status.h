// Status and Result<T>: how every Quarry function reports failure.
//
// The core never throws. A function that can fail returns Status (nothing to
// return) or Result<T> (a T or a Status). Exceptions from libraries are caught
// where they enter our code and turned into a Status. The edges map a Status to
// an HTTP status or a CLI exit code in exactly one place each.
//
// Thread-safety: values; safe to copy and move between threads.
#ifndef QUARRY_STATUS_H_
#define QUARRY_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace quarry {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; retrying it will not help
  kNotFound,            // a named thing (collection, document, route) does not exist
  kAlreadyExists,       // creating something that is already there
  kFailedPrecondition,  // the system is not in a state to do this (locked, read-only)
  kResourceExhausted,   // a limit was hit (size, count, memory)
  kCorruption,          // stored data failed verification
  kIOError,             // the operating system refused a file operation
  kUnavailable,         // a dependency is down or overloaded; retry later
  kNotSupported,        // valid request for something not implemented
  kInternal,            // a bug: an invariant did not hold
  kNoSpace,             // the disk is full (ENOSPC, EDQUOT); writes resume once space is freed
};

// The stable lower_snake_case name of a code ("invalid_argument"), used in API errors.
std::string_view StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status NoSpace(std::string m) { return {StatusCode::kNoSpace, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status NotSupported(std::string m) { return {StatusCode::kNotSupported, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: k must be between 1 and 1000", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
// REQUIRES: a Result is never constructed from an OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace quarry

#define QUARRY_STATUS_CONCAT_INNER(a, b) a##b
#define QUARRY_STATUS_CONCAT(a, b) QUARRY_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define QUARRY_RETURN_IF_ERROR(expr)                   \
  do {                                                 \
    ::quarry::Status quarry_status_ = (expr);          \
    if (!quarry_status_.ok()) return quarry_status_;   \
  } while (0)

// QUARRY_ASSIGN_OR_RETURN(auto x, MakeX()); returns the error if MakeX() failed.
#define QUARRY_ASSIGN_OR_RETURN(lhs, expr) \
  QUARRY_ASSIGN_OR_RETURN_IMPL(QUARRY_STATUS_CONCAT(quarry_result_, __LINE__), lhs, expr)
#define QUARRY_ASSIGN_OR_RETURN_IMPL(result, lhs, expr) \
  auto result = (expr);                                 \
  if (!result.ok()) return result.status();             \
  lhs = std::move(result).value()

#endif  // QUARRY_STATUS_H_
