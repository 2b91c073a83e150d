// RFC 3834 automatic responses (vacation, out of office): not bounces.
// Tried after every bounce format, since bounces are often marked
// "Auto-Submitted: auto-replied" as well.
#include "formats/formats.h"
#include "formats/language.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

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
  } else if (std::string said = FindWording(Wording::kAutoReplySubject, m.Subject()); !said.empty()) {
    evidence = "subject: " + said;  // rules/autoreply.tsv, in many languages
  }
  // A challenge-response or sender-verification request asks the sender to
  // prove a person wrote: an automatic answer, not a bounce, whoever sends it.
  std::string challenge = FindWording(Wording::kChallenge, FirstTextBody(m).substr(0, 4096));
  if (challenge.empty()) challenge = FindWording(Wording::kChallenge, m.Subject());
  if (!challenge.empty()) {
    evidence = "challenge-response request: " + challenge;
  } else if (FromMailerDaemon(h)) {
    return false;
  } else if (evidence.empty()) {
    if (std::string said = FindWording(Wording::kAutoReplyBody, FirstTextBody(m).substr(0, 2048)); !said.empty()) {
      evidence = "text: " + said;
    }
  }
  if (evidence.empty()) return false;
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
