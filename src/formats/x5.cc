// An unidentified relay that returns a sendmail-style notice whose text
// lists no recipient ("The following addresses had permanent delivery
// errors" and nothing after) and attaches, as the returned message, the
// full DSN it received from the next hop: the findings are that inner DSN's
// recipient groups.
#include <vector>

#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeX5(const message::Message& m, Report* report) {
  if (!m.delivery_status().empty()) return false;
  const std::string& subject = m.Subject();
  if (!message::StartsWithIgnoreCase(subject, "Returned mail:")) return false;
  // The inner DSN: a message/delivery-status part inside the returned message.
  const auto& parts = m.parts();
  const message::Part* inner = nullptr;
  for (const message::Part& p : parts) {
    if (!p.Is("message", "delivery-status") || p.depth < 2) continue;
    bool nested = false;
    for (int q = p.parent; q >= 0; q = parts[q].parent) nested = nested || parts[q].Is("message", "rfc822");
    if (nested) {
      inner = &p;
      break;
    }
  }
  if (inner == nullptr) return false;
  std::string body = m.DecodedText(*inner);
  std::vector<message::HeaderField> fields;
  std::vector<std::pair<uint32_t, uint32_t>> groups;
  std::string_view rest = body;
  while (!rest.empty()) {
    size_t skip = rest.find_first_not_of('\n');
    if (skip == std::string_view::npos) break;
    rest = rest.substr(skip);
    uint32_t begin = static_cast<uint32_t>(fields.size());
    message::HeaderScan scan = message::ScanHeaders(rest, m.limits(), &fields);
    groups.emplace_back(begin, static_cast<uint32_t>(fields.size()));
    if (scan.body_offset == 0 || scan.body_offset >= rest.size()) break;
    rest = rest.substr(scan.body_offset);
  }
  std::string reporting;
  for (const auto& [b, e] : groups) {
    message::FieldGroup g(&fields, b, e);
    if (reporting.empty()) reporting = StripTypePrefix(g.Unfolded("Reporting-MTA"));
    std::string recipient = ExtractAddress(g.Unfolded("Final-Recipient"));
    if (recipient.empty()) recipient = ExtractAddress(g.Unfolded("Original-Recipient"));
    if (recipient.empty()) continue;
    Finding f;
    f.recipient = std::move(recipient);
    std::string action = message::ToLower(message::Trim(g.Raw("Action")));
    f.action = action.empty() ? "failed" : action;
    f.status = std::string(FindStatusCode(g.Unfolded("Status")));
    f.diagnostic = StripTypePrefix(g.Unfolded("Diagnostic-Code"));
    f.remote_mta = StripTypePrefix(g.Unfolded("Remote-MTA"));
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  report->format = "x5";
  report->evidence = "format: notice returning the next hop's delivery-status";
  return true;
}

}  // namespace rebound::formats
