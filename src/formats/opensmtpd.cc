// OpenSMTPD's "Delivery status notification": "This is the MAILER-DAEMON,
// please DO NOT REPLY" then one "a@b: reason" line per recipient; newer
// versions add a message/delivery-status part, whose groups are used and
// completed with the reason lines.
#include <map>

#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeOpenSmtpd(const message::Message& m, Report* report) {
  const std::string& subject = m.Subject();
  if (!StartsWithIgnoreCase(subject, "Delivery status notification")) return false;
  std::string_view body = FirstTextBody(m);
  if (FindIgnoreCase(body, "This is the MAILER-DAEMON, please DO NOT REPLY") == std::string::npos) return false;
  bool delayed = FindIgnoreCase(body, "A message is delayed") != std::string::npos;

  // "a@b: 550 5.1.1 ..." lines after "... list of recipients:".
  std::vector<std::pair<std::string, std::string>> lines_found;
  bool in = false;
  for (std::string_view line : SplitLines(body)) {
    std::string_view t = Trim(line);
    if (FindIgnoreCase(t, "list of recipients:") != std::string_view::npos) {
      in = true;
      continue;
    }
    if (!in || t.empty()) continue;
    if (StartsWithIgnoreCase(t, "Below is a copy") || StartsWithIgnoreCase(t, "Please note")) break;
    size_t colon = t.find(": ");
    if (colon == std::string_view::npos) {
      // A reason wrapped onto the next line.
      if (!lines_found.empty()) lines_found.back().second += " " + std::string(t);
      continue;
    }
    std::string r = ExtractAddress(t.substr(0, colon));
    if (r.empty()) continue;
    lines_found.emplace_back(r, std::string(Trim(t.substr(colon + 2))));
  }

  bool from_dsn = DecodeDsnGroups(m, report);
  report->format = "opensmtpd";
  report->evidence = "format: opensmtpd: \"This is the MAILER-DAEMON, please DO NOT REPLY\"";
  if (from_dsn) {
    for (Finding& f : report->findings) {
      for (const auto& [r, reason] : lines_found) {
        if (r != f.recipient) continue;
        if (f.diagnostic.empty()) f.diagnostic = JoinReplyLines(reason);
        FillCodesFromDiagnostic(&f);
      }
    }
    return true;
  }
  for (auto& [r, reason] : lines_found) {
    report->findings.push_back(NoticeFinding(r, delayed ? "delayed" : "failed", JoinReplyLines(reason)));
  }
  return !report->findings.empty();
}

}  // namespace rebound::formats
