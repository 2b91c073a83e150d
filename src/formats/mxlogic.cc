// MX Logic (McAfee SaaS): an Exim-like "Mail delivery failed" from
// mxlogic.net (X-MX-Bounce, X-MXL-NoteHash) listing "<addr>: <reply>"
// blocks after "The following address failed:".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeMxLogic(const message::Message& m, Report* report) {
  if (!m.headers().Has("X-MX-Bounce") && !m.headers().Has("X-MXL-NoteHash") &&
      !HeaderContains(m, "From", "mxlogic.net") && !HeaderContains(m, "Received", "(mxl_mta-")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  size_t start = FindIgnoreCase(text, "following address");
  if (start == std::string::npos) return false;
  std::vector<std::string_view> lines = SplitLines(std::string_view(text).substr(start));
  std::vector<std::string_view> reply;
  Finding* current = nullptr;
  auto flush = [&] {
    if (current == nullptr) return;
    current->diagnostic = JoinReplyLines(reply);
    current->command = SmtpCommandIn(current->diagnostic);
    FillCodesFromDiagnostic(current);
    reply.clear();
    current = nullptr;
  };
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (FindIgnoreCase(t, "included is a copy of the message") != std::string_view::npos || t.starts_with("------")) {
      break;
    }
    if (t.empty()) {
      flush();
      continue;
    }
    // A block starts with "<addr>:" (or "addr:") at its head.
    if (current == nullptr) {
      size_t colon = t.find(">:");
      size_t head_end = colon == std::string_view::npos ? t.find(':') : colon + 1;
      std::string addr = ExtractAddress(t.substr(0, head_end == std::string_view::npos ? t.size() : head_end));
      if (addr.empty()) continue;
      Finding f;
      f.recipient = addr;
      f.action = "failed";
      report->findings.push_back(std::move(f));
      current = &report->findings.back();
      if (head_end != std::string_view::npos) reply.push_back(Trim(t.substr(head_end + 1)));
    } else {
      reply.push_back(t);
    }
  }
  flush();
  if (report->findings.empty()) return false;
  report->format = "mxlogic";
  report->evidence = "format: MX Logic notice";
  return true;
}

}  // namespace rebound::formats
