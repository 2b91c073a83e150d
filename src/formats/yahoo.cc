// Yahoo! Mail's "Failure Notice": qmail's block layout ("<a@b>:", "Remote
// host said:") with the failed command marked as "[RCPT_TO]".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeYahoo(const message::Message& m, Report* report) {
  const std::string& subject = m.Subject();
  if (!message::EqualsIgnoreCase(subject, "Failure Notice")) return false;
  constexpr std::string_view kStart = "Sorry, we were unable to deliver your message to the following address";
  std::string_view body = FirstTextBody(m);
  if (message::FindIgnoreCase(body, kStart) == std::string::npos) return false;
  if (!ParseQmailNotice(body, kStart, report)) return false;
  report->format = "yahoo";
  report->evidence = "format: yahoo: \"Sorry, we were unable to deliver your message\"";
  return true;
}

}  // namespace rebound::formats
