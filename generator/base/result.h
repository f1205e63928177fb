// How everything below the command line says it could not do something: a
// Result holds either the value asked for or a Failure, the reason in words
// for the person reading it. (std::expected would do, but the fuzz build's
// clang 14 does not have it; this is the part of it the portal uses.)
#pragma once

#include <cerrno>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace portal {

// Why something could not be done: a sentence that names the file or value
// and, where it can, says what to do.
struct Failure {
  std::string message;
  int error_number = 0;  // the errno behind it, when a system call's failure is

  // Nothing was there (ENOENT), and nothing else was wrong.
  [[nodiscard]] bool missing() const { return error_number == ENOENT; }
};

inline Failure fail(std::string message, int error_number = 0) { return Failure{std::move(message), error_number}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : held_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: a value converts to a Result
  Result(Failure failure) : held_(std::in_place_index<1>, std::move(failure)) {}  // NOLINT: so does a Failure

  [[nodiscard]] bool ok() const { return held_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The value; only when ok().
  T& value() & { return std::get<0>(held_); }
  const T& value() const& { return std::get<0>(held_); }
  T&& value() && { return std::get<0>(std::move(held_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Why not; only when !ok().
  [[nodiscard]] const Failure& failure() const { return std::get<1>(held_); }
  [[nodiscard]] const std::string& error() const { return failure().message; }

 private:
  std::variant<T, Failure> held_;
};

// Done, or not and why: for what has no value to give.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure failure) : failure_(std::move(failure)) {}  // NOLINT: a Failure converts to a Result

  [[nodiscard]] bool ok() const { return !failure_; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const Failure& failure() const { return *failure_; }
  [[nodiscard]] const std::string& error() const { return failure_->message; }

 private:
  std::optional<Failure> failure_;
};

using Done = Result<void>;

}  // namespace portal
