// PowerMTA: "Delivery report" whose delivery-status part carries its own
// X-PowerMTA-* fields; the findings are the DSN groups.
#include <array>
#include <utility>

#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

// PowerMTA's documented bounce categories (its User's Guide, "bounce
// categories") that name a cause; the others (other, bad-connection,
// protocol-errors, ...) say nothing the diagnostic does not.
constexpr std::array<std::pair<std::string_view, Cause>, 10> kCategories = {{
    {"bad-mailbox", Cause::kUserUnknown},
    {"bad-domain", Cause::kHostUnknown},
    {"inactive-mailbox", Cause::kSuspend},
    {"quota-issues", Cause::kMailboxFull},
    {"message-expired", Cause::kExpired},
    {"spam-related", Cause::kSpamDetected},
    {"virus-related", Cause::kVirusDetected},
    {"content-related", Cause::kContentError},
    {"policy-related", Cause::kPolicyViolation},
    {"relaying-issues", Cause::kNoRelaying},
}};

}  // namespace

bool DecodePowerMta(const message::Message& m, Report* report) {
  const message::DeliveryStatus& dsn = m.delivery_status();
  if (dsn.recipients.empty()) return false;
  bool marked = dsn.per_message.Has("X-PowerMTA-VirtualMTA");
  for (const message::FieldGroup& g : dsn.recipients) marked = marked || g.Has("X-PowerMTA-BounceCategory");
  if (!marked || !DecodeDsnGroups(m, report)) return false;
  // The category is the MTA's own reading of the reply: it decides only
  // where the reply's words do not (Finding::fallback).
  for (size_t i = 0; i < report->findings.size() && i < dsn.recipients.size(); ++i) {
    const std::string category = message::ToLower(message::Trim(dsn.recipients[i].Raw("X-PowerMTA-BounceCategory")));
    for (const auto& [name, cause] : kCategories) {
      if (category == name) {
        report->findings[i].fallback = cause;
        report->findings[i].fallback_evidence = "cause: X-PowerMTA-BounceCategory " + category;
      }
    }
  }
  report->format = "powermta";
  report->evidence = "format: PowerMTA delivery-status (X-PowerMTA fields)";
  return true;
}

}  // namespace rebound::formats
