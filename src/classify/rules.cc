#include "classify/rules.h"

#include "message/headers.h"

namespace rebound::classify {

using formats::Cause;
using message::Trim;

namespace {

// Calls fn(fields, line_number) for each rule line of a TSV text.
template <typename Fn>
bool ForEachLine(std::string_view text, Fn fn) {
  size_t pos = 0;
  size_t line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      fields.push_back(Trim(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (!fn(fields, line_no, line)) return false;
  }
  return true;
}

std::string Where(std::string_view source, size_t line_no) {
  return std::string(source) + ":" + std::to_string(line_no);
}

bool IsAddressChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of "NNN-" or "NNN-X.Y.Z " / "NNN X.Y.Z " at s[i] (a reply
// continuation prefix), or 0.
size_t ContinuationPrefix(std::string_view s, size_t i) {
  if (i + 4 > s.size() || !IsDigit(s[i]) || !IsDigit(s[i + 1]) || !IsDigit(s[i + 2])) return 0;
  if (s[i] != '4' && s[i] != '5') return 0;
  if (i > 0 && s[i - 1] != ' ') return 0;
  size_t j = i + 3;
  if (s[j] != '-' && s[j] != ' ') return 0;
  bool hyphen = s[j] == '-';
  ++j;
  std::string_view code = formats::FindStatusCode(s.substr(j, 12));
  if (!code.empty() && s.substr(j, code.size()) == code) {
    j += code.size();
    if (j < s.size() && s[j] == ' ') ++j;
    return j - i;
  }
  return hyphen ? j - i : 0;
}

}  // namespace

std::string NormalizeDiagnostic(std::string_view text) {
  // Collapse blanks and lowercase.
  std::string flat;
  flat.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!flat.empty() && flat.back() != ' ') flat.push_back(' ');
      continue;
    }
    flat.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  // Drop continuation prefixes after the first, and replace addresses.
  std::string out;
  out.reserve(flat.size());
  const size_t first_prefix = ContinuationPrefix(flat, 0);
  out.append(flat, 0, first_prefix);
  for (size_t i = first_prefix; i < flat.size();) {
    size_t prefix = ContinuationPrefix(flat, i);
    if (prefix > 0) {
      i += prefix;
      continue;
    }
    if (flat[i] == '@') {
      size_t b = out.size();
      while (b > 0 && IsAddressChar(out[b - 1])) --b;
      size_t e = i + 1;
      while (e < flat.size() && IsAddressChar(flat[e])) ++e;
      if (b < out.size() && e > i + 1) {
        out.resize(b);
        out.append("<addr>");
        i = e;
        continue;
      }
    }
    out.push_back(flat[i]);
    ++i;
  }
  return out;
}

bool HostMatchesSuffix(std::string_view host, std::string_view suffix) {
  if (host.empty() || suffix.empty() || host.size() < suffix.size()) return false;
  std::string_view tail = host.substr(host.size() - suffix.size());
  if (!message::EqualsIgnoreCase(tail, suffix)) return false;
  return host.size() == suffix.size() || host[host.size() - suffix.size() - 1] == '.';
}

bool RuleSet::AddRule(Rule rule, std::string* error) {
  if (rule.pattern.empty()) {
    *error = rule.source + ": empty pattern";
    return false;
  }
  rules_.push_back(std::move(rule));
  return true;
}

bool RuleSet::AddPhrases(std::string_view text, std::string_view source, bool dmarc, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    Cause cause;
    if (f.size() != 2 || !formats::ParseCause(f[0], &cause)) {
      *error = Where(source, n) + ": expected \"CAUSE<TAB>PATTERN\", got \"" + std::string(line) + "\"";
      return false;
    }
    return AddRule(Rule{cause, dmarc, "", std::string(f[1]), Where(source, n)}, error);
  });
}

bool RuleSet::AddProviders(std::string_view text, std::string_view source, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    Cause cause;
    if (f.size() != 3 || f[0].empty() || !formats::ParseCause(f[1], &cause)) {
      *error = Where(source, n) + ": expected \"HOST_SUFFIX<TAB>CAUSE<TAB>PATTERN\", got \"" + std::string(line) + "\"";
      return false;
    }
    return AddRule(Rule{cause, false, message::ToLower(f[0]), std::string(f[2]), Where(source, n)}, error);
  });
}

bool RuleSet::AddStatusCodes(std::string_view text, std::string_view source, std::string* error) {
  return status_.Load(text, source, error);
}

bool RuleSet::AddPseudoStatus(std::string_view text, std::string_view source, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    Cause cause;
    if (f.size() != 3 || !formats::ParseCause(f[0], &cause) || !formats::IsStatusCode(f[1]) ||
        (f[2] != "-" && !formats::IsStatusCode(f[2]))) {
      *error = Where(source, n) + ": expected \"CAUSE<TAB>PERMANENT<TAB>TRANSIENT\", got \"" + std::string(line) + "\"";
      return false;
    }
    auto& codes = pseudo_[static_cast<size_t>(cause)];
    codes[0] = std::string(f[1]);
    codes[1] = f[2] == "-" ? std::string(f[1]) : std::string(f[2]);
    return true;
  });
}

bool RuleSet::AddUserRules(std::string_view text, std::string_view source, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    Cause cause;
    if (f.size() == 3) {
      if (f[0].empty() || !formats::ParseCause(f[1], &cause)) {
        *error =
            Where(source, n) + ": expected \"HOST_SUFFIX<TAB>CAUSE<TAB>PATTERN\", got \"" + std::string(line) + "\"";
        return false;
      }
      return AddRule(Rule{cause, false, message::ToLower(f[0]), std::string(f[2]), Where(source, n)}, error);
    }
    if (f.size() == 2 && formats::IsStatusCode(f[0])) {
      std::string one = std::string(f[0]) + "\t" + std::string(f[1]) + "\n";
      std::string status_error;
      if (!status_.Load(one, Where(source, n), &status_error)) {
        *error = Where(source, n) + ": expected \"CODE<TAB>CAUSE\", got \"" + std::string(line) + "\"";
        return false;
      }
      return true;
    }
    if (f.size() != 2 || !formats::ParseCause(f[0], &cause)) {
      *error = Where(source, n) +
               ": expected \"CAUSE<TAB>PATTERN\", \"CODE<TAB>CAUSE\" or "
               "\"HOST_SUFFIX<TAB>CAUSE<TAB>PATTERN\", got \"" +
               std::string(line) + "\"";
      return false;
    }
    return AddRule(Rule{cause, false, "", std::string(f[1]), Where(source, n)}, error);
  });
}

bool RuleSet::Compile(std::string* error) {
  std::vector<PhraseMatcher::Pattern> patterns;
  patterns.reserve(rules_.size());
  for (const Rule& r : rules_) {
    const bool regex = r.pattern.size() >= 2 && r.pattern.front() == '/' && r.pattern.back() == '/';
    patterns.push_back(
        PhraseMatcher::Pattern{regex ? r.pattern.substr(1, r.pattern.size() - 2) : r.pattern, regex, r.source});
  }
  return matcher_.Compile(patterns, error);
}

bool RuleSet::Find(std::string_view normalized, std::string_view remote_host, std::string_view recipient_domain,
                   RuleMatch* out) const {
  thread_local std::vector<uint32_t> ids;
  ids.clear();
  matcher_.Match(normalized, &ids);
  for (uint32_t id : ids) {
    const Rule& r = rules_[id];
    if (!r.host_suffix.empty() && !HostMatchesSuffix(remote_host, r.host_suffix) &&
        !HostMatchesSuffix(recipient_domain, r.host_suffix)) {
      continue;
    }
    out->cause = r.cause;
    out->sender_dmarc = r.dmarc;
    std::string kind = r.dmarc ? "dmarc" : !r.host_suffix.empty() ? "provider " + r.host_suffix : "phrase";
    out->evidence = kind + ": " + r.pattern + " (" + r.source + ")";
    return true;
  }
  return false;
}

std::string_view RuleSet::PseudoStatus(Cause cause, bool transient) const {
  return pseudo_[static_cast<size_t>(cause)][transient ? 1 : 0];
}

}  // namespace rebound::classify
