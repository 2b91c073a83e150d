// RFC 5965 Abuse Reporting Format: a spam complaint, not a bounce.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeArf(const message::Message& m, Report* report) {
  const message::FieldGroup& fr = m.feedback_report();
  if (fr.empty()) return false;
  report->format = "arf";
  report->evidence = "format: message/feedback-report part";
  Finding f;
  f.cause = Cause::kFeedback;
  f.cause_evidence = "cause: feedback report";
  f.feedback_type = message::ToLower(message::Trim(fr.Unfolded("Feedback-Type")));
  f.recipient = ExtractAddress(fr.Unfolded("Original-Rcpt-To"));
  if (f.recipient.empty()) f.recipient = ExtractAddress(fr.Unfolded("Removal-Recipient"));
  if (f.recipient.empty() && m.original_headers() != nullptr) {
    f.recipient = ExtractAddress(m.original_headers()->Unfolded("To"));
  }
  report->findings.push_back(std::move(f));
  return true;
}

}  // namespace rebound::formats
