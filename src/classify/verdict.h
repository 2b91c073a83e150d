// What the classifier says about one bounced recipient: the product's type
// and reason (PRODUCT.md section 3) over the fine-grained cause, with the
// evidence that decided them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/formats.h"

namespace rebound::classify {

using formats::Cause;

enum class BounceType : uint8_t { kNone, kHard, kSoft, kPending };

enum class Reason : uint8_t {
  kNone,  // only with BounceType::kNone
  kUnknownUser,
  kMailboxFull,
  kContent,
  kSpam,
  kPolicy,
  kOther,
  kRecipientTemporary,
  kSecurityFilter,
  kDmarcNotAuthorized,
  kTemporaryTechnical,
};

// Whether the failure is final, as the codes and the DSN action tell.
enum class Permanence : uint8_t { kUnknown, kPermanent, kTransient, kDelayed };

std::string_view TypeName(BounceType type);  // "HARD", "SOFT", "PENDING", "NONE"
std::string_view ReasonName(Reason reason);  // "UNKNOWN_USER", ...; "" for kNone
bool ParseReason(std::string_view name, Reason* out);
// The recommended action shown to a user for a reason (English).
std::string_view RecommendedAction(Reason reason);

// The table of PRODUCT.md section 3: type and reason from cause and
// permanence. `sender_dmarc` marks an authfailure caused by the sender
// domain's own DMARC policy.
struct TypeReason {
  BounceType type;
  Reason reason;
};
TypeReason Decide(Cause cause, Permanence permanence, bool sender_dmarc);

struct Verdict {
  formats::Finding finding;  // recipient, status, reply code, diagnostic, ...
  std::string_view format;   // detected format; static storage
  std::string original_message_id;
  // The X-Rebound-Send-Id the returned original carries (our own header):
  // correlates a bounce with its send when the return path was lost.
  std::string original_send_id;
  Cause cause = Cause::kUndefined;
  BounceType type = BounceType::kNone;
  Reason reason = Reason::kNone;
  std::vector<std::string> evidence;
  std::vector<std::string> notes;  // limits hit or damage met while parsing
  std::string error;               // set when the message could not be parsed
};

}  // namespace rebound::classify
