// Apache James: "Error message below:" then the remote reply, and
// "Message details:" listing the envelope ("RCPT TO: a@b"). James is a
// Java server: its Message-ID holds ".JavaMail.", its Received lines
// "JAMES SMTP Server", and its own bounces are titled "[BOUNCE]".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeApacheJames(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Message-ID", ".javamail.") && !HeaderContains(m, "Received", "james smtp server") &&
      m.Subject() != "[BOUNCE]") {
    return false;
  }
  // James writes a nested multipart whose boundary parameter sits on an
  // unfolded line, so the parser reads it as text: search the whole message.
  std::string_view text = FirstTextBody(m);
  if (text.find("Error message below:") == std::string_view::npos) text = m.bytes();
  std::vector<std::string_view> lines = SplitLines(text);
  std::vector<std::string_view> reply;
  std::vector<std::string> recipients;
  enum { kNone, kError, kDetails } section = kNone;
  for (std::string_view line : lines) {
    std::string_view t = Trim(line);
    if (StartsWithIgnoreCase(t, "Error message below:")) {
      section = kError;
      continue;
    }
    if (StartsWithIgnoreCase(t, "Message details:")) {
      section = kDetails;
      continue;
    }
    if (section == kError) {
      if (t.empty()) {
        if (!reply.empty()) section = kNone;
        continue;
      }
      reply.push_back(t);
    } else if (section == kDetails && StartsWithIgnoreCase(t, "RCPT TO:")) {
      std::string a = ExtractAddress(t.substr(8));
      if (!a.empty()) recipients.push_back(std::move(a));
    }
  }
  if (recipients.empty() || reply.empty()) return false;
  std::string diagnostic = JoinReplyLines(reply);
  for (std::string& r : recipients) {
    report->findings.push_back(NoticeFinding(std::move(r), "failed", diagnostic));
  }
  report->format = "apachejames";
  report->evidence = "format: apachejames: \"Error message below:\" and \"Message details:\"";
  return true;
}

}  // namespace rebound::formats
