#include "formats/vocabulary.h"

#include <array>

namespace rebound::formats {

namespace {

constexpr std::array<std::string_view, kCauseCount> kCauseNames = {
    "undefined",    "userunknown", "hostunknown",     "hasmoved",        "notaccept",     "suspend",
    "mailboxfull",  "exceedlimit", "mesgtoobig",      "contenterror",    "virusdetected", "filtered",
    "spamdetected", "blocked",     "badreputation",   "policyviolation", "securityerror", "rejected",
    "norelaying",   "requireptr",  "notcompliantrfc", "authfailure",     "syntaxerror",   "failedstarttls",
    "suppressed",   "mailererror", "onhold",          "expired",         "systemerror",   "systemfull",
    "toomanyconn",  "speeding",    "networkerror",    "delivered",       "vacation",      "feedback"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of a status code starting at text[i] ("5.1.1" style), or 0.
size_t StatusAt(std::string_view t, size_t i) {
  if (i >= t.size() || (t[i] != '2' && t[i] != '4' && t[i] != '5')) return 0;
  size_t j = i + 1;
  if (j >= t.size() || t[j] != '.') return 0;
  ++j;
  size_t d = 0;
  while (j < t.size() && IsDigit(t[j]) && d < 3) ++j, ++d;
  if (d == 0 || j >= t.size() || t[j] != '.') return 0;
  ++j;
  d = 0;
  while (j < t.size() && IsDigit(t[j]) && d < 3) ++j, ++d;
  if (d == 0) return 0;
  // Not part of a longer number or a dotted quad (an IP address).
  if (j < t.size() && (IsDigit(t[j]) || (t[j] == '.' && j + 1 < t.size() && IsDigit(t[j + 1])))) return 0;
  return j - i;
}

}  // namespace

std::string_view CauseName(Cause cause) { return kCauseNames[static_cast<size_t>(cause)]; }

bool ParseCause(std::string_view name, Cause* out) {
  for (size_t i = 0; i < kCauseNames.size(); ++i) {
    if (kCauseNames[i] == name) {
      *out = static_cast<Cause>(i);
      return true;
    }
  }
  return false;
}

bool IsStatusCode(std::string_view s) { return !s.empty() && StatusAt(s, 0) == s.size(); }

std::string_view FindStatusCode(std::string_view text) {
  for (size_t i = 0; i + 5 <= text.size(); ++i) {
    if (text[i] != '2' && text[i] != '4' && text[i] != '5') continue;
    if (i > 0 && (IsDigit(text[i - 1]) || text[i - 1] == '.' ||
                  (text[i - 1] >= 'A' && text[i - 1] <= 'z' && text[i - 1] != '#'))) {
      continue;
    }
    size_t n = StatusAt(text, i);
    if (n != 0) return text.substr(i, n);
  }
  return {};
}

std::string_view LeadingReplyCode(std::string_view text) {
  size_t i = 0;
  auto skip_blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  skip_blanks();
  // "smtp; 550 ..." / "SMTP; 550" / "X-Postfix; ..."
  size_t semi = text.find(';');
  if (semi != std::string_view::npos && semi < 16) {
    i = semi + 1;
    skip_blanks();
  }
  if (i + 3 <= text.size() && (text[i] == '2' || text[i] == '4' || text[i] == '5') && IsDigit(text[i + 1]) &&
      IsDigit(text[i + 2]) &&
      (i + 3 == text.size() || text[i + 3] == ' ' || text[i + 3] == '-' || text[i + 3] == '\t')) {
    return text.substr(i, 3);
  }
  return {};
}

std::string_view FindReplyCode(std::string_view text) {
  for (size_t i = 0; i + 3 <= text.size(); ++i) {
    char c = text[i];
    if (c != '4' && c != '5' && c != '2') continue;
    if (i > 0 && (IsDigit(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == '-' ||
                  (text[i - 1] >= 'A' && text[i - 1] <= 'z'))) {
      continue;
    }
    if (!IsDigit(text[i + 1]) || !IsDigit(text[i + 2])) continue;
    if (text[i + 1] > '5') continue;
    size_t j = i + 3;
    if (j == text.size()) return text.substr(i, 3);
    if (text[j] == '-' || text[j] == ' ') {
      // Accept when an enhanced status or text follows, not "550.3" numbers.
      return text.substr(i, 3);
    }
  }
  return {};
}

}  // namespace rebound::formats
