#include "classify/rules.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "message/headers.h"

namespace rebound::rules {
std::string_view File(std::string_view name);  // embedded rules/ (generated)
// The database compiled at build time; the weak default, for the build
// tool that makes it, is empty.
__attribute__((weak)) std::string_view CompiledDatabase() { return {}; }
}  // namespace rebound::rules

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

// A PATTERN written /like this/ is a regular expression (rules/README.md).
bool IsRegex(std::string_view pattern) {
  return pattern.size() >= 2 && pattern.front() == '/' && pattern.back() == '/';
}

// Bytes the normalizer must look at (blanks, and the '@' of an address);
// everything else is copied in runs.
constexpr std::string_view kSpecialBytes = " \t\n\r@";
struct SpecialBytes {
  bool special[256] = {};
  constexpr SpecialBytes() {
    for (char c : kSpecialBytes) special[static_cast<unsigned char>(c)] = true;
  }
};
constexpr SpecialBytes kSpecial;

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A reply line prefix at the start of `s`: "550-", "550-5.7.1 ",
// "550 5.7.1 ". `length` is 0 when there is none.
struct ReplyPrefix {
  size_t length = 0;
  bool hyphen = false;
  std::string_view text;  // the prefix without its trailing blank
};

ReplyPrefix ReadReplyPrefix(std::string_view s) {
  ReplyPrefix r;
  if (s.size() < 4 || (s[0] != '4' && s[0] != '5') || !IsDigit(s[1]) || !IsDigit(s[2])) return r;
  if (s[3] != '-' && s[3] != ' ') return r;
  r.hyphen = s[3] == '-';
  std::string_view rest = s.substr(4, 12);
  std::string_view code = formats::FindStatusCode(rest);
  if (!code.empty() && rest.substr(0, code.size()) == code) {
    r.text = s.substr(0, 4 + code.size());
    r.length = r.text.size();
    if (r.length < s.size() && s[r.length] == ' ') ++r.length;
  } else if (r.hyphen) {
    r.text = s.substr(0, 4);
    r.length = 4;
  } else {
    r.text = s.substr(0, 3);  // "550 " ending a reply whose lines state no status
    r.length = 4;
  }
  return r;
}

}  // namespace

std::string NormalizeDiagnostic(std::string_view text) {
  // Written through a pointer into a buffer sized for the worst case: each
  // "<addr>" (6 bytes) replaces at least 3 input bytes, so the output is at
  // most twice the input. Every reply of every delivery passes here.
  std::string out(2 * text.size() + 8, '\0');
  char* const begin = out.data();
  char* o = begin;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end && IsBlank(*p)) ++p;
  // The reply's own first prefix is kept; the same prefix repeated on
  // continuation lines ("550-5.7.26 ", and "550 5.7.26 " on the last line)
  // is dropped so that phrases read across line breaks.
  ReplyPrefix first = ReadReplyPrefix(std::string_view(p, static_cast<size_t>(end - p)));
  std::string_view first_code = first.text.substr(0, 3);
  std::string_view first_status = first.text.size() > 4 ? first.text.substr(4) : std::string_view();
  while (p < end) {
#ifdef __SSE2__
    // Sixteen bytes at a time: each block is stored lowercased, and the
    // write position moves on only past its bytes before the first special
    // one. The output never runs more than twice the input read so far, so
    // a whole block always fits in the buffer.
    const __m128i before_a = _mm_set1_epi8('A' - 1);
    const __m128i after_z = _mm_set1_epi8('Z' + 1);
    const __m128i case_bit = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // Signed compares: bytes from 0x80 up are negative, never capitals.
      const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmplt_epi8(v, after_z));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_add_epi8(v, _mm_and_si128(upper, case_bit)));
      static_assert(kSpecialBytes == " \t\n\r@", "the compares below test exactly the special bytes");
      const __m128i special = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))),
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
                       _mm_cmpeq_epi8(v, _mm_set1_epi8('@'))));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
      const size_t run = mask == 0 ? 16 : static_cast<size_t>(__builtin_ctz(mask));
      p += run;
      o += run;
      if (mask != 0) break;
    }
#endif
    while (p < end && !kSpecial.special[static_cast<unsigned char>(*p)]) {
      *o++ = message::LowerAscii(*p++);
    }
    if (p == end) break;
    if (*p == '@') {
      // Replace the whole address, both sides of the '@'.
      char* b = o;
      while (b > begin && IsAddressChar(b[-1])) --b;
      const char* e = p + 1;
      while (e < end && IsAddressChar(*e)) ++e;
      if (b < o && e > p + 1) {
        constexpr std::string_view kAddr = "<addr>";
        o = std::copy(kAddr.begin(), kAddr.end(), b);
        p = e;
      } else {
        *o++ = '@';
        ++p;
      }
      continue;
    }
    while (p < end && IsBlank(*p)) ++p;
    if (p == end) break;
    if (!first_code.empty() && *p == first_code[0]) {  // cheap test first: this runs once a word
      ReplyPrefix next = ReadReplyPrefix(std::string_view(p, static_cast<size_t>(end - p)));
      std::string_view next_status = next.text.size() > 4 ? next.text.substr(4) : std::string_view();
      if (next.length > 0 && next.text.substr(0, 3) == first_code && (next.hyphen || next_status == first_status)) {
        p += next.length;
        while (p < end && IsBlank(*p)) ++p;
        if (p == end) break;
      }
    }
    *o++ = ' ';
  }
  out.resize(static_cast<size_t>(o - begin));
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

std::vector<std::string> RuleSet::ShadowedRules() const {
  std::vector<std::string> lower;
  lower.reserve(rules_.size());
  for (const Rule& r : rules_) lower.push_back(message::ToLower(r.pattern));
  std::vector<std::string> out;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& later = rules_[i];
    if (IsRegex(later.pattern)) continue;
    for (size_t j = 0; j < i; ++j) {
      const Rule& earlier = rules_[j];
      const bool wider = (earlier.host_suffix.empty() || earlier.host_suffix == later.host_suffix) &&
                         (earlier.format.empty() || earlier.format == later.format);
      if (!wider || IsRegex(earlier.pattern) || lower[i].find(lower[j]) == std::string::npos) continue;
      out.push_back(later.source + ": " + later.pattern + " (shadowed by " + earlier.source + ": " + earlier.pattern +
                    ")");
      break;
    }
  }
  return out;
}

bool RuleSet::AddPhrases(std::string_view text, std::string_view source, bool dmarc, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    Cause cause;
    if ((f.size() != 2 && (f.size() != 3 || f[2] != "general")) || !formats::ParseCause(f[0], &cause)) {
      *error = Where(source, n) + ": expected \"CAUSE<TAB>PATTERN[<TAB>general]\", got \"" + std::string(line) + "\"";
      return false;
    }
    return AddRule(Rule{cause, dmarc, "", "", std::string(f[1]), Where(source, n), f.size() == 3}, error);
  });
}

bool RuleSet::AddProviders(std::string_view text, std::string_view source, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    Cause cause;
    if (f.size() != 3 || f[0].empty() || !formats::ParseCause(f[1], &cause)) {
      *error = Where(source, n) + ": expected \"HOST_SUFFIX<TAB>CAUSE<TAB>PATTERN\", got \"" + std::string(line) + "\"";
      return false;
    }
    return AddRule(Rule{cause, false, message::ToLower(f[0]), "", std::string(f[2]), Where(source, n)}, error);
  });
}

bool RuleSet::AddFormatRules(std::string_view text, std::string_view source, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    Cause cause;
    if (f.size() != 3 || f[0].empty() || !formats::ParseCause(f[1], &cause)) {
      *error = Where(source, n) + ": expected \"FORMAT<TAB>CAUSE<TAB>PATTERN\", got \"" + std::string(line) + "\"";
      return false;
    }
    return AddRule(Rule{cause, false, "", message::ToLower(f[0]), std::string(f[2]), Where(source, n)}, error);
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
      return AddRule(Rule{cause, false, message::ToLower(f[0]), "", std::string(f[2]), Where(source, n)}, error);
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
    return AddRule(Rule{cause, false, "", "", std::string(f[1]), Where(source, n)}, error);
  });
}

namespace {

// The precompiled form of a RuleSet: magic, the general database's length,
// then the general and the provider databases as PhraseMatcher wrote them.
constexpr std::string_view kRulesMagic = "RBRS0001";

PhraseMatcher::Pattern PatternOf(const std::string& pattern, const std::string& source) {
  const bool regex = IsRegex(pattern);
  return PhraseMatcher::Pattern{regex ? pattern.substr(1, pattern.size() - 2) : pattern, regex, source};
}

}  // namespace

bool RuleSet::Compile(std::string* error, std::string_view precompiled) {
  std::vector<PhraseMatcher::Pattern> general;
  std::vector<PhraseMatcher::Pattern> providers;
  general_rule_.clear();
  provider_rule_.clear();
  provider_suffixes_.clear();
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    const bool provider = !r.host_suffix.empty();
    (provider ? providers : general).push_back(PatternOf(r.pattern, r.source));
    (provider ? provider_rule_ : general_rule_).push_back(static_cast<uint32_t>(i));
    if (provider) provider_suffixes_.insert(r.host_suffix);
  }
  std::string_view general_bytes;
  std::string_view provider_bytes;
  uint64_t length = 0;
  if (precompiled.size() >= kRulesMagic.size() + sizeof(length) && precompiled.starts_with(kRulesMagic)) {
    std::memcpy(&length, precompiled.data() + kRulesMagic.size(), sizeof(length));
    std::string_view rest = precompiled.substr(kRulesMagic.size() + sizeof(length));
    if (length <= rest.size()) {
      general_bytes = rest.substr(0, length);
      provider_bytes = rest.substr(length);
    }
  }
  return general_.Compile(general, error, general_bytes) && providers_.Compile(providers, error, provider_bytes);
}

std::string RuleSet::SerializeMatcher() const {
  const std::string general = general_.Serialize();
  const uint64_t length = general.size();
  std::string out(kRulesMagic);
  out.append(reinterpret_cast<const char*>(&length), sizeof(length));
  out += general;
  out += providers_.Serialize();
  return out;
}

bool RuleSet::loaded_precompiled() const {
  return (general_.size() == 0 || general_.loaded_precompiled()) &&
         (providers_.size() == 0 || providers_.loaded_precompiled());
}

bool RuleSet::IsProviderHost(std::string_view host) const {
  if (host.empty() || provider_suffixes_.empty()) return false;
  thread_local std::string lower;
  for (char c : host) {
    if (c != message::LowerAscii(c)) {
      lower.assign(host);
      for (char& d : lower) d = message::LowerAscii(d);
      host = lower;
      break;
    }
  }
  // The suffixes HostMatchesSuffix accepts: the whole host, and what follows each dot.
  while (true) {
    if (provider_suffixes_.contains(host)) return true;
    const size_t dot = host.find('.');
    if (dot == std::string_view::npos) return false;
    host.remove_prefix(dot + 1);
  }
}

bool RuleSet::Find(std::string_view normalized, std::string_view remote_host, std::string_view recipient_domain,
                   std::string_view format, RuleMatch* out) const {
  thread_local std::vector<uint32_t> found;
  thread_local std::vector<uint32_t> ids;
  ids.clear();
  found.clear();
  general_.Match(normalized, &found);
  for (uint32_t k : found) ids.push_back(general_rule_[k]);  // in rule order, as `found` is
  if (IsProviderHost(remote_host) || IsProviderHost(recipient_domain)) {
    found.clear();
    providers_.Match(normalized, &found);
    for (uint32_t k : found) ids.push_back(provider_rule_[k]);
    std::sort(ids.begin(), ids.end());
  }
  for (uint32_t id : ids) {
    const Rule& r = rules_[id];
    if (!r.host_suffix.empty() && !HostMatchesSuffix(remote_host, r.host_suffix) &&
        !HostMatchesSuffix(recipient_domain, r.host_suffix)) {
      continue;
    }
    if (!r.format.empty() && r.format != format) continue;
    out->cause = r.cause;
    out->sender_dmarc = r.dmarc;
    out->scoped = !r.host_suffix.empty() || !r.format.empty();
    out->general = r.general;
    // "phrase: PATTERN (SOURCE)", built in place: this runs for every reply.
    std::string& e = out->evidence;
    e.clear();
    e.reserve(r.host_suffix.size() + r.format.size() + r.pattern.size() + r.source.size() + 16);
    if (r.dmarc) {
      e += "dmarc";
    } else if (!r.host_suffix.empty()) {
      e += "provider ";
      e += r.host_suffix;
    } else if (!r.format.empty()) {
      e += "format ";
      e += r.format;
    } else {
      e += "phrase";
    }
    e += ": ";
    e += r.pattern;
    e += " (";
    e += r.source;
    e += ')';
    return true;
  }
  return false;
}

bool RuleSet::AddGivenUp(std::string_view text, std::string_view source, std::string* error) {
  return ForEachLine(text, [&](const std::vector<std::string_view>& f, size_t n, std::string_view line) {
    if (f.size() != 1 || f[0].empty()) {
      *error = Where(source, n) + ": expected one PATTERN, got \"" + std::string(line) + "\"";
      return false;
    }
    given_up_.push_back(message::ToLower(f[0]));
    return true;
  });
}

std::string_view RuleSet::GivenUp(std::string_view normalized) const {
  for (const std::string& p : given_up_) {
    if (normalized.find(p) != std::string_view::npos) return p;
  }
  return {};
}

std::string_view RuleSet::PseudoStatus(Cause cause, bool transient) const {
  return pseudo_[static_cast<size_t>(cause)][transient ? 1 : 0];
}

bool LoadRules(RuleSet* set, const std::string& user_rules_path, std::string* error) {
  using rebound::rules::File;
  if (!set->AddStatusCodes(File("status.tsv"), "rules/status.tsv", error) ||
      !set->AddPseudoStatus(File("pseudo-status.tsv"), "rules/pseudo-status.tsv", error) ||
      !set->AddGivenUp(File("given-up.tsv"), "rules/given-up.tsv", error)) {
    return false;
  }
  // User rules load next: their status lines override the table, and their
  // phrase rules get the smallest ids, so they win.
  if (!user_rules_path.empty()) {
    std::ifstream in(user_rules_path, std::ios::binary);
    if (!in) {
      *error = "cannot read rule file " + user_rules_path;
      return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (!set->AddUserRules(text.str(), user_rules_path, error)) return false;
  }
  return set->AddPhrases(File("dmarc.tsv"), "rules/dmarc.tsv", true, error) &&
         set->AddFormatRules(File("formats.tsv"), "rules/formats.tsv", error) &&
         set->AddProviders(File("providers.tsv"), "rules/providers.tsv", error) &&
         set->AddPhrases(File("phrases.tsv"), "rules/phrases.tsv", false, error);
}

std::string_view PrecompiledRules() { return rebound::rules::CompiledDatabase(); }

}  // namespace rebound::classify
