// Gmail's older plain-text notices: "Delivery to the following recipient
// failed permanently:" (or "has been delayed:"), the indented addresses,
// then "Technical details of permanent failure:" with the remote reply.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeGmail(const message::Message& m, Report* report) {
  std::string_view from = m.headers().Raw("From");
  if (FindIgnoreCase(from, "mailer-daemon@googlemail.com") == std::string_view::npos &&
      FindIgnoreCase(from, "mailer-daemon@gmail.com") == std::string_view::npos) {
    return false;
  }
  std::string_view body = FirstTextBody(m);
  std::vector<std::string_view> lines = SplitLines(body);
  std::vector<std::string> recipients;
  std::vector<std::string_view> details;
  bool delayed = false;
  enum { kNone, kRecipients, kDetails } state = kNone;
  for (std::string_view line : lines) {
    std::string_view t = Trim(line);
    if (t.starts_with("----- Original message -----") || t.starts_with("----- Message header follows")) break;
    if (StartsWithIgnoreCase(t, "Delivery to the following recipient")) {
      delayed = FindIgnoreCase(t, "delayed") != std::string_view::npos;
      state = kRecipients;
      continue;
    }
    if (StartsWithIgnoreCase(t, "Technical details of ")) {
      state = kDetails;
      continue;
    }
    if (state == kRecipients) {
      if (t.empty()) continue;
      if (t.find(' ') == std::string_view::npos && t.find('@') != std::string_view::npos) {
        recipients.push_back(ExtractAddress(t));
      } else {
        state = kNone;  // "Message will be retried for 2 more day(s)"
      }
    } else if (state == kDetails) {
      details.push_back(t);
    }
  }
  if (recipients.empty()) return false;

  std::string technical = JoinReplyLines(details);
  std::string diagnostic = technical;
  std::string remote;
  // "The error that the other server returned was: 550 5.1.1 ..."
  constexpr std::string_view kReturned = "The error that the other server returned was:";
  size_t at = FindIgnoreCase(technical, kReturned);
  if (at != std::string::npos) {
    diagnostic = std::string(Trim(std::string_view(technical).substr(at + kReturned.size())));
  }
  // "... rejected by the server for the recipient domain x by mx.x. [192.0.2.1]."
  size_t by = FindIgnoreCase(technical, "for the recipient domain ");
  if (by != std::string::npos) {
    size_t by2 = technical.find(" by ", by + 25);
    if (by2 != std::string::npos) {
      size_t end = message::FindFirstOf(technical, " [", by2 + 4);
      remote = technical.substr(by2 + 4, end == std::string::npos ? std::string::npos : end - by2 - 4);
      while (!remote.empty() && remote.back() == '.') remote.pop_back();
    }
  }
  report->format = "gmail";
  report->evidence = "format: gmail: \"Delivery to the following recipient\"";
  for (std::string& r : recipients) {
    if (r.empty()) continue;
    Finding f = NoticeFinding(std::move(r), delayed ? "delayed" : "failed", diagnostic);
    f.remote_mta = remote;
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

}  // namespace rebound::formats
