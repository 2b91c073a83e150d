// IBM (Lotus) Domino: "DELIVERY FAILURE: <reason>" as Subject. A plain
// notice reads "Your message ... was not delivered to: <addr> because:
// <reason>"; newer servers add a delivery-status part.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeDomino(const message::Message& m, Report* report) {
  const std::string& subject = m.Subject();
  if (!StartsWithIgnoreCase(subject, "DELIVERY FAILURE:") && !StartsWithIgnoreCase(subject, "DELIVERY_FAILURE:")) {
    return false;
  }
  if (DecodeDsnGroups(m, report)) {
    report->format = "domino";
    report->evidence = "format: Domino delivery-status (Subject)";
    return true;
  }
  std::string_view text = FirstTextBody(m);
  std::vector<std::string> recipients;
  std::vector<std::string_view> reason;
  enum { kNone, kRecipients, kReason } section = kNone;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (FindIgnoreCase(t, "was not delivered to:") != std::string_view::npos) {
      section = kRecipients;
    } else if (message::EqualsIgnoreCase(t, "because:")) {
      section = kReason;
    } else if (t.empty()) {
      if (section == kReason && !reason.empty()) break;
    } else if (section == kRecipients) {
      std::string addr = ExtractAddress(t);
      if (!addr.empty()) recipients.push_back(addr);
    } else if (section == kReason) {
      reason.push_back(t);
    }
  }
  if (recipients.empty()) return false;
  report->format = "domino";
  report->evidence = "format: Domino notice (Subject)";
  std::string diagnostic = JoinReplyLines(reason);
  if (diagnostic.empty()) diagnostic = std::string(Trim(std::string_view(subject).substr(17)));
  for (std::string& r : recipients) {
    report->findings.push_back(NoticeFinding(std::move(r), "failed", diagnostic));
  }
  return true;
}

}  // namespace rebound::formats
