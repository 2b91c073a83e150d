// The small value types that findings and verdicts are made of: the
// fine-grained bounce cause (PRODUCT.md section 3) and helpers for RFC 3463
// enhanced status codes and SMTP reply codes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rebound::formats {

// Fine-grained cause. Names match the vocabulary of other bounce analyzers.
enum class Cause : uint8_t {
  kUndefined,
  kUserUnknown,
  kHostUnknown,
  kHasMoved,
  kNotAccept,
  kSuspend,
  kMailboxFull,
  kExceedLimit,
  kMesgTooBig,
  kContentError,
  kVirusDetected,
  kFiltered,
  kSpamDetected,
  kBlocked,
  kBadReputation,
  kPolicyViolation,
  kSecurityError,
  kRejected,
  kNoRelaying,
  kRequirePtr,
  kNotCompliantRfc,
  kAuthFailure,
  kSyntaxError,
  kFailedStartTls,
  kSuppressed,
  kMailerError,
  kOnHold,
  kExpired,
  kSystemError,
  kSystemFull,
  kTooManyConn,
  kSpeeding,
  kNetworkError,
  kDelivered,
  kVacation,
  kFeedback,
};
inline constexpr int kCauseCount = static_cast<int>(Cause::kFeedback) + 1;

// "userunknown", "mailboxfull", ... ("undefined" for kUndefined).
std::string_view CauseName(Cause cause);
// Parses a cause name; false when unknown.
bool ParseCause(std::string_view name, Cause* out);

// Finds the first RFC 3463 enhanced status code ("5.1.1", "4.7.650") in
// text, also when written "#5.1.1" or "(5.1.1)". Empty when none.
std::string_view FindStatusCode(std::string_view text);
// True when `s` is exactly an enhanced status code with class 2, 4 or 5.
bool IsStatusCode(std::string_view s);
// The SMTP reply code ("550") that starts text, possibly after "smtp;" or
// blanks; empty when none.
std::string_view LeadingReplyCode(std::string_view text);
// The first SMTP reply code anywhere in text, when followed by a blank,
// a hyphen or an enhanced status code; empty when none.
std::string_view FindReplyCode(std::string_view text);

}  // namespace rebound::formats
