// The classification rules as data: phrase rules over a server's diagnostic
// text, rules for one receiving provider, phrases that mark the sender's own
// DMARC policy, the status-code table, and the codes used when a message
// states none. Formats are described in rules/README.md.
//
// Phrase-like rules are compiled into vectorscan databases so that one pass
// over a text finds every candidate; the rule with the smallest id whose
// provider or format (if any) fits wins. Ids follow load order: user rules,
// DMARC phrases, format rules, provider rules, general phrases. Provider
// rules have a database of their own, scanned only for a provider's host.
//
// Build with Add*() then Compile(); after that a RuleSet is immutable and
// thread-safe.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "classify/phrase_matcher.h"
#include "classify/status_table.h"
#include "formats/vocabulary.h"

namespace rebound::classify {

struct RuleMatch {
  formats::Cause cause = formats::Cause::kUndefined;
  bool sender_dmarc = false;  // the sender domain's own DMARC policy refused it
  bool scoped = false;        // a provider's or a format's own rule decided
  bool general = false;       // RFC 5321's generic words ("mailbox unavailable"), not a statement
  std::string evidence;       // "phrase: user unknown (rules/phrases.tsv:812)"
};

class RuleSet {
 public:
  // "CAUSE<TAB>PATTERN" lines, optionally "<TAB>general": the words are a
  // generic reply text (RFC 5321's "mailbox unavailable") that the stage or
  // the status may overrule. `dmarc` marks rules meaning the sender domain's
  // own DMARC policy.
  bool AddPhrases(std::string_view text, std::string_view source, bool dmarc, std::string* error);
  // "HOST_SUFFIX<TAB>CAUSE<TAB>PATTERN" lines.
  bool AddProviders(std::string_view text, std::string_view source, std::string* error);
  // "FORMAT<TAB>CAUSE<TAB>PATTERN" lines: an MTA's own fixed wording, used
  // only for bounces of that format.
  bool AddFormatRules(std::string_view text, std::string_view source, std::string* error);
  // "CODE<TAB>CAUSE" lines.
  bool AddStatusCodes(std::string_view text, std::string_view source, std::string* error);
  // "CAUSE<TAB>PERMANENT<TAB>TRANSIENT" lines.
  bool AddPseudoStatus(std::string_view text, std::string_view source, std::string* error);
  // One literal a line (lowercase): words saying the sender gave up on the
  // message, which make a DSN's "Action: delayed" final (rules/given-up.tsv).
  bool AddGivenUp(std::string_view text, std::string_view source, std::string* error);
  // A user's file mixing the three kinds, told apart by shape: three fields
  // are a provider rule, "CODE<TAB>CAUSE" a status rule, else a phrase.
  bool AddUserRules(std::string_view text, std::string_view source, std::string* error);

  // See PhraseMatcher::Compile for `precompiled`, which holds both
  // databases as SerializeMatcher() wrote them.
  bool Compile(std::string* error, std::string_view precompiled = {});
  std::string SerializeMatcher() const;
  bool loaded_precompiled() const;

  // The first rule matching `normalized` text (see NormalizeDiagnostic).
  // Provider rules count only when their suffix matches `remote_host` or
  // `recipient_domain` on a label boundary; format rules only when `format`
  // is theirs.
  bool Find(std::string_view normalized, std::string_view remote_host, std::string_view recipient_domain,
            std::string_view format, RuleMatch* out) const;

  // Rules that can never decide: a literal that contains an earlier literal
  // of the same or a wider scope always loses to it. One line per rule,
  // "SOURCE: PATTERN (shadowed by SOURCE: PATTERN)". The built-in rules
  // have none (a test checks), so that every line of rules/ means something.
  std::vector<std::string> ShadowedRules() const;

  const StatusTable& status() const { return status_; }
  // The x.0.9xx code for a cause when the message states no status.
  std::string_view PseudoStatus(formats::Cause cause, bool transient) const;
  // The given-up literal `normalized` holds, or "" when none.
  std::string_view GivenUp(std::string_view normalized) const;

 private:
  struct Rule {
    formats::Cause cause;
    bool dmarc;
    std::string host_suffix;  // empty: any provider
    std::string format;       // empty: any format
    std::string pattern;
    std::string source;
    bool general = false;  // phrases.tsv's third field "general"
  };
  bool AddRule(Rule rule, std::string* error);

  // True when `host` ends, on a label boundary, with a provider rule's suffix.
  bool IsProviderHost(std::string_view host) const;

  std::vector<Rule> rules_;
  // Provider rules live in a database of their own, scanned only when the
  // remote host or the recipient's domain is a provider's: most texts come
  // from elsewhere (and a reply classified alone names no host), and the
  // general scan is a third cheaper without them. Each database's pattern i
  // is rule general_rule_[i] or provider_rule_[i], in rule order.
  PhraseMatcher general_;
  PhraseMatcher providers_;
  std::vector<uint32_t> general_rule_;
  std::vector<uint32_t> provider_rule_;
  // The provider rules' host suffixes (lowercase), looked up by view.
  struct SuffixHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, SuffixHash, std::equal_to<>> provider_suffixes_;
  StatusTable status_;
  std::array<std::array<std::string, 2>, formats::kCauseCount> pseudo_;
  std::vector<std::string> given_up_;
};

// Loads the built-in rules of rules/ (embedded at build time) and, when
// `user_rules_path` is not empty, a user's file whose rules win, in the
// order that gives them their priority. Compile() is left to the caller.
bool LoadRules(RuleSet* set, const std::string& user_rules_path, std::string* error);

// The built-in rules' database compiled at build time (empty when the
// binary was built without it).
std::string_view PrecompiledRules();

// The text rules are matched against: multi-line SMTP replies joined
// without their "550-5.7.1 " continuation prefixes, blanks collapsed, ASCII
// lowercased, e-mail addresses replaced by "<addr>" so that a local part
// such as "blocked@" never triggers a rule.
std::string NormalizeDiagnostic(std::string_view text);

// True when `host` is `suffix` or ends with "." + suffix (case-insensitive).
bool HostMatchesSuffix(std::string_view host, std::string_view suffix);

}  // namespace rebound::classify
