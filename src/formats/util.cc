#include "formats/util.h"

#include "message/headers.h"

namespace rebound::formats {

using message::Trim;

namespace {

bool IsAddressChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

}  // namespace

std::string ExtractAddress(std::string_view text) {
  text = Trim(text);
  size_t semi = text.find(';');
  if (semi != std::string_view::npos && semi < 12 && text.find('@') > semi) text = Trim(text.substr(semi + 1));
  size_t at = text.find('@');
  while (at != std::string_view::npos) {
    size_t b = at;
    while (b > 0 && IsAddressChar(text[b - 1])) --b;
    size_t e = at + 1;
    while (e < text.size() && IsAddressChar(text[e])) ++e;
    while (e > at + 1 && text[e - 1] == '.') --e;  // trailing dot of a sentence
    if (b < at && e > at + 1) {
      std::string addr = message::ToLower(text.substr(b, e - b));
      while (!addr.empty() && addr.front() == '.') addr.erase(0, 1);
      return addr;
    }
    at = text.find('@', at + 1);
  }
  return {};
}

std::string StripTypePrefix(std::string_view value) {
  value = Trim(value);
  size_t semi = value.find(';');
  if (semi != std::string_view::npos && semi < 16) value = Trim(value.substr(semi + 1));
  return std::string(value);
}

void FillCodesFromDiagnostic(Finding* f) {
  if (f->reply_code.empty()) {
    std::string_view code = LeadingReplyCode(f->diagnostic);
    if (code.empty()) code = FindReplyCode(f->diagnostic);
    if (!code.empty() && code[0] != '2') f->reply_code = std::string(code);
  }
  std::string_view in_text = FindStatusCode(f->diagnostic);
  if (f->status.empty()) {
    f->status = std::string(in_text);
  } else if (!in_text.empty() && f->status.size() >= 3 && f->status.substr(1) == ".0.0" && in_text[0] == f->status[0]) {
    // "Status: 5.0.0" with "5.1.1" in the server's text: the text is more
    // specific.
    f->status = std::string(in_text);
  }
}

std::string FirstTextBody(const message::Message& m) {
  const auto& parts = m.parts();
  for (size_t i = 0; i < parts.size(); ++i) {
    const message::Part& p = parts[i];
    if (p.IsMultipart()) continue;
    if (!p.IsText()) {
      if (i == 0) return {};
      continue;
    }
    bool inside = false;
    for (int q = p.parent; q >= 0; q = parts[q].parent) {
      inside = inside || message::EqualsIgnoreCase(parts[q].type, "message");
    }
    if (inside) continue;
    return m.DecodedText(p);
  }
  return {};
}

}  // namespace rebound::formats
