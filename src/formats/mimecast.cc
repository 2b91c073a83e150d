// Mimecast: "[Postmaster] Email Delivery Failure" (X-MC-System,
// X-Mimecast-* headers) whose text gives the recipient, Mimecast's summary
// and the remote reply as "-- " lines after fixed sentences: "could not be
// delivered", "The problem appears to be :", "Additional information
// follows :".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeMimecast(const message::Message& m, Report* report) {
  if (!m.headers().Has("X-MC-System") && !m.headers().Has("X-Mimecast-Originator") &&
      !m.headers().Has("X-Mimecast-Spam-Score")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  std::vector<std::string> recipients;
  std::vector<std::string_view> info;
  std::string problem;
  enum { kNone, kRecipient, kProblem, kInfo } section = kNone;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (t.empty()) {
      if (section == kInfo && !info.empty()) section = kNone;
      continue;
    }
    if (t.starts_with("-- ")) {
      std::string_view v = Trim(t.substr(3));
      if (section == kRecipient) {
        std::string addr = ExtractAddress(v);
        if (!addr.empty()) recipients.push_back(addr);
      } else if (section == kProblem) {
        problem = std::string(v);
      } else if (section == kInfo) {
        info.push_back(v);
      }
      continue;
    }
    if (section == kInfo && !info.empty()) {
      info.push_back(t);  // a wrapped reply
    } else if (FindIgnoreCase(t, "the problem appears to be") != std::string_view::npos) {
      section = kProblem;
    } else if (FindIgnoreCase(t, "additional information follows") != std::string_view::npos) {
      section = kInfo;
    } else if (FindIgnoreCase(t, "could not be d") != std::string_view::npos ||
               FindIgnoreCase(t, "to email address") != std::string_view::npos ||
               FindIgnoreCase(t, "following address") != std::string_view::npos) {
      section = kRecipient;
    }
  }
  if (recipients.empty()) return false;
  report->format = "mimecast";
  report->evidence = "format: Mimecast delivery failure (X-MC-System)";
  std::string diagnostic = JoinReplyLines(info);
  if (diagnostic.empty()) diagnostic = problem;
  const message::DeliveryStatus& dsn = m.delivery_status();
  std::string remote =
      dsn.recipients.empty() ? std::string() : StripTypePrefix(dsn.recipients[0].Unfolded("Remote-MTA"));
  for (std::string& r : recipients) {
    Finding f = NoticeFinding(std::move(r), "failed", diagnostic);
    f.remote_mta = remote;
    f.command = SmtpCommandIn(diagnostic);
    report->findings.push_back(std::move(f));
  }
  return true;
}

}  // namespace rebound::formats
