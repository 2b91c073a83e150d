// m-FILTER (Digital Arts): "failure notice" in Japanese whose sections are
// marked "-------server message", "-------SMTP command" and
// "-------original message" (or "-------original mail info"); the
// recipients are the address lines before the server message.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::Trim;

bool DecodeMfilter(const message::Message& m, Report* report) {
  bool mailer = HeaderContains(m, "X-Mailer", "m-filter");
  if (!mailer && !HeaderContains(m, "Subject", "failure notice")) return false;
  std::string_view text = FirstTextBody(m);
  if (text.find("-------server message") == std::string::npos) return false;
  std::vector<std::string> recipients;
  std::vector<std::string_view> reply;
  std::string command;
  enum { kHead, kServer, kCommand, kDone } section = kHead;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (t.starts_with("-------")) {
      if (t.find("server message") != std::string_view::npos) {
        section = kServer;
      } else if (t.find("SMTP command") != std::string_view::npos) {
        section = kCommand;
      } else {
        section = kDone;
      }
      continue;
    }
    if (t.empty()) continue;
    if (section == kHead) {
      std::string addr = ExtractAddress(t);
      if (!addr.empty() && t.find(' ') == std::string_view::npos) recipients.push_back(addr);
    } else if (section == kServer) {
      reply.push_back(t);
    } else if (section == kCommand && command.empty()) {
      command = SmtpCommandIn(t);
      if (command.empty()) command = std::string(t.substr(0, t.find(' ')));
    } else if (section == kDone) {
      break;
    }
  }
  if (recipients.empty()) return false;
  report->format = "mfilter";
  report->evidence = mailer ? "format: m-FILTER notice (X-Mailer)" : "format: m-FILTER style notice";
  std::string diagnostic = JoinReplyLines(reply);
  for (std::string& r : recipients) {
    Finding f = NoticeFinding(std::move(r), "failed", diagnostic);
    f.command = command;
    report->findings.push_back(std::move(f));
  }
  return true;
}

}  // namespace rebound::formats
