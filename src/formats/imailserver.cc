// Ipswitch IMail Server ("X-Mailer: <SMTP32 vN>"): a plain notice with one
// line per recipient, "<IMail's reason>: a@b" ("Unknown user: a@b",
// "Delivery failed 20 attempts: a@b") or "undeliverable to a@b" followed by
// "Body of message generated response:" and the remote reply, up to
// "Original message follows.".
#include <cctype>

#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

// IMail's own reasons that state the cause: it checked its own users, or
// counted its own attempts. Other reasons are left to the classifier.
void SetTemplateCause(std::string_view label, Finding* f) {
  if (StartsWithIgnoreCase(label, "Unknown user") || StartsWithIgnoreCase(label, "Invalid final delivery userid")) {
    f->cause = Cause::kUserUnknown;
    f->cause_evidence = "cause: imailserver \"Unknown user\"";
  } else if (StartsWithIgnoreCase(label, "Delivery failed ") && label.ends_with(" attempts")) {
    f->cause = Cause::kExpired;
    f->cause_evidence = "cause: imailserver \"Delivery failed N attempts\"";
  }
}

}  // namespace

bool DecodeImailServer(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "X-Mailer", "<SMTP32 v")) return false;
  std::string_view text = FirstTextBody(m);
  std::vector<std::string_view> lines = SplitLines(text);
  std::vector<std::string_view> response;
  bool in_response = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (StartsWithIgnoreCase(t, "Original message follows")) break;
    if (in_response) {
      if (t.empty()) {
        in_response = false;
      } else {
        response.push_back(t);
      }
      continue;
    }
    if (StartsWithIgnoreCase(t, "Body of message generated response:")) {
      in_response = true;
      response.clear();
      continue;
    }
    if (t.empty() || std::isspace(static_cast<unsigned char>(lines[i][0]))) continue;
    std::string_view label;
    std::string_view address;
    if (StartsWithIgnoreCase(t, "undeliverable to ")) {
      address = t.substr(17);
    } else {
      size_t colon = t.rfind(": ");
      if (colon == std::string_view::npos) continue;
      label = Trim(t.substr(0, colon));
      address = Trim(t.substr(colon + 2));
      // "To: a@b" of the "Save to the following Address Book" preamble.
      if (label.empty() || label.find(' ') == std::string_view::npos) continue;
    }
    if (address.find(' ') != std::string_view::npos) continue;
    Finding f;
    f.recipient = ExtractAddress(address);
    if (f.recipient.empty()) continue;
    f.action = "failed";
    f.diagnostic = std::string(label);
    SetTemplateCause(label, &f);
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  // The remote reply belongs to the recipient written before it; IMail
  // writes one per notice.
  if (!response.empty()) {
    Finding& f = report->findings.back();
    f.diagnostic = JoinReplyLines(response);
  }
  for (Finding& f : report->findings) FillCodesFromDiagnostic(&f);
  report->format = "imailserver";
  report->evidence = "format: imailserver: X-Mailer <SMTP32>";
  return true;
}

}  // namespace rebound::formats
