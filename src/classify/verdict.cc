#include "classify/verdict.h"

#include <array>

namespace rebound::classify {

namespace {

constexpr std::array<std::string_view, 11> kReasonNames = {"",
                                                           "UNKNOWN_USER",
                                                           "MAILBOX_FULL",
                                                           "CONTENT",
                                                           "SPAM",
                                                           "POLICY",
                                                           "OTHER",
                                                           "RECIPIENT_TEMPORARY",
                                                           "SECURITY_FILTER",
                                                           "DMARC_NOT_AUTHORIZED",
                                                           "TEMPORARY_TECHNICAL"};

}  // namespace

std::string_view TypeName(BounceType type) {
  switch (type) {
    case BounceType::kHard:
      return "HARD";
    case BounceType::kSoft:
      return "SOFT";
    case BounceType::kPending:
      return "PENDING";
    case BounceType::kNone:
      break;
  }
  return "NONE";
}

std::string_view ReasonName(Reason reason) { return kReasonNames[static_cast<size_t>(reason)]; }

bool ParseReason(std::string_view name, Reason* out) {
  for (size_t i = 1; i < kReasonNames.size(); ++i) {
    if (kReasonNames[i] == name) {
      *out = static_cast<Reason>(i);
      return true;
    }
  }
  return false;
}

std::string_view RecommendedAction(Reason reason) {
  switch (reason) {
    case Reason::kUnknownUser:
    case Reason::kMailboxFull:
      return "None: the address cannot receive mail. It is suppressed automatically.";
    case Reason::kContent:
    case Reason::kSpam:
    case Reason::kPolicy:
    case Reason::kOther:
      return "Ask the contact to have their IT team allowlist the sending IP addresses, then unbounce the "
             "contact.";
    case Reason::kRecipientTemporary:
      return "Marketing: clone the email and send it later to the affected contacts. One-to-one: resend later.";
    case Reason::kSecurityFilter:
      return "Ask for the sending IP addresses to be allowlisted; clone the email and send it again later.";
    case Reason::kDmarcNotAuthorized:
      return "Your IT team must update the sending domain's DMARC (and SPF/DKIM) records to authorize the "
             "platform.";
    case Reason::kTemporaryTechnical:
      return "Clone the email and send it again later.";
    case Reason::kNone:
      break;
  }
  return "";
}

TypeReason Decide(Cause cause, Permanence permanence, bool sender_dmarc) {
  using C = Cause;
  using R = Reason;
  // Not bounces.
  if (cause == C::kDelivered || cause == C::kVacation || cause == C::kFeedback) {
    return {BounceType::kNone, R::kNone};
  }
  if (cause == C::kAuthFailure && sender_dmarc) {
    // The address is valid; the sender's own DNS is at fault.
    return {permanence == Permanence::kDelayed ? BounceType::kPending : BounceType::kSoft, R::kDmarcNotAuthorized};
  }
  // Reasons when HARD and when SOFT (or PENDING) for each cause.
  R hard = R::kOther;
  R soft = R::kTemporaryTechnical;
  enum { kByPermanence, kAlwaysHard, kAlwaysSoft } rule = kByPermanence;
  switch (cause) {
    case C::kUserUnknown:
    case C::kHostUnknown:
    case C::kHasMoved:
    case C::kNotAccept:
    case C::kSuspend:
      hard = R::kUnknownUser;
      soft = R::kRecipientTemporary;  // only reachable through a delayed DSN
      rule = kAlwaysHard;
      break;
    case C::kMailboxFull:
      hard = R::kMailboxFull;
      soft = R::kRecipientTemporary;
      break;
    case C::kExceedLimit:
    case C::kMesgTooBig:
      hard = R::kContent;
      soft = R::kRecipientTemporary;
      break;
    case C::kContentError:
    case C::kVirusDetected:
    case C::kFiltered:
      hard = R::kContent;
      soft = R::kSecurityFilter;
      break;
    case C::kSpamDetected:
    case C::kBlocked:
    case C::kBadReputation:
      hard = R::kSpam;
      soft = R::kSecurityFilter;
      break;
    case C::kPolicyViolation:
    case C::kSecurityError:
    case C::kRejected:
    case C::kNoRelaying:
    case C::kRequirePtr:
    case C::kNotCompliantRfc:
    case C::kAuthFailure:
      hard = R::kPolicy;
      soft = R::kSecurityFilter;
      break;
    case C::kSyntaxError:
    case C::kFailedStartTls:
      hard = R::kPolicy;
      soft = R::kTemporaryTechnical;
      break;
    case C::kSuppressed:
    case C::kMailerError:
    case C::kUndefined:
    case C::kOnHold:
      hard = R::kOther;
      soft = R::kTemporaryTechnical;
      break;
    case C::kExpired:
    case C::kSystemError:
    case C::kSystemFull:
      soft = R::kRecipientTemporary;
      rule = kAlwaysSoft;
      break;
    case C::kTooManyConn:
    case C::kSpeeding:
      soft = R::kSecurityFilter;
      rule = kAlwaysSoft;
      break;
    case C::kNetworkError:
      soft = R::kTemporaryTechnical;
      rule = kAlwaysSoft;
      break;
    case C::kDelivered:
    case C::kVacation:
    case C::kFeedback:
      break;
  }
  if (permanence == Permanence::kDelayed) return {BounceType::kPending, soft};
  if (rule == kAlwaysHard) return {BounceType::kHard, hard};
  if (rule == kAlwaysSoft) return {BounceType::kSoft, soft};
  if (permanence == Permanence::kTransient) return {BounceType::kSoft, soft};
  // Permanent, or a failure that said nothing about permanence.
  return {BounceType::kHard, hard};
}

}  // namespace rebound::classify
