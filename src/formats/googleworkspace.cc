// Google Workspace's "** Message not delivered **" notice: a paragraph
// explaining the failure and "The response was:" with the server's (or
// Gmail's own) reply; its delivery-status part may be empty.
#include <algorithm>

#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;

bool DecodeGoogleWorkspace(const message::Message& m, Report* report) {
  const message::HeaderBlock& h = m.headers();
  if (FindIgnoreCase(h.Raw("From"), "mailer-daemon@googlemail.com") == std::string_view::npos) return false;
  std::string_view body = FirstTextBody(m);
  size_t start = body.find("** Message not delivered **");
  if (start == std::string::npos) return false;
  std::string_view text = std::string_view(body).substr(start + 27);
  std::string diagnostic;
  size_t resp = FindIgnoreCase(text, "The response was:");
  if (resp != std::string_view::npos) {
    std::string_view rest = text.substr(resp + 17);
    size_t end = rest.find("\n\n", message::FindFirstNotOf(rest, " \t\n"));
    diagnostic = JoinReplyLines(rest.substr(0, end));
  } else {
    std::string_view rest = text.substr(std::min(text.size(), message::FindFirstNotOf(text, " \t\n")));
    diagnostic = JoinReplyLines(rest.substr(0, rest.find("\n\n")));
  }

  // With delivery-status fields, they give recipients, action and status;
  // the notice's text is the better diagnostic.
  Report dsn;
  if (DecodeDsnGroups(m, &dsn)) {
    report->format = "googleworkspace";
    report->evidence = "format: googleworkspace: \"** Message not delivered **\" with delivery-status";
    for (Finding& f : dsn.findings) {
      if (f.diagnostic.empty()) f.diagnostic = diagnostic;
      FillCodesFromDiagnostic(&f);
      report->findings.push_back(std::move(f));
    }
    return true;
  }
  std::vector<std::string> recipients;
  // With an empty delivery-status part the returned original's To: names
  // the recipient more reliably than X-Failed-Recipients (which may hold a
  // group or alias the message was sent through).
  if (recipients.empty() && m.original_headers() != nullptr) {
    std::string r = ExtractAddress(m.original_headers()->Unfolded("To"));
    if (!r.empty()) recipients.push_back(r);
  }
  if (recipients.empty()) {
    std::string r = ExtractAddress(h.Unfolded("X-Failed-Recipients"));
    if (!r.empty()) recipients.push_back(r);
  }
  if (recipients.empty()) return false;
  report->format = "googleworkspace";
  report->evidence = "format: googleworkspace: \"** Message not delivered **\"";
  for (std::string& r : recipients) {
    report->findings.push_back(NoticeFinding(std::move(r), "failed", diagnostic));
  }
  return true;
}

}  // namespace rebound::formats
