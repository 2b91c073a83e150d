// An unidentified MTA: "There was an error sending your mail" with "We had
// trouble delivering your message. Full details follow:" and one sentence
// per failure, the reply in brackets at its end:
//   "The following recipients returned permanent errors: <addr>. Reason:
//    SMTP Server <host> refused to accept your message (DATA), with the
//    following error message: [554 5.4.6 ...]"
//   "SMTP Server <host> rejected recipient <addr> (Error following RCPT
//    command). It responded as follows: [550 5.1.1 User unknown]"
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeX6(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Subject", "there was an error sending your mail")) return false;
  std::string_view text = FirstTextBody(m);
  if (FindIgnoreCase(text, "we had trouble delivering your message") == std::string::npos) return false;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    size_t server = FindIgnoreCase(t, "smtp server <");
    if (server == std::string_view::npos || !t.ends_with(']')) continue;
    Finding f;
    f.action = "failed";
    size_t host_end = t.find('>', server);
    if (host_end != std::string_view::npos) f.remote_mta = std::string(t.substr(server + 13, host_end - server - 13));
    size_t rcpt = FindIgnoreCase(t, "rejected recipient <");
    if (rcpt != std::string_view::npos) {
      f.recipient = ExtractAddress(t.substr(rcpt + 19, t.find('>', rcpt) - rcpt - 18));
    } else if (size_t errs = FindIgnoreCase(t, "errors:"); errs != std::string_view::npos) {
      f.recipient = ExtractAddress(t.substr(errs + 7, server - errs - 7));
    }
    if (f.recipient.empty()) continue;
    size_t open = t.rfind('[');
    f.diagnostic = std::string(t.substr(open + 1, t.size() - open - 2));
    // "(DATA)" or "(Error following RCPT command)"
    size_t paren = t.find('(', host_end == std::string_view::npos ? 0 : host_end);
    if (paren != std::string_view::npos) {
      std::string_view p = t.substr(paren, t.find(')', paren) - paren + 1);
      for (std::string_view cmd : {"RCPT", "MAIL", "DATA", "EHLO", "HELO"}) {
        if (p.find(cmd) != std::string_view::npos) {
          f.command = std::string(cmd);
          break;
        }
      }
    }
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  report->format = "x6";
  report->evidence = "format: \"We had trouble delivering your message\" notice";
  return true;
}

}  // namespace rebound::formats
