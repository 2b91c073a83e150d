// Sendmail 8's bounce: "The original message was received at ..." and
// "----- Transcript of session follows -----" around a delivery-status
// part. The DSN groups are the findings; the transcript's "<<<" reply,
// ">>>" command and "while talking to" host fill what the groups lack.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeSendmail(const message::Message& m, Report* report) {
  const std::string& subject = m.Subject();
  if (!StartsWithIgnoreCase(subject, "Returned mail:") && !StartsWithIgnoreCase(subject, "Warning: could not send")) {
    return false;
  }
  if (m.delivery_status().recipients.empty()) return false;
  std::string_view body = FirstTextBody(m);
  if (FindIgnoreCase(body, "----- Transcript of session follows -----") == std::string::npos &&
      FindIgnoreCase(body, "The original message was received at") == std::string::npos) {
    return false;
  }
  if (!DecodeDsnGroups(m, report)) return false;
  // The transcript, for one-recipient notices (the usual case) or for the
  // recipient the "<<<" reply names.
  std::string host, command, reply;
  size_t start = FindIgnoreCase(body, "----- Transcript of session follows -----");
  if (start != std::string::npos) {
    for (std::string_view line : SplitLines(std::string_view(body).substr(start + 41))) {
      std::string_view t = Trim(line);
      if (t.starts_with("-----")) break;
      size_t talk = FindIgnoreCase(t, "while talking to ");
      if (talk != std::string_view::npos) {
        host = std::string(Trim(t.substr(talk + 17)));
        if (!host.empty() && host.back() == ':') host.pop_back();
        host = host.substr(0, message::FindFirstOf(host, " ["));
        if (!host.empty() && host.back() == '.') host.pop_back();
      } else if (t.starts_with(">>> ")) {
        command = SmtpCommandIn(t.substr(4));
      } else if (t.starts_with("<<< ")) {
        if (!reply.empty()) reply += '\n';
        reply += t.substr(4);
      }
    }
  }
  for (Finding& f : report->findings) {
    bool mine = report->findings.size() == 1 || reply.find(f.recipient) != std::string::npos;
    if (!mine) continue;
    if (f.diagnostic.empty()) f.diagnostic = JoinReplyLines(reply);
    if (f.remote_mta.empty()) f.remote_mta = host;
    if (f.command.empty()) f.command = command;
    FillCodesFromDiagnostic(&f);
  }
  report->format = "sendmail";
  report->evidence = "format: sendmail: \"Returned mail\" with a transcript and delivery-status part";
  return true;
}

}  // namespace rebound::formats
