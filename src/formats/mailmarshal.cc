// MailMarshal (Trustwave SEG): "Undeliverable Mail: <subject>" reading
// "Could not be delivered because of" the reply, "The following recipients
// were affected:" the addresses, and an "Additional Information" block with
// the Remote-MTA.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

bool DecodeMailMarshal(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Received", "mailmarshal") && !HeaderContains(m, "Subject", "undeliverable mail:")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  if (FindIgnoreCase(text, "could not be delivered because of") == std::string::npos) return false;
  std::vector<std::string> recipients;
  std::vector<std::string_view> reason;
  std::string remote;
  enum { kNone, kReason, kRecipients, kInfo } section = kNone;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (FindIgnoreCase(t, "could not be delivered because of") != std::string_view::npos) {
      section = kReason;
    } else if (FindIgnoreCase(t, "the following recipients were affected") != std::string_view::npos) {
      section = kRecipients;
    } else if (StartsWithIgnoreCase(t, "Additional Information")) {
      section = kInfo;
    } else if (section == kReason && !t.empty()) {
      reason.push_back(t);
    } else if (section == kRecipients && !t.empty()) {
      std::string addr = ExtractAddress(t);
      if (!addr.empty()) recipients.push_back(addr);
    } else if (section == kInfo && StartsWithIgnoreCase(t, "Remote-MTA:")) {
      std::string_view v = Trim(t.substr(11));
      if (v.starts_with('<') && v.ends_with('>')) v = v.substr(1, v.size() - 2);
      remote = std::string(v);
    }
  }
  if (recipients.empty()) return false;
  report->format = "mailmarshal";
  report->evidence = "format: MailMarshal notice";
  std::string diagnostic = JoinReplyLines(reason);
  for (std::string& r : recipients) {
    Finding f = NoticeFinding(std::move(r), "failed", diagnostic);
    f.remote_mta = remote;
    report->findings.push_back(std::move(f));
  }
  return true;
}

}  // namespace rebound::formats
