// Status and Result<T>: how storage, I/O, configuration and plugin loading
// report errors (after LevelDB's include/leveldb/status.h).
//
// An OK status holds no allocation. Callers test the code (IsNotFound() ...),
// never the message text. Thread-safety: a Status is a value; distinct objects
// may be used from distinct threads.
#pragma once

#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace trendgraph {

class [[nodiscard]] Status {
 public:
  // Append only: codes are reported over HTTP and in logs.
  enum class Code : int {
    kOk = 0,
    kNotFound = 1,
    kCorruption = 2,
    kInvalidArgument = 3,
    kIOError = 4,
    kNotSupported = 5,
    kBusy = 6,            // e.g. the database is locked by another process
    kAlreadyExists = 7,
    kVersionMismatch = 8,  // on-disk format or plugin ABI newer than ours
    kAborted = 9,
    kTimedOut = 10,
    kResourceExhausted = 11,  // disk full, limits reached
    kConstraintViolation = 12,
  };

  Status() noexcept = default;
  Status(const Status& o) : state_(o.state_ ? std::make_unique<State>(*o.state_) : nullptr) {}
  Status& operator=(const Status& o) {
    if (this != &o) state_ = o.state_ ? std::make_unique<State>(*o.state_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status InvalidArgument(std::string_view msg) { return Status(Code::kInvalidArgument, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }
  static Status VersionMismatch(std::string_view msg) { return Status(Code::kVersionMismatch, msg); }
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }
  static Status TimedOut(std::string_view msg) { return Status(Code::kTimedOut, msg); }
  static Status ResourceExhausted(std::string_view msg) { return Status(Code::kResourceExhausted, msg); }
  static Status ConstraintViolation(std::string_view msg) { return Status(Code::kConstraintViolation, msg); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsIOError() const { return code() == Code::kIOError; }
  bool IsNotSupported() const { return code() == Code::kNotSupported; }
  bool IsBusy() const { return code() == Code::kBusy; }
  bool IsAlreadyExists() const { return code() == Code::kAlreadyExists; }
  bool IsVersionMismatch() const { return code() == Code::kVersionMismatch; }
  bool IsAborted() const { return code() == Code::kAborted; }
  bool IsTimedOut() const { return code() == Code::kTimedOut; }
  bool IsResourceExhausted() const { return code() == Code::kResourceExhausted; }
  bool IsConstraintViolation() const { return code() == Code::kConstraintViolation; }

  // The message without the code name; empty for OK.
  const std::string& message() const {
    static const std::string kEmpty;
    return state_ ? state_->msg : kEmpty;
  }
  // "NotFound: graph 'x' does not exist"; "OK" for OK.
  std::string ToString() const;
  static const char* CodeName(Code code);

 private:
  struct State {
    Code code;
    std::string msg;
  };
  Status(Code code, std::string_view msg) : state_(std::make_unique<State>(State{code, std::string(msg)})) {}
  std::unique_ptr<State> state_;
};

// A value or an error status. Access value() only when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace trendgraph

// Propagates a non-OK status to the caller.
#define TG_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    ::trendgraph::Status _tg_s = (expr);          \
    if (!_tg_s.ok()) return _tg_s;                \
  } while (0)
