#include "message/content_type.h"

#include <array>

#include "message/headers.h"

namespace rebound::message {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes that end a token: blanks and the separators this parser reads. A
// table, since every byte of every Content-Type value is tested.
constexpr std::array<bool, 256> TokenEnds() {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view(" \t\n\r;=\"/(),")) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kTokenEnds = TokenEnds();

bool IsTokenChar(char c) { return !kTokenEnds[static_cast<unsigned char>(c)]; }

void SkipBlanksAndComments(std::string_view s, size_t* i) {
  while (*i < s.size()) {
    if (IsBlank(s[*i])) {
      ++*i;
    } else if (s[*i] == '(') {
      int depth = 0;
      while (*i < s.size()) {
        if (s[*i] == '(') ++depth;
        if (s[*i] == ')' && --depth == 0) {
          ++*i;
          break;
        }
        ++*i;
      }
    } else {
      break;
    }
  }
}

std::string_view Token(std::string_view s, size_t* i) {
  size_t b = *i;
  while (*i < s.size() && IsTokenChar(s[*i])) ++*i;
  return s.substr(b, *i - b);
}

}  // namespace

ContentType ParseContentType(std::string_view raw) {
  ContentType ct;
  size_t i = 0;
  SkipBlanksAndComments(raw, &i);
  std::string_view type = Token(raw, &i);
  SkipBlanksAndComments(raw, &i);
  if (i < raw.size() && raw[i] == '/') {
    ++i;
    SkipBlanksAndComments(raw, &i);
    std::string_view subtype = Token(raw, &i);
    if (!type.empty() && !subtype.empty()) {
      ct.type = type;
      ct.subtype = subtype;
    }
  }
  // Parameters: ; name=value | ; name="quoted value"
  while (i < raw.size()) {
    size_t semi = raw.find(';', i);
    if (semi == std::string_view::npos) break;
    i = semi + 1;
    SkipBlanksAndComments(raw, &i);
    std::string_view name = Token(raw, &i);
    SkipBlanksAndComments(raw, &i);
    if (i >= raw.size() || raw[i] != '=') continue;
    ++i;
    SkipBlanksAndComments(raw, &i);
    std::string_view value;
    if (i < raw.size() && raw[i] == '"') {
      size_t b = ++i;
      while (i < raw.size() && raw[i] != '"') {
        if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
        ++i;
      }
      value = raw.substr(b, i - b);
      if (i < raw.size()) ++i;
    } else {
      size_t b = i;
      while (i < raw.size() && raw[i] != ';' && !IsBlank(raw[i])) ++i;
      value = raw.substr(b, i - b);
    }
    if (EqualsIgnoreCase(name, "boundary")) {
      ct.boundary = value;
    } else if (EqualsIgnoreCase(name, "charset")) {
      ct.charset = value;
    } else if (EqualsIgnoreCase(name, "report-type")) {
      ct.report_type = value;
    }
  }
  return ct;
}

TransferEncoding ParseTransferEncoding(std::string_view raw) {
  std::string_view v = Trim(raw);
  if (StartsWithIgnoreCase(v, "base64")) return TransferEncoding::kBase64;
  if (StartsWithIgnoreCase(v, "quoted-printable")) return TransferEncoding::kQuotedPrintable;
  if (StartsWithIgnoreCase(v, "x-uuencode") || StartsWithIgnoreCase(v, "uuencode")) {
    return TransferEncoding::kUuencode;
  }
  return TransferEncoding::kIdentity;
}

}  // namespace rebound::message
