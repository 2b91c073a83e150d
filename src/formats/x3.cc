// An unidentified MTA ("Mail Delivery System <Mail.Delivery.System@...>"):
// "This is an automatically generated Delivery Status Notification." framed
// by "====" rules, "Delivery to the following recipients failed
// permanently:" (or "was aborted after N hour(s):", a retry timeout) with
// "* addr" lines, then "Technical details:" such as "SMTP:RCPT host
// 192.0.2.8: 553 5.3.0 ...".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeX3(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Subject", "delivery status notification")) return false;
  std::string_view text = FirstTextBody(m);
  if (FindIgnoreCase(text, "this is an automatically generated delivery status notification") == std::string::npos) {
    return false;
  }
  std::vector<std::string> recipients;
  std::vector<std::string_view> details;
  bool aborted = false;
  enum { kNone, kRecipients, kDetails } section = kNone;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (t.starts_with("=====")) {
      if (section == kDetails) break;
      continue;
    }
    // "Delivery" is misspelt "Delevery" in some versions: key on the rest.
    if (FindIgnoreCase(t, "to the following recipients") != std::string_view::npos) {
      section = kRecipients;
      aborted = FindIgnoreCase(t, "was aborted after") != std::string_view::npos;
    } else if (message::EqualsIgnoreCase(t, "Technical details:")) {
      section = kDetails;
    } else if (section == kRecipients && t.starts_with("* ")) {
      std::string addr = ExtractAddress(t.substr(2));
      if (!addr.empty()) recipients.push_back(addr);
    } else if (section == kDetails && !t.empty()) {
      details.push_back(t);
    }
  }
  if (recipients.empty()) return false;
  report->format = "x3";
  report->evidence = "format: \"automatically generated Delivery Status Notification\" notice";
  std::string joined = JoinReplyLines(details);
  std::string_view d = joined;
  std::string command, remote;
  // "SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@b>... No such user here"
  if (StartsWithIgnoreCase(d, "SMTP:")) {
    size_t sp = d.find(' ');
    command = std::string(d.substr(5, sp - 5));
    size_t host = FindIgnoreCase(d, " host ");
    size_t colon = d.find(": ", host == std::string_view::npos ? 0 : host);
    if (host != std::string_view::npos && colon != std::string_view::npos) {
      remote = std::string(d.substr(host + 6, colon - host - 6));
      d = d.substr(colon + 2);
    }
  }
  for (std::string& r : recipients) {
    Finding f = NoticeFinding(std::move(r), "failed", std::string(d));
    f.command = command;
    f.remote_mta = remote;
    if (aborted) {
      f.cause = Cause::kExpired;
      f.cause_evidence = "cause: delivery aborted after the retry period";
    }
    report->findings.push_back(std::move(f));
  }
  return true;
}

}  // namespace rebound::formats
