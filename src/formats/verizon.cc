// Verizon Wireless: bounces of mail to its SMS and MMS gateways. vtext.com
// writes "Error: <reason>", "Error message below:" and the reply, with the
// envelope in "Message details:" (RCPT TO: addr); the MMSC (vzwpix.com)
// writes "Message could not be delivered to mobile." and "Error: ...", with
// the recipient in the quoted "Original Message:" To line.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeVerizon(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "vtext.com") && !HeaderContains(m, "From", "vzwpix.com")) return false;
  std::string_view text = FirstTextBody(m);
  // vtext.com folds the inner Content-Type badly, losing its boundary:
  // then no text part is found and the raw body is read instead.
  if (text.empty()) text = m.root().body;
  std::vector<std::string_view> lines = SplitLines(text);
  Finding f;
  f.action = "failed";
  std::string error;
  bool mmsc = false;
  bool in_original = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (FindIgnoreCase(t, "message could not be delivered to mobile") != std::string_view::npos) {
      mmsc = true;
    } else if (StartsWithIgnoreCase(t, "Error message below:")) {
      std::vector<std::string_view> reply;
      for (size_t j = i + 1; j < lines.size() && !Trim(lines[j]).empty(); ++j) reply.push_back(Trim(lines[j]));
      f.diagnostic = JoinReplyLines(reply);
    } else if (StartsWithIgnoreCase(t, "Error:") && error.empty()) {
      error = std::string(Trim(t.substr(6)));
    } else if (StartsWithIgnoreCase(t, "RCPT TO:")) {
      f.recipient = ExtractAddress(t.substr(8));
    } else if (StartsWithIgnoreCase(t, "Original Message:")) {
      in_original = true;
    } else if (in_original && StartsWithIgnoreCase(t, "To:") && f.recipient.empty()) {
      f.recipient = ExtractAddress(t.substr(3));
    }
  }
  if (f.recipient.empty() || (error.empty() && f.diagnostic.empty())) return false;
  if (f.diagnostic.empty()) f.diagnostic = error;
  FillCodesFromDiagnostic(&f);
  // The MMSC's fixed sentence: the number has no MMS recipient.
  if (mmsc && FindIgnoreCase(error, "no valid recipients for this mm") != std::string::npos) {
    f.cause = Cause::kUserUnknown;
    f.cause_evidence = "cause: Verizon MMSC template: " + error;
  }
  report->format = "verizon";
  report->evidence = mmsc ? "format: Verizon MMSC notice" : "format: Verizon (vtext.com) notice";
  report->findings.push_back(std::move(f));
  return true;
}

}  // namespace rebound::formats
