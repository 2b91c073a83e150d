// What a use case answers when it cannot do what was asked: a code that
// each face maps to its own terms (an HTTP status, an exit code) and a
// sentence a person can act on.
#pragma once

#include <string>
#include <utility>

namespace rebound::app {

enum class Code {
  kOk,
  kBadRequest,            // the request itself is wrong
  kUnauthorized,          // no valid credentials
  kNotFound,              // nothing of that name in the account (or in another account)
  kConflict,              // the current state does not allow it
  kConfirmationRequired,  // allowed only with an explicit confirmation
  kForbidden,             // not allowed to this caller
  kUnavailable,           // the store cannot be reached: try again later
  kInternal,
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status BadRequest(std::string m) { return {Code::kBadRequest, std::move(m)}; }
  static Status Unauthorized(std::string m) { return {Code::kUnauthorized, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  static Status ConfirmationRequired(std::string m) { return {Code::kConfirmationRequired, std::move(m)}; }
  static Status Forbidden(std::string m) { return {Code::kForbidden, std::move(m)}; }
  // A store error: the store's message stays in the logs, not in answers.
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace rebound::app
