#include "classify/classifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace rebound::classify {
namespace {

std::unique_ptr<Classifier> Make() {
  std::string error;
  auto c = Classifier::Create({}, &error);
  EXPECT_NE(c, nullptr) << error;
  return c;
}

std::string Example(const std::string& name) {
  std::ifstream in(std::string(REBOUND_EXAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Classifier, ClassifiesAStandardDsn) {
  auto c = Make();
  auto verdicts = c->ClassifyBytes(Example("dsn-unknown-user.eml"));
  ASSERT_EQ(verdicts.size(), 1u);
  const Verdict& v = verdicts[0];
  EXPECT_EQ(v.finding.recipient, "jane.doe@example.org");
  EXPECT_EQ(v.type, BounceType::kHard);
  EXPECT_EQ(v.reason, Reason::kUnknownUser);
  EXPECT_EQ(v.cause, formats::Cause::kUserUnknown);
  EXPECT_EQ(v.finding.status, "5.1.1");
  EXPECT_EQ(v.finding.reply_code, "550");
  EXPECT_EQ(v.finding.remote_mta, "mail.example.org");
  EXPECT_EQ(v.format, "postfix");
  EXPECT_EQ(v.original_message_id, "send-000042@shop.example.net");
  EXPECT_FALSE(v.evidence.empty());
}

TEST(Classifier, DelayedDsnIsPending) {
  auto c = Make();
  std::string raw =
      "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; report-type=delivery-status; boundary=d\n\n"
      "--d\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x.example\n\n"
      "Final-Recipient: rfc822; a@b.example\nAction: delayed\nStatus: 4.4.1\n"
      "Diagnostic-Code: smtp; 421 4.4.1 connection timed out\n--d--\n";
  auto verdicts = c->ClassifyBytes(raw);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].type, BounceType::kPending);
  EXPECT_EQ(verdicts[0].finding.action, "delayed");
}

// A carrier's fixed sentence decides through a format rule, for that
// format's bounces only.
TEST(Classifier, FormatRulesDecideForTheirFormat) {
  auto c = Make();
  const std::string kddi =
      "From: no-reply@example.dion.ne.jp\nSubject: Mail\n\n"
      "Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900\n"
      "     Could not be delivered to: <user@example.dion.ne.jp>\n"
      "     As the remote domain doesnt exist.\n";
  auto verdicts = c->ClassifyBytes(kddi);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].format, "kddi");
  EXPECT_EQ(verdicts[0].cause, formats::Cause::kHostUnknown);
  ASSERT_GE(verdicts[0].evidence.size(), 2u);
  EXPECT_NE(verdicts[0].evidence[1].find("format kddi:"), std::string::npos) << verdicts[0].evidence[1];
  // The same words in a reply of no known format are not KDDI's.
  Verdict v = c->ClassifyReply("550 As the remote domain doesnt exist.");
  EXPECT_NE(v.cause, formats::Cause::kHostUnknown);
}

TEST(Classifier, NotABounceGivesOneNoneRecord) {
  auto c = Make();
  auto verdicts = c->ClassifyBytes("From: a@b.example\nSubject: hello\n\nJust a note.\n");
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].type, BounceType::kNone);
  EXPECT_TRUE(verdicts[0].error.empty());
}

TEST(Classifier, EmptyInputIsAClearError) {
  auto c = Make();
  auto verdicts = c->ClassifyBytes("");
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_FALSE(verdicts[0].error.empty());
}

TEST(Classifier, ReplyCodes) {
  auto c = Make();
  Verdict v = c->ClassifyReply("550 5.1.1 <a@b.example>: Recipient address rejected: User unknown");
  EXPECT_EQ(v.type, BounceType::kHard);
  EXPECT_EQ(v.finding.status, "5.1.1");
  EXPECT_EQ(v.finding.reply_code, "550");
  EXPECT_EQ(v.cause, formats::Cause::kUserUnknown);
  Verdict t = c->ClassifyReply("452 4.2.2 Mailbox full");
  EXPECT_EQ(t.type, BounceType::kSoft);
  EXPECT_EQ(t.reason, Reason::kRecipientTemporary);
  Verdict ok = c->ClassifyReply("250 2.1.5 Ok");
  EXPECT_EQ(ok.type, BounceType::kNone);
}

TEST(Classifier, BadExtraRuleFileIsRejectedWithItsLine) {
  std::string path = ::testing::TempDir() + "/bad-rules.tsv";
  std::ofstream(path) << "# comment\n5.1.1\tuserunknown\nnot a rule\n";
  ClassifierOptions options;
  options.extra_rules = path;
  std::string error;
  EXPECT_EQ(Classifier::Create(options, &error), nullptr);
  EXPECT_NE(error.find(":3:"), std::string::npos) << error;
}

TEST(Classifier, ExtraRulesWinOverBuiltIn) {
  std::string path = ::testing::TempDir() + "/extra-rules.tsv";
  std::ofstream(path) << "5.1.1\tsuspend\n";
  ClassifierOptions options;
  options.extra_rules = path;
  std::string error;
  auto c = Classifier::Create(options, &error);
  ASSERT_NE(c, nullptr) << error;
  EXPECT_EQ(c->ClassifyReply("550 5.1.1 gone").cause, formats::Cause::kSuspend);
}

}  // namespace
}  // namespace rebound::classify

namespace rebound::classify {
namespace {

TEST(Classifier, SenderDmarcPolicyIsSoftDmarcNotAuthorized) {
  auto c = Make();
  Verdict v = c->ClassifyReply(
      "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's\n"
      "550-5.7.26 DMARC policy. Please contact the administrator of example.com domain.");
  EXPECT_EQ(v.type, BounceType::kSoft);
  EXPECT_EQ(v.reason, Reason::kDmarcNotAuthorized);
  EXPECT_EQ(v.cause, formats::Cause::kAuthFailure);
  bool dmarc_evidence = false;
  for (const std::string& e : v.evidence) dmarc_evidence = dmarc_evidence || e.starts_with("dmarc:");
  EXPECT_TRUE(dmarc_evidence);
}

TEST(Classifier, RejectionsAtGreetingAndMailFromFollowTheCommand) {
  auto c = Make();
  std::string raw =
      "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nThis is the mail system at host x.example.\n\n"
      "<who@y.example>: host mx.y.example[192.0.2.9] said: 550 Nope (in reply to\n    MAIL FROM command)\n\n"
      "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x.example\nX-Postfix-Queue-ID: 1\n\n"
      "Final-Recipient: rfc822; who@y.example\nAction: failed\nStatus: 5.0.0\n--b--\n";
  auto verdicts = c->ClassifyBytes(raw);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].finding.command, "MAIL");
  EXPECT_EQ(verdicts[0].cause, formats::Cause::kRejected);
}

TEST(Classifier, IsSafeToShareBetweenThreads) {
  auto c = Make();
  const std::string raw = Example("dsn-unknown-user.eml");
  std::vector<std::thread> threads;
  std::atomic<int> agree{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto v = c->ClassifyBytes(raw);
        Verdict r = c->ClassifyReply("452 4.2.2 Mailbox full");
        if (v.size() == 1 && v[0].cause == formats::Cause::kUserUnknown && r.reason == Reason::kRecipientTemporary) {
          ++agree;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(agree.load(), 800);
}

}  // namespace
}  // namespace rebound::classify
