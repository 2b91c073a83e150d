// DragonFly Mail Agent (dma): "This is the DragonFly Mail Agent ..." then
// "There was an error delivering your mail to <a@b>." and the host's reply
// ("host [ip] did not like our RCPT TO:"), one recipient per notice.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeDragonFly(const message::Message& m, Report* report) {
  const std::string& subject = m.Subject();
  if (!message::EqualsIgnoreCase(subject, "Mail delivery failed")) return false;
  std::string_view body = FirstTextBody(m);
  if (FindIgnoreCase(body, "This is the DragonFly Mail Agent") == std::string::npos) return false;
  std::vector<std::string_view> lines = SplitLines(body);
  Finding f;
  f.action = "failed";
  std::vector<std::string_view> reply;
  bool in = false;
  for (std::string_view line : lines) {
    std::string_view t = Trim(line);
    if (StartsWithIgnoreCase(t, "Message headers follow") || StartsWithIgnoreCase(t, "Original message follows")) {
      break;
    }
    if (StartsWithIgnoreCase(t, "There was an error delivering your mail to")) {
      f.recipient = ExtractAddress(t.substr(42));
      in = true;
      continue;
    }
    if (!in || t.empty()) continue;
    size_t dnl = t.find(" did not like our ");
    if (dnl != std::string_view::npos && reply.empty()) {
      std::string_view host = t.substr(0, dnl);
      f.remote_mta = std::string(host.substr(0, host.find(' ')));
      f.command = SmtpCommandIn(t.substr(dnl));
      continue;
    }
    reply.push_back(t);
  }
  if (f.recipient.empty()) return false;
  f.diagnostic = JoinReplyLines(reply);
  FillCodesFromDiagnostic(&f);
  report->format = "dragonfly";
  report->evidence = "format: dragonfly: \"This is the DragonFly Mail Agent\"";
  report->findings.push_back(std::move(f));
  return true;
}

}  // namespace rebound::formats
