// Active!Hunter (a Japanese mail filter): a multipart/report without a
// delivery-status part, whose text copies sendmail's notice: the recipients
// after "----- The following addresses had permanent fatal errors -----" as
// ">>> addr <addr>" lines, then the remote reply after "----- Transcript of
// session follows -----".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeActiveHunter(const message::Message& m, Report* report) {
  // Its MIME boundary and X-AHMAILID header are the product's own marks.
  if (!m.headers().Has("X-AHMAILID") && !HeaderContains(m, "Content-Type", "active!hunter")) return false;
  std::string_view text = FirstTextBody(m);
  if (FindIgnoreCase(text, "the following addresses had permanent fatal errors") == std::string::npos) return false;

  std::vector<std::string> recipients;
  std::vector<std::string_view> transcript;
  enum { kNone, kRecipients, kTranscript } section = kNone;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (t.starts_with("-----")) {
      if (FindIgnoreCase(t, "following addresses") != std::string_view::npos) {
        section = kRecipients;
      } else if (FindIgnoreCase(t, "transcript of session") != std::string_view::npos) {
        section = kTranscript;
      } else {
        section = kNone;
      }
      continue;
    }
    if (section == kRecipients && t.starts_with(">>>")) {
      std::string addr = ExtractAddress(t.substr(3));
      if (!addr.empty()) recipients.push_back(addr);
    } else if (section == kTranscript) {
      if (t.empty()) {
        if (!transcript.empty()) section = kNone;
        continue;
      }
      transcript.push_back(t);
    }
  }
  if (recipients.empty()) return false;

  report->format = "activehunter";
  report->evidence = "format: Active!Hunter notice";
  std::string diagnostic = JoinReplyLines(transcript);
  for (std::string& r : recipients) {
    Finding f = NoticeFinding(std::move(r), "failed", diagnostic);
    f.command = SmtpCommandIn(diagnostic);
    report->findings.push_back(std::move(f));
  }
  return true;
}

}  // namespace rebound::formats
