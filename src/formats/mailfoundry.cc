// MailFoundry: "Message delivery has failed", a multipart/mixed notice
// (Received "(MAILFOUNDRY)") reading "Unable to deliver message to: <addr>",
// "Delivery failed for the following reason:" and the remote host's reply.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeMailFoundry(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Received", "(mailfoundry)")) return false;
  std::string_view text = FirstTextBody(m);
  std::vector<std::string_view> lines = SplitLines(text);
  Finding* current = nullptr;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    size_t at = FindIgnoreCase(t, "unable to deliver message to:");
    if (at != std::string_view::npos) {
      Finding f;
      f.recipient = ExtractAddress(t.substr(at + 29));
      f.action = "failed";
      report->findings.push_back(std::move(f));
      current = &report->findings.back();
      continue;
    }
    if (current == nullptr || FindIgnoreCase(t, "delivery failed for the following reason") == std::string_view::npos) {
      continue;
    }
    std::vector<std::string_view> reason;
    for (size_t j = i + 1; j < lines.size() && !Trim(lines[j]).empty(); ++j) reason.push_back(Trim(lines[j]));
    std::string joined = JoinReplyLines(reason);
    // "Server host[ip] failed with: 550 ..." / "host[ip] responded with failure: 552 ..."
    std::string_view d = joined;
    for (std::string_view mark : {"failed with:", "responded with failure:"}) {
      size_t p = FindIgnoreCase(d, mark);
      if (p == std::string_view::npos) continue;
      std::string_view host = Trim(d.substr(0, p));
      if (host.starts_with("Server ")) host = host.substr(7);
      current->remote_mta = std::string(host.substr(0, host.find('[')));
      d = Trim(d.substr(p + mark.size()));
      break;
    }
    current->diagnostic = std::string(d);
    FillCodesFromDiagnostic(current);
  }
  std::erase_if(report->findings, [](const Finding& f) { return f.recipient.empty(); });
  if (report->findings.empty()) return false;
  report->format = "mailfoundry";
  report->evidence = "format: MailFoundry notice (Received)";
  return true;
}

}  // namespace rebound::formats
