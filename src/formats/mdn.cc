// Message disposition notifications (RFC 8098) that say the message was
// refused: the Sieve "reject" action (RFC 5429 section 2.1) answers with an
// MDN whose disposition is "deleted", sent automatically, and a text giving
// the reason (Dovecot Pigeonhole: "Your message to <a@b> was automatically
// rejected:" and the reason). Other dispositions (displayed, dispatched,
// processed) are read receipts, not bounces.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

namespace {

// The value of the field `name` among the "Name: value" lines of `fields`.
std::string_view FieldValue(std::string_view fields, std::string_view name) {
  for (std::string_view line : SplitLines(fields)) {
    if (line.size() > name.size() && message::StartsWithIgnoreCase(line, name) && line[name.size()] == ':') {
      return Trim(line.substr(name.size() + 1));
    }
  }
  return {};
}

}  // namespace

bool DecodeMdn(const message::Message& m, Report* report) {
  const message::Part* mdn = nullptr;
  const message::Part* text = nullptr;
  for (const message::Part& p : m.parts()) {
    if (p.Is("message", "disposition-notification") && mdn == nullptr) mdn = &p;
    if (p.IsText() && text == nullptr && p.depth == 1) text = &p;
  }
  if (mdn == nullptr) return false;
  const std::string fields = m.DecodedText(*mdn);
  const std::string_view disposition = FieldValue(fields, "Disposition");
  if (disposition.empty()) return false;
  Finding f;
  f.recipient = ExtractAddress(FieldValue(fields, "Final-Recipient"));
  if (f.recipient.empty()) f.recipient = ExtractAddress(FieldValue(fields, "Original-Recipient"));
  report->format = "mdn";
  const bool automatic = FindIgnoreCase(disposition, "automatic-action") != std::string_view::npos;
  const bool deleted = FindIgnoreCase(disposition, "deleted") != std::string_view::npos;
  if (!automatic || !deleted) {
    // A read receipt or a note that the message was handled: not a bounce.
    report->evidence = "format: message/disposition-notification (" + std::string(disposition) + ")";
    f.cause = Cause::kDelivered;
    f.cause_evidence = "cause: disposition notification, not a refusal";
    report->findings.push_back(std::move(f));
    return true;
  }
  report->evidence = "format: message/disposition-notification: automatically deleted (a Sieve reject)";
  f.action = "failed";
  if (text != nullptr) {
    std::string body = m.DecodedText(*text);
    std::string_view reason = body;
    // "Your message to <a@b> was automatically rejected:" introduces the reason.
    if (size_t at = FindIgnoreCase(reason, "rejected:"); at != std::string_view::npos) {
      reason = reason.substr(at + 9);
    }
    f.diagnostic = JoinReplyLines(Trim(reason.substr(0, 1024)));
  }
  FillCodesFromDiagnostic(&f);
  // The recipient's own filter refused the message: that is the cause
  // unless its words say something more specific.
  f.fallback = Cause::kFiltered;
  f.fallback_evidence = "cause: refused by the recipient's mail filter (RFC 5429 reject)";
  report->findings.push_back(std::move(f));
  return true;
}

}  // namespace rebound::formats
