// RFC 3834 automatic responses (vacation, out of office): not bounces.
// Tried after every bounce format, since bounces are often marked
// "Auto-Submitted: auto-replied" as well.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;

namespace {

bool FromMailerDaemon(const message::HeaderBlock& h) {
  std::string from = message::ToLower(h.Unfolded("From"));
  return from.find("mailer-daemon") != std::string::npos || from.find("postmaster") != std::string::npos;
}

}  // namespace

bool DecodeRfc3834(const message::Message& m, Report* report) {
  const message::HeaderBlock& h = m.headers();
  std::string evidence;
  std::string_view auto_submitted = h.Raw("Auto-Submitted");
  if (message::StartsWithIgnoreCase(auto_submitted, "auto-replied")) {
    evidence = "Auto-Submitted: auto-replied";
  } else if (h.Has("X-Autoreply") || h.Has("X-Autorespond") || h.Has("X-Auto-Reply")) {
    evidence = "auto-reply header";
  } else if (message::EqualsIgnoreCase(h.Raw("Precedence"), "auto_reply")) {
    evidence = "Precedence: auto_reply";
  } else {
    const std::string& subject = m.Subject();
    static constexpr std::string_view kSubjects[] = {"auto:",      "automatic reply", "out of office", "autoreply",
                                                     "auto-reply", "auto reply",      "vacation"};
    for (std::string_view s : kSubjects) {
      if (FindIgnoreCase(subject, s) != std::string_view::npos) {
        evidence = "subject: " + std::string(s);
        break;
      }
    }
  }
  if (evidence.empty() || FromMailerDaemon(h)) return false;
  report->format = "rfc3834";
  report->evidence = "format: " + evidence;
  Finding f;
  f.cause = Cause::kVacation;
  f.cause_evidence = "cause: automatic reply";
  f.recipient = ExtractAddress(h.Unfolded("From"));
  report->findings.push_back(std::move(f));
  return true;
}

}  // namespace rebound::formats
