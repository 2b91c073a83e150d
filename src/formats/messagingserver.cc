// Oracle (Sun, iPlanet) Messaging Server and its ancestor PMDF: "Delivery
// Notification: ..." with a text part that lists, per recipient,
// "Recipient address:", "Reason:", "Diagnostic code:" and "Remote system:",
// and a delivery-status part. Some groups lack the diagnostic (the text's
// Reason says why), and a Final-Recipient may be a source route
// ("@relay:user@host") where the Original-Recipient is the address.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

struct TextEntry {
  std::string recipient;
  std::string original;
  std::string reason;
};

std::vector<TextEntry> ReadTextEntries(std::string_view text) {
  std::vector<TextEntry> out;
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (StartsWithIgnoreCase(t, "Recipient address:")) {
      out.emplace_back();
      out.back().recipient = ExtractAddress(t.substr(18));
    } else if (out.empty()) {
      continue;
    } else if (StartsWithIgnoreCase(t, "Original address:")) {
      out.back().original = ExtractAddress(t.substr(17));
    } else if (StartsWithIgnoreCase(t, "Reason:")) {
      out.back().reason = std::string(Trim(t.substr(7)));
    }
  }
  return out;
}

}  // namespace

bool DecodeMessagingServer(const message::Message& m, Report* report) {
  bool marked = HeaderContains(m, "Subject", "delivery notification: ") ||
                HeaderContains(m, "Content-Type", "boundary_(id_") || HeaderContains(m, "Received", "messaging server");
  if (!marked) return false;
  const message::DeliveryStatus& dsn = m.delivery_status();
  if (dsn.recipients.empty() || !DecodeDsnGroups(m, report)) return false;
  report->format = "messagingserver";
  report->evidence = "format: Messaging Server delivery notification";
  std::vector<TextEntry> entries = ReadTextEntries(FirstTextBody(m));
  for (size_t i = 0; i < report->findings.size() && i < dsn.recipients.size(); ++i) {
    Finding& f = report->findings[i];
    std::string final_recipient = StripTypePrefix(dsn.recipients[i].Unfolded("Final-Recipient"));
    if (final_recipient.starts_with('@')) {
      std::string original = ExtractAddress(dsn.recipients[i].Unfolded("Original-Recipient"));
      if (!original.empty()) f.recipient = original;
    }
    if (!f.diagnostic.empty()) continue;
    for (const TextEntry& e : entries) {
      if (e.recipient == f.recipient || e.original == f.recipient) f.diagnostic = e.reason;
    }
    if (f.diagnostic.empty()) {
      // "Status: 4.4.7 (unable to deliver this message after 1 day)"
      std::string status = dsn.recipients[i].Unfolded("Status");
      size_t open = status.find('(');
      size_t close = status.rfind(')');
      if (open != std::string::npos && close != std::string::npos && close > open) {
        f.diagnostic = status.substr(open + 1, close - open - 1);
      }
    }
    FillCodesFromDiagnostic(&f);
  }
  return true;
}

}  // namespace rebound::formats
