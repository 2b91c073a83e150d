// BIGLOBE (a Japanese ISP): a multipart/mixed notice from
// postmaster@biglobe.ne.jp listing the recipients after "----- The
// following addresses had delivery problems -----" and the reason after
// "----- Non-delivered information -----".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeBiglobe(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "biglobe.ne.jp")) return false;
  if (!HeaderContains(m, "Subject", "returned mail")) return false;
  std::string_view text = FirstTextBody(m);
  std::vector<std::string> recipients;
  std::vector<std::string_view> reason;
  enum { kNone, kRecipients, kReason } section = kNone;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (t.starts_with("-----")) {
      if (FindIgnoreCase(t, "following addresses") != std::string_view::npos) {
        section = kRecipients;
      } else if (FindIgnoreCase(t, "non-delivered information") != std::string_view::npos) {
        section = kReason;
      } else {
        section = kNone;
      }
      continue;
    }
    if (t.empty()) continue;
    if (section == kRecipients) {
      std::string addr = ExtractAddress(t);
      if (!addr.empty()) recipients.push_back(addr);
    } else if (section == kReason) {
      reason.push_back(t);
    }
  }
  if (recipients.empty()) return false;
  report->format = "biglobe";
  report->evidence = "format: BIGLOBE notice";
  std::string diagnostic = JoinReplyLines(reason);
  for (std::string& r : recipients) {
    // BIGLOBE's fixed reasons are format rules (rules/formats.tsv).
    report->findings.push_back(NoticeFinding(std::move(r), "failed", diagnostic));
  }
  return true;
}

}  // namespace rebound::formats
