// Amazon SES: bounces of mail sent through SES, either a multipart/report
// from MAILER-DAEMON@<region>.amazonses.com (the remote reply sometimes
// wrapped in SES's own text), or an SNS notification whose body is the
// JSON bounce record ("notificationType": "Bounce").
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

// The string value of "key" in a flat JSON object body starting at `obj`:
// SNS quotes the bounce record once more, so quotes may be escaped.
std::string JsonString(std::string_view obj, std::string_view key) {
  std::string needle = "\"" + std::string(key) + "\"";
  size_t at = obj.find(needle);
  std::string escaped = "\\\"" + std::string(key) + "\\\"";
  bool esc = false;
  if (at == std::string_view::npos) {
    at = obj.find(escaped);
    esc = true;
    if (at == std::string_view::npos) return {};
  }
  size_t p = at + (esc ? escaped.size() : needle.size());
  while (p < obj.size() && (obj[p] == ' ' || obj[p] == ':')) ++p;
  std::string_view quote = esc ? "\\\"" : "\"";
  if (obj.substr(p, quote.size()) != quote) return {};
  p += quote.size();
  size_t end = obj.find(quote, p);
  if (end == std::string_view::npos) return {};
  return std::string(obj.substr(p, end - p));
}

bool DecodeSnsBounce(std::string_view body, Report* report) {
  size_t list = body.find("bouncedRecipients");
  if (list == std::string_view::npos) return false;
  size_t end = body.find(']', list);
  if (end == std::string_view::npos) return false;
  std::string_view records = body.substr(list, end - list);
  size_t pos = 0;
  while ((pos = records.find('{', pos)) != std::string_view::npos) {
    size_t close = records.find('}', pos);
    if (close == std::string_view::npos) break;
    std::string_view obj = records.substr(pos, close - pos);
    pos = close + 1;
    Finding f;
    f.recipient = ExtractAddress(JsonString(obj, "emailAddress"));
    if (f.recipient.empty()) continue;
    f.action = message::ToLower(JsonString(obj, "action"));
    if (f.action.empty()) f.action = "failed";
    f.status = std::string(FindStatusCode(JsonString(obj, "status")));
    f.diagnostic = StripTypePrefix(JsonString(obj, "diagnosticCode"));
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

}  // namespace

bool DecodeAmazonSes(const message::Message& m, Report* report) {
  bool sns = HeaderContains(m, "From", "@sns.amazonaws.com");
  if (!sns && !HeaderContains(m, "From", "amazonses.com")) return false;
  if (sns) {
    std::string_view body = FirstTextBody(m);
    if (body.find("notificationType") == std::string::npos || !DecodeSnsBounce(body, report)) return false;
    report->format = "amazonses";
    report->evidence = "format: Amazon SES bounce notification (SNS)";
    return true;
  }
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "amazonses";
  report->evidence = "format: Amazon SES delivery-status";
  for (Finding& f : report->findings) {
    // "... (delivery attempts: 0)" is SES's count, not the server's text.
    size_t n = f.diagnostic.rfind(" (delivery attempts:");
    if (n != std::string::npos) f.diagnostic.erase(n);
    UnwrapSesReply(&f);
  }
  return true;
}

}  // namespace rebound::formats
