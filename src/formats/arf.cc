// Complaints, which are not bounces: RFC 5965 Abuse Reporting Format, the
// Microsoft JMRP reports that attach the message with the complaining
// recipient in X-HmXmrOriginalRecipient, and Apple Mail's unsubscribe
// requests (X-Apple-Unsubscribe).
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

Finding Complaint(std::string recipient, std::string feedback_type, std::string evidence) {
  Finding f;
  f.cause = Cause::kFeedback;
  f.cause_evidence = std::move(evidence);
  f.recipient = std::move(recipient);
  f.feedback_type = std::move(feedback_type);
  return f;
}

bool DecodeReport(const message::Message& m, Report* report) {
  const message::FieldGroup& fr = m.feedback_report();
  if (fr.empty()) return false;
  report->format = "arf";
  report->evidence = "format: message/feedback-report part";
  std::string type = message::ToLower(message::Trim(fr.Unfolded("Feedback-Type")));
  // One complaint per reported recipient.
  for (const message::HeaderField& field : fr) {
    if (!message::EqualsIgnoreCase(field.name, "Original-Rcpt-To")) continue;
    std::string rcpt = ExtractAddress(message::Unfold(field.value));
    if (!rcpt.empty()) report->findings.push_back(Complaint(rcpt, type, "cause: feedback report"));
  }
  if (report->findings.empty()) {
    std::string rcpt = ExtractAddress(fr.Unfolded("Removal-Recipient"));
    if (rcpt.empty() && m.original_headers() != nullptr) {
      rcpt = ExtractAddress(m.original_headers()->Unfolded("To"));
    }
    report->findings.push_back(Complaint(rcpt, type, "cause: feedback report"));
  }
  return true;
}

bool DecodeJmrp(const message::Message& m, Report* report) {
  const message::HeaderBlock* original = m.original_headers();
  if (original == nullptr) return false;
  std::string rcpt = ExtractAddress(original->Unfolded("X-HmXmrOriginalRecipient"));
  if (rcpt.empty()) return false;
  report->format = "arf";
  report->evidence = "format: JMRP complaint (X-HmXmrOriginalRecipient)";
  report->findings.push_back(Complaint(rcpt, "abuse", "cause: JMRP complaint"));
  return true;
}

bool DecodeUnsubscribe(const message::Message& m, Report* report) {
  if (!message::EqualsIgnoreCase(m.headers().Raw("X-Apple-Unsubscribe"), "true")) return false;
  report->format = "arf";
  report->evidence = "format: X-Apple-Unsubscribe request";
  report->findings.push_back(
      Complaint(ExtractAddress(m.headers().Unfolded("From")), "opt-out", "cause: unsubscribe request"));
  return true;
}

}  // namespace

bool DecodeArf(const message::Message& m, Report* report) {
  return DecodeReport(m, report) || DecodeJmrp(m, report) || DecodeUnsubscribe(m, report);
}

}  // namespace rebound::formats
