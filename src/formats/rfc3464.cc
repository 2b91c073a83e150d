// RFC 3464 delivery status notifications: a message/delivery-status part
// (or its fields written inline), one field group per recipient.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FieldGroup;

namespace {

std::string FirstWordLower(std::string_view v) {
  v = message::Trim(v);
  return message::ToLower(v.substr(0, message::FindFirstOf(v, " \t\n(;")));
}

}  // namespace

bool DecodeRfc3464(const message::Message& m, Report* report) {
  const message::DeliveryStatus& dsn = m.delivery_status();
  if (dsn.recipients.empty()) return false;
  report->format = "rfc3464";
  report->evidence =
      dsn.inline_fields ? "format: delivery-status fields in the text" : "format: message/delivery-status part";
  std::string reporting_mta = StripTypePrefix(dsn.per_message.Unfolded("Reporting-MTA"));
  // The addresses the returned original was sent to, to tell which of a
  // group's two recipient fields names the address the sender used.
  std::string sent_to;
  if (const message::HeaderBlock* original = m.original_headers()) {
    sent_to = message::ToLower(original->Unfolded("To") + "," + original->Unfolded("Cc"));
  }
  for (const FieldGroup& g : dsn.recipients) {
    Finding f;
    f.recipient = ExtractAddress(g.Unfolded("Final-Recipient"));
    const std::string original_recipient = ExtractAddress(g.Unfolded("Original-Recipient"));
    // RFC 3464 2.3.1: Original-Recipient is the address as the sender gave
    // it (its ORCPT, RFC 3461 4.2); Final-Recipient may be a host's rewrite
    // (an alias, a mailbox name, a forwarding target). When they differ, the
    // contact is the address that was sent to: the one the returned
    // original's To/Cc names; when it names neither (Bcc, a list) or none
    // was returned, the ORCPT. An original only quoted in the text may be
    // some other message's headers: it decides only when it names one.
    const bool names_original = sent_to.find(original_recipient) != std::string::npos;
    const bool names_final = sent_to.find(f.recipient) != std::string::npos;
    const bool rewritten =
        !original_recipient.empty() && original_recipient != f.recipient &&
        ((names_original && !names_final) || (!names_original && !names_final && !m.original_quoted()));
    if (f.recipient.empty() || rewritten) f.recipient = original_recipient;
    if (f.recipient.empty()) f.recipient = ExtractAddress(g.Unfolded("X-Actual-Recipient"));
    if (f.recipient.empty() && dsn.recipients.size() == 1) {
      // A broken Final-Recipient ("rfc822; @mx.example.org"): the one
      // recipient is the one the returned original was sent to.
      if (const message::HeaderBlock* original = m.original_headers()) {
        f.recipient = ExtractAddress(original->Unfolded("To"));
      }
    }
    f.action = FirstWordLower(g.Raw("Action"));
    std::string status = g.Unfolded("Status");
    std::string_view code = FindStatusCode(status);
    f.status = std::string(code);
    const std::string diagnostic_code = g.Unfolded("Diagnostic-Code");
    f.diagnostic = StripTypePrefix(diagnostic_code);
    // "X-Unix; 75": the exit status of a local delivery program (a pipe, a
    // filter), not a remote server's answer.
    f.local_mailer = message::StartsWithIgnoreCase(diagnostic_code, "x-unix");
    f.remote_mta = StripTypePrefix(g.Unfolded("Remote-MTA"));
    FillCodesFromDiagnostic(&f);
    if (f.action == "delivered" || f.action == "relayed" || f.action == "expanded") {
      f.cause = Cause::kDelivered;
      f.cause_evidence = "cause: Action " + f.action;
    }
    report->findings.push_back(std::move(f));
  }
  return true;
}

}  // namespace rebound::formats
