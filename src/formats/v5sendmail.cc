// Sendmail V5 (and other sendmails with no DSN part): "----- Transcript of
// session follows -----" with "While talking to host:", ">>> command",
// "<<< reply" and one "554 <a@b>... reason" line per recipient, then
// "----- Unsent message follows -----".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeV5Sendmail(const message::Message& m, Report* report) {
  const std::string& subject = m.Subject();
  if (!StartsWithIgnoreCase(subject, "Returned mail:")) return false;
  if (!m.delivery_status().empty()) return false;
  std::string_view body = FirstTextBody(m);
  size_t start = FindIgnoreCase(body, "----- Transcript of session follows -----");
  if (start == std::string::npos) return false;
  std::string host, command, reply, last_line;
  for (std::string_view line : SplitLines(std::string_view(body).substr(start))) {
    std::string_view t = Trim(line);
    if (FindIgnoreCase(t, "----- Unsent message follows") != std::string_view::npos ||
        FindIgnoreCase(t, "----- Original message follows") != std::string_view::npos) {
      break;
    }
    if (t.empty() || t.starts_with("-----")) continue;
    if (StartsWithIgnoreCase(t, "While talking to ")) {
      host = std::string(Trim(t.substr(17)));
      if (!host.empty() && host.back() == ':') host.pop_back();
      command.clear();
      reply.clear();
      continue;
    }
    if (t.starts_with(">>> ")) {
      command = SmtpCommandIn(t.substr(4));
      continue;
    }
    if (t.starts_with("<<< ")) {
      if (!reply.empty()) reply += ' ';
      reply += t.substr(4);
      continue;
    }
    last_line = std::string(t);
    // "554 <a@b>... reason": one recipient.
    size_t dots = t.find("... ");
    if (dots == std::string_view::npos) continue;
    std::string_view who = t.substr(0, dots);
    size_t sp = who.find(' ');
    if (sp != std::string_view::npos) who = who.substr(sp + 1);
    std::string r = ExtractAddress(who);
    if (r.empty()) continue;
    Finding f;
    f.recipient = r;
    f.action = "failed";
    f.diagnostic = reply.empty() ? JoinReplyLines(t.substr(dots + 4)) : JoinReplyLines(reply);
    if (f.reply_code.empty()) f.reply_code = std::string(LeadingReplyCode(t));
    f.remote_mta = host;
    f.command = command;
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
    reply.clear();
  }
  // Only a host-level line ("421 example.com (smtp)... Deferred: ..."): the
  // returned original names the recipient.
  if (report->findings.empty() && !last_line.empty() && m.original_headers() != nullptr) {
    Finding f;
    f.recipient = ExtractAddress(m.original_headers()->Unfolded("To"));
    if (f.recipient.empty()) return false;
    f.action = "failed";
    f.diagnostic = last_line;
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  report->format = "v5sendmail";
  report->evidence = "format: v5sendmail: \"----- Transcript of session follows -----\" without DSN";
  return true;
}

}  // namespace rebound::formats
