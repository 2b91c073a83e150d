// Sendmail 8's bounce: "The original message was received at ..." and
// "----- Transcript of session follows -----" around a delivery-status
// part. The DSN groups are the findings; the transcript's "<<<" reply,
// ">>>" command and "while talking to" host fill what the groups lack.
#include <map>

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
  // What the transcript says of each recipient: "<a@b>... Deferred:
  // Connection refused by mx.example.org." with the reply lines written
  // before it ("454 4.7.0 encryption too weak 0 less than 112"), which is
  // all a deferral or expiry notice says when its DSN has no Diagnostic-Code.
  std::map<std::string, std::string> said;
  std::vector<std::string_view> pending;
  size_t start = FindIgnoreCase(body, "----- Transcript of session follows -----");
  if (start != std::string::npos) {
    for (std::string_view line : SplitLines(std::string_view(body).substr(start + 41))) {
      std::string_view t = Trim(line);
      if (t.starts_with("-----")) break;
      if (size_t dots = t.find(">... "); t.starts_with("<") && dots != std::string_view::npos) {
        pending.push_back(Trim(t.substr(dots + 5)));
        std::string addr = ExtractAddress(t.substr(0, dots + 1));
        if (!addr.empty()) said[addr] = JoinReplyLines(pending);
        pending.clear();
        continue;
      }
      if (t.size() > 4 && (t[0] == '4' || t[0] == '5') && !LeadingReplyCode(t).empty()) pending.push_back(t);
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
    if (f.diagnostic.empty() && reply.empty()) {
      if (auto it = said.find(f.recipient); it != said.end()) {
        f.diagnostic = it->second;
        FillCodesFromDiagnostic(&f);
      }
    }
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
