// Zoho Mail: "This message was created automatically by mail delivery
// software." then one line per recipient, "a@b Invalid Address,
// ERROR_CODE :550, ERROR_CODE :5.1.1 <a@b>... User Unknown"; its delay
// notice lists "[Status: Error, Address: <a@b>, ResponseCode 421, , Host
// not reachable.]" under "The following addresses had fatal errors".
#include <algorithm>

#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

namespace {

// "a@b <label>, ERROR_CODE :550, ERROR_CODE :5.1.1 <server's text>".
bool ReadErrorCodeLine(std::string_view t, Finding* f) {
  size_t first = t.find("ERROR_CODE :");
  size_t sp = t.find(' ');
  if (first == std::string_view::npos || sp == std::string_view::npos || sp > first) return false;
  f->recipient = ExtractAddress(t.substr(0, sp));
  if (f->recipient.empty()) return false;
  // Each "ERROR_CODE :" holds a reply code or a status; what follows the
  // last one is the server's text.
  std::string_view rest = t.substr(first);
  while (rest.starts_with("ERROR_CODE :")) {
    rest = rest.substr(12);
    size_t comma = rest.find(',');
    size_t blank = rest.find(' ');
    size_t end = std::min(comma, blank);
    std::string_view code = rest.substr(0, end);
    if (IsStatusCode(code)) {
      f->status = std::string(code);
    } else if (code.size() == 3 && !LeadingReplyCode(code).empty()) {
      f->reply_code = std::string(code);
    }
    rest = end == std::string_view::npos ? std::string_view() : Trim(rest.substr(end + (end == comma ? 1 : 0)));
  }
  while (rest.starts_with(",")) rest = Trim(rest.substr(1));
  f->diagnostic = std::string(rest);
  return true;
}

// "[Status: Error, Address: <a@b>, ResponseCode 421, , Host not reachable.]"
bool ReadStatusLine(std::string_view t, Finding* f) {
  if (!t.starts_with("[Status:") || !t.ends_with("]")) return false;
  size_t addr = t.find("Address:");
  if (addr == std::string_view::npos) return false;
  size_t comma = t.find(',', addr);
  f->recipient = ExtractAddress(t.substr(addr + 8, comma - addr - 8));
  if (f->recipient.empty()) return false;
  std::string_view rest =
      comma == std::string_view::npos ? std::string_view() : t.substr(comma + 1, t.size() - comma - 2);
  rest = Trim(rest);
  if (rest.starts_with("ResponseCode ")) {
    rest = rest.substr(13);
    size_t c = rest.find(',');
    f->reply_code = std::string(Trim(rest.substr(0, c)));
    rest = c == std::string_view::npos ? std::string_view() : Trim(rest.substr(c + 1));
  }
  while (rest.starts_with(",")) rest = Trim(rest.substr(1));
  f->diagnostic = std::string(rest);
  return true;
}

}  // namespace

bool DecodeZoho(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "zoho") && !HeaderContains(m, "User-Agent", "zoho mail")) return false;
  std::string_view text = FirstTextBody(m);
  if (FindIgnoreCase(text, "This message was created automatically by mail delivery") == std::string::npos) {
    return false;
  }
  bool delayed = FindIgnoreCase(text, "THIS IS A WARNING MESSAGE ONLY") != std::string::npos ||
                 FindIgnoreCase(m.Subject(), "(Delay)") != std::string::npos;
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    // The returned headers follow the notice without a separator.
    if (t.starts_with("Received:") || t.starts_with("----- Transcript")) break;
    Finding f;
    if (!ReadErrorCodeLine(t, &f) && !ReadStatusLine(t, &f)) continue;
    f.action = delayed ? "delayed" : "failed";
    FillCodesFromDiagnostic(&f);
    // A 4xx code in the final ("permanent error") notice: Zoho retried
    // until it gave up.
    f.retried = !delayed && f.reply_code.starts_with('4');
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  report->format = "zoho";
  report->evidence = "format: zoho: \"ERROR_CODE\" lines of Zoho Mail's notice";
  return true;
}

}  // namespace rebound::formats
