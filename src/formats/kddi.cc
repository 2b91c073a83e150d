// KDDI (au one net, DION): a multipart/mixed notice from the carrier's
// servers (auone-net.jp, dion.ne.jp) whose text ends with the English
// template "Your mail sent on: <date> Could not be delivered to: <addr>"
// followed by the reason: "As their mailbox is full.", ...
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeKddi(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", ".dion.ne.jp") && !HeaderContains(m, "From", "auone-net.jp") &&
      !HeaderContains(m, "Reply-To", "auone-net.jp") && !HeaderContains(m, "Received", ".auone-net.jp")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    size_t at = FindIgnoreCase(t, "could not be delivered to:");
    if (at == std::string_view::npos) continue;
    Finding f;
    f.recipient = ExtractAddress(t.substr(at + 26));
    if (f.recipient.empty()) continue;
    f.action = "failed";
    std::vector<std::string_view> reason;
    for (size_t j = i + 1; j < lines.size() && !Trim(lines[j]).empty(); ++j) reason.push_back(Trim(lines[j]));
    f.diagnostic = JoinReplyLines(reason);
    FillCodesFromDiagnostic(&f);  // KDDI's fixed reasons are format rules (rules/formats.tsv)
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  report->format = "kddi";
  report->evidence = "format: KDDI (au one net) notice";
  return true;
}

}  // namespace rebound::formats
