// An unidentified MTA ("Mail Deliver System"): "---The following addresses
// had delivery errors---" then one "addr [reason]" line per recipient. A
// "Warning--Could not send mail for past N hours" Subject is a delay notice.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeX1(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "mailer-daemon")) return false;
  std::string_view text = FirstTextBody(m);
  size_t start = text.find("---The following addresses had delivery errors---");
  if (start == std::string::npos) return false;
  bool warning = StartsWithIgnoreCase(m.Subject(), "Warning");
  std::vector<std::string_view> lines = SplitLines(std::string_view(text).substr(start));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.empty()) {
      if (!report->findings.empty()) break;
      continue;
    }
    // "kijitora@example.co.jp [User unknown]"
    size_t lb = t.find(" [");
    Finding f;
    f.recipient = ExtractAddress(t.substr(0, lb));
    if (f.recipient.empty()) break;
    f.action = warning ? "delayed" : "failed";
    if (lb != std::string_view::npos && t.back() == ']')
      f.diagnostic = std::string(t.substr(lb + 2, t.size() - lb - 3));
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  report->format = "x1";
  report->evidence = "format: \"The following addresses had delivery errors\" notice";
  return true;
}

}  // namespace rebound::formats
