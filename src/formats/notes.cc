// Lotus Notes (the old Lotus SMTP MTA): a plain "Undeliverable message"
// whose body opens with "------- Failure Reasons  --------", then the
// reason and the recipient lines, then "------- Returned Message --------".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeNotes(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Subject", "undeliverable message")) return false;
  std::string_view text = FirstTextBody(m);
  size_t start = FindIgnoreCase(text, "------- failure reasons");
  if (start == std::string::npos) return false;
  std::vector<std::string> recipients;
  std::vector<std::string_view> reason;
  std::vector<std::string_view> lines = SplitLines(std::string_view(text).substr(start));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.starts_with("-------")) break;  // the returned message
    if (t.empty()) continue;
    // A recipient line is one address alone; anything else is the reason.
    std::string addr = ExtractAddress(t);
    if (!addr.empty() && t.find(' ') == std::string_view::npos) {
      recipients.push_back(addr);
    } else {
      reason.push_back(t);
    }
  }
  if (recipients.empty()) return false;
  report->format = "notes";
  report->evidence = "format: Lotus Notes notice (Failure Reasons)";
  std::string diagnostic = JoinReplyLines(reason);
  for (std::string& r : recipients) {
    report->findings.push_back(NoticeFinding(std::move(r), "failed", diagnostic));
  }
  return true;
}

}  // namespace rebound::formats
