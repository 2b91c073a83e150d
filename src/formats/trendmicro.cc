// Trend Micro InterScan (MSS, VirusWall): a multipart/mixed notice with the
// "InterScan_NT_MIME_Boundary" boundary. It quotes the session ("Sent <<<
// RCPT TO:<addr>", "Received >>> 550 ...") or writes "Unable to deliver
// message to <addr> (and other recipients in the same domain)."
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeTrendMicro(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Content-Type", "interscan_nt_mime_boundary") && !HeaderContains(m, "From", "interscan") &&
      !HeaderContains(m, "Received", "interscan messaging security suite")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  std::vector<std::string_view> lines = SplitLines(text);
  std::string command;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (StartsWithIgnoreCase(t, "Sent <<<")) {
      std::string_view cmd = Trim(t.substr(8));
      command = SmtpCommandIn(cmd);
      if (command == "RCPT") {
        Finding f;
        f.recipient = ExtractAddress(cmd);
        f.action = "failed";
        f.command = command;
        report->findings.push_back(std::move(f));
      } else if (!report->findings.empty() && report->findings.back().diagnostic.empty()) {
        report->findings.back().command = command;
      }
    } else if (StartsWithIgnoreCase(t, "Received >>>")) {
      if (!report->findings.empty() && report->findings.back().diagnostic.empty()) {
        report->findings.back().diagnostic = std::string(Trim(t.substr(12)));
      }
    } else if (size_t at = FindIgnoreCase(t, "unable to deliver message to "); at != std::string_view::npos) {
      Finding f;
      f.recipient = ExtractAddress(t.substr(at + 29));
      f.action = "failed";
      // The notice has no reply: its own sentence (and the Reason label) is the text.
      std::string_view d = t;
      if (StartsWithIgnoreCase(d, "Reason:")) d = Trim(d.substr(7));
      f.diagnostic = std::string(d);
      report->findings.push_back(std::move(f));
    }
  }
  std::erase_if(report->findings, [](const Finding& f) { return f.recipient.empty(); });
  if (report->findings.empty()) return false;
  for (Finding& f : report->findings) FillCodesFromDiagnostic(&f);
  report->format = "trendmicro";
  report->evidence = "format: Trend Micro InterScan notice";
  return true;
}

}  // namespace rebound::formats
