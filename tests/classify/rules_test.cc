#include "classify/rules.h"

#include <gtest/gtest.h>

namespace rebound::classify {
namespace {

TEST(Rules, NormalizeJoinsMultiLineRepliesAndHidesAddresses) {
  EXPECT_EQ(NormalizeDiagnostic("550-5.7.26 Unauthenticated email from Example.com is not\n"
                                "550-5.7.26 accepted due to domain's DMARC\n550 5.7.26 policy."),
            "550-5.7.26 unauthenticated email from example.com is not accepted due to domain's dmarc policy.");
  EXPECT_EQ(NormalizeDiagnostic("  550  <Blocked@Example.ORG>:\tUser   unknown "), "550 <<addr>>: user unknown");
  // Another reply's code in the middle of the text is kept.
  EXPECT_EQ(NormalizeDiagnostic("host said: 550 5.1.1 no"), "host said: 550 5.1.1 no");
  // The shortest addresses grow the most ("a@b" becomes "<addr>"); a text of
  // nothing else doubles in size and must not overrun.
  std::string many;
  for (int i = 0; i < 500; ++i) many += "a@b\n";
  std::string expected;
  for (int i = 0; i < 500; ++i) expected += i == 0 ? "<addr>" : " <addr>";
  EXPECT_EQ(NormalizeDiagnostic(many), expected);
  EXPECT_EQ(NormalizeDiagnostic("x@y"), "<addr>");
  EXPECT_EQ(NormalizeDiagnostic(""), "");
  EXPECT_EQ(NormalizeDiagnostic(" @ "), "@");
  // A prefix repeated on a continuation line is joined away; another code is kept.
  EXPECT_EQ(NormalizeDiagnostic("550-Mailbox\n550 unavailable"), "550-mailbox unavailable");
  EXPECT_EQ(NormalizeDiagnostic("550-Mailbox\n450 busy"), "550-mailbox 450 busy");
}

// Runs of plain bytes are lowercased sixteen at a time: the result must not
// depend on where capitals, blanks and 8-bit bytes fall in those blocks.
// Checked against the plain definition (ASCII capitals lowered, blank runs
// made one space, ends trimmed) on random texts without addresses or codes.
TEST(Rules, NormalizeAgreesWithThePlainDefinitionAtEveryOffset) {
  static constexpr char kBytes[] = {'a', 'Z', 'q', 'M', ' ', '\t', '\n', '\r', '.', ':', '\xC3', '\x80', '[', '`'};
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t size = next() % 90;
    for (size_t i = 0; i < size; ++i) text.push_back(kBytes[next() % sizeof(kBytes)]);
    std::string expected;
    bool pending = false;
    for (char c : text) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pending = !expected.empty();
        continue;
      }
      if (pending) expected.push_back(' ');
      pending = false;
      expected.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
    ASSERT_EQ(NormalizeDiagnostic(text), expected) << round;
  }
}

TEST(Rules, ProviderSuffixesMatchOnLabelBoundaries) {
  EXPECT_TRUE(HostMatchesSuffix("aspmx.l.google.com", "google.com"));
  EXPECT_TRUE(HostMatchesSuffix("GOOGLE.COM", "google.com"));
  EXPECT_FALSE(HostMatchesSuffix("notgoogle.com", "google.com"));
  EXPECT_FALSE(HostMatchesSuffix("", "google.com"));
}

TEST(Rules, BuiltInRulesLoadPrecompiledAndMatch) {
  RuleSet set;
  std::string error;
  ASSERT_TRUE(LoadRules(&set, "", &error)) << error;
  ASSERT_TRUE(set.Compile(&error, PrecompiledRules())) << error;
  EXPECT_TRUE(set.loaded_precompiled());
  RuleMatch m;
  ASSERT_TRUE(set.Find(NormalizeDiagnostic("550 5.1.1 <a@b.example>: Recipient address rejected: User unknown"), "", "",
                       "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kUserUnknown);
  EXPECT_NE(m.evidence.find("rules/"), std::string::npos);
}

// Servers answer in their users' languages (the 8-bit phrases match as the
// UTF-8 the message layer hands over) and in their own words.
TEST(Rules, PhrasesOfRealServersMatch) {
  RuleSet set;
  std::string error;
  ASSERT_TRUE(LoadRules(&set, "", &error)) << error;
  ASSERT_TRUE(set.Compile(&error, PrecompiledRules())) << error;
  struct Case {
    const char* reply;
    formats::Cause cause;
  };
  for (const Case& c : {Case{"550 5.1.1 <a@b.example>: Empfänger unbekannt", formats::Cause::kUserUnknown},
                        Case{"550 5.1.1 Utente sconosciuto", formats::Cause::kUserUnknown},
                        Case{"550 5.1.1 Usuário desconhecido", formats::Cause::kUserUnknown},
                        Case{"550 5.1.1 宛先不明です", formats::Cause::kUserUnknown},
                        Case{"552 5.2.2 Postfach ist voll", formats::Cause::kMailboxFull},
                        Case{"552 Boîte aux lettres pleine", formats::Cause::kMailboxFull},
                        Case{"452 4.2.2 Caixa postal cheia", formats::Cause::kMailboxFull},
                        // Gmail's bulk-sender rule: the receiver's own authentication
                        // requirement, not the sender domain's DMARC policy.
                        Case{"550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and "
                             "Gmail users, and has been blocked.",
                             formats::Cause::kAuthFailure}}) {
    RuleMatch m;
    ASSERT_TRUE(set.Find(NormalizeDiagnostic(c.reply), "", "", "", &m)) << c.reply;
    EXPECT_EQ(m.cause, c.cause) << c.reply;
  }
}

// A rule that contains an earlier rule's words never decides anything: it
// would only mislead whoever reads rules/.
TEST(Rules, NoBuiltInRuleIsShadowed) {
  RuleSet set;
  std::string error;
  ASSERT_TRUE(LoadRules(&set, "", &error)) << error;
  std::string all;
  for (const std::string& s : set.ShadowedRules()) all += s + "\n";
  EXPECT_EQ(all, "");
}

TEST(Rules, ShadowedRulesAreFoundByScope) {
  RuleSet set;
  std::string error;
  ASSERT_TRUE(set.AddProviders("example.net\tblocked\tspam\n", "p", &error)) << error;
  ASSERT_TRUE(
      set.AddPhrases("userunknown\tno such user\nuserunknown\tno such user here\nspamdetected\tspam "
                     "detected\n",
                     "g", false, &error))
      << error;
  ASSERT_TRUE(set.AddProviders("example.net\tblocked\tspam filter\nexample.org\tblocked\tspam list\n", "q", &error))
      << error;
  const std::vector<std::string> shadowed = set.ShadowedRules();
  // "spam detected" is general: the provider rule "spam" covers example.net only.
  ASSERT_EQ(shadowed.size(), 2u);
  EXPECT_EQ(shadowed[0], "g:2: no such user here (shadowed by g:1: no such user)");
  EXPECT_EQ(shadowed[1], "q:1: spam filter (shadowed by p:1: spam)");
}

TEST(Rules, ADifferentRuleSetDoesNotUseThePrecompiledDatabase) {
  RuleSet set;
  std::string error;
  ASSERT_TRUE(set.AddPhrases("mailboxfull\tover quota\n", "test", false, &error)) << error;
  ASSERT_TRUE(set.Compile(&error, PrecompiledRules())) << error;
  EXPECT_FALSE(set.loaded_precompiled());
  RuleMatch m;
  ASSERT_TRUE(set.Find("mailbox is over quota", "", "", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kMailboxFull);
}

TEST(Rules, DmarcAndProviderRules) {
  RuleSet set;
  std::string error;
  ASSERT_TRUE(set.AddPhrases("authfailure\tdomain's dmarc policy\n", "d", true, &error));
  ASSERT_TRUE(set.AddProviders("example.net\tblocked\t/\\[ts0[0-9]\\]/\n", "p", &error));
  ASSERT_TRUE(set.AddPhrases("rejected\tdeferred\n", "g", false, &error));
  ASSERT_TRUE(set.Compile(&error)) << error;
  RuleMatch m;
  ASSERT_TRUE(set.Find("550 rejected due to domain's dmarc policy", "", "", "", &m));
  EXPECT_TRUE(m.sender_dmarc);
  ASSERT_TRUE(set.Find("421 [ts01] deferred", "mx.example.net", "", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kBlocked);
  ASSERT_TRUE(set.Find("421 [ts01] deferred", "mx.other.example", "", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kRejected);  // provider rule does not apply
  // The provider is told by the remote host or by the recipient's domain,
  // in any case, on a label boundary only.
  ASSERT_TRUE(set.Find("421 [ts01] deferred", "MX.Example.NET", "", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kBlocked);
  ASSERT_TRUE(set.Find("421 [ts01] deferred", "", "example.net", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kBlocked);
  ASSERT_TRUE(set.Find("421 [ts01] deferred", "mx.notexample.net", "notexample.net", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kRejected);
}

// Provider rules sit in a database of their own: a rule set compiled and
// loaded back from its serialized form matches the same, both ways.
TEST(Rules, SerializedRuleSetLoadsBothDatabases) {
  auto fill = [](RuleSet* set, std::string* error) {
    return set->AddProviders("example.net\tblocked\t[ts01]\n", "p", error) &&
           set->AddPhrases("rejected\tdeferred\n", "g", false, error);
  };
  RuleSet built;
  std::string error;
  ASSERT_TRUE(fill(&built, &error)) << error;
  ASSERT_TRUE(built.Compile(&error)) << error;
  EXPECT_FALSE(built.loaded_precompiled());
  RuleSet loaded;
  ASSERT_TRUE(fill(&loaded, &error)) << error;
  ASSERT_TRUE(loaded.Compile(&error, built.SerializeMatcher())) << error;
  EXPECT_TRUE(loaded.loaded_precompiled());
  RuleMatch m;
  ASSERT_TRUE(loaded.Find("421 [ts01] deferred", "mx.example.net", "", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kBlocked);
  ASSERT_TRUE(loaded.Find("421 [ts01] deferred", "mx.example.org", "", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kRejected);
  // A truncated blob is not loaded: both databases are compiled instead.
  RuleSet fallback;
  ASSERT_TRUE(fill(&fallback, &error)) << error;
  ASSERT_TRUE(fallback.Compile(&error, built.SerializeMatcher().substr(0, 12))) << error;
  EXPECT_FALSE(fallback.loaded_precompiled());
  ASSERT_TRUE(fallback.Find("421 [ts01] deferred", "mx.example.net", "", "", &m));
  EXPECT_EQ(m.cause, formats::Cause::kBlocked);
}

TEST(Rules, MalformedLinesAreRejectedWithTheirPlace) {
  RuleSet set;
  std::string error;
  EXPECT_FALSE(set.AddPhrases("# ok\nnosuchcause\tfoo\n", "rules/x.tsv", false, &error));
  EXPECT_NE(error.find("rules/x.tsv:2"), std::string::npos) << error;
  EXPECT_FALSE(set.AddProviders("google.com\tblocked\n", "rules/y.tsv", &error));
  EXPECT_NE(error.find("rules/y.tsv:1"), std::string::npos) << error;
  RuleSet bad;
  ASSERT_TRUE(bad.AddPhrases("blocked\t/(unclosed/\n", "rules/z.tsv", false, &error));
  EXPECT_FALSE(bad.Compile(&error));
  EXPECT_NE(error.find("rules/z.tsv:1"), std::string::npos) << error;
}

}  // namespace
}  // namespace rebound::classify
