// Which messages of a connected inbox are bouncebacks of tracked one-to-one
// email, and how each is matched (inbox/detect.h), over the real classifier.
#include "inbox/detect.h"

#include <gtest/gtest.h>

#include <map>

#include "classify/classifier.h"

namespace rebound::inbox {
namespace {

class DetectTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    classifier_ = classify::Classifier::Create({}, &error).release();
    ASSERT_NE(classifier_, nullptr) << error;
  }
  static void TearDownTestSuite() { delete classifier_; }

  DetectTest() {
    store::Send s;
    s.id = 41;
    s.address = "kim@customer.example";
    s.message_id = "tracked-1@sales.example";
    sends_[s.message_id] = s;
    s.id = 42;
    s.address = "lee@customer.example";
    s.message_id = "tracked-2@sales.example";
    sends_[s.message_id] = s;
  }

  Detection Run(const std::string& raw) {
    message_.Parse(raw);
    std::vector<classify::Verdict> verdicts;
    classifier_->Classify(message_, &verdicts);
    Tracked t;
    t.by_message_id = [this](const std::string& id, store::Send* out, bool* found) {
      auto it = sends_.find(id);
      *found = it != sends_.end();
      if (*found) *out = it->second;
      return true;
    };
    t.by_send_id = [this](int64_t id, store::Send* out, bool* found) {
      *found = false;
      for (const auto& [k, s] : sends_) {
        if (s.id == id) {
          *out = s;
          *found = true;
        }
      }
      return true;
    };
    Detection d;
    std::string error;
    EXPECT_TRUE(Detect(message_, verdicts, t, &d, &error)) << error;
    verdicts_ = verdicts;
    return d;
  }

  static classify::Classifier* classifier_;
  std::map<std::string, store::Send> sends_;
  message::Message message_;
  std::vector<classify::Verdict> verdicts_;
};

classify::Classifier* DetectTest::classifier_ = nullptr;

std::string Dsn(const std::string& extra_headers, const std::string& rcpt, const std::string& original) {
  return "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>\r\n"
         "To: sales@sales.example\r\n"
         "Subject: Undelivered Mail Returned to Sender\r\n" +
         extra_headers +
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
         "--b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not\r\n"
         "be delivered to one or more recipients.\r\n\r\n"
         "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.example\r\n\r\n"
         "Final-Recipient: rfc822; " +
         rcpt + "\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <" + rcpt +
         ">: Recipient address rejected: User unknown\r\n\r\n"
         "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n" +
         original + "\r\n--b--\r\n";
}

TEST_F(DetectTest, DirectReplyBounceIsMatchedByInReplyTo) {
  Detection d = Run(Dsn("In-Reply-To: <tracked-1@sales.example>\r\nReferences: <tracked-1@sales.example>\r\n",
                        "kim@customer.example", "From: sales@sales.example\r\nSubject: hello\r\n"));
  EXPECT_EQ(d.kind, Detection::Kind::kBounce);
  EXPECT_EQ(d.matched_by, "in_reply_to");
  EXPECT_EQ(d.send.id, 41);
  EXPECT_EQ(verdicts_[d.verdict].type, classify::BounceType::kHard);
  EXPECT_NE(d.evidence.find("tracked-1@sales.example"), std::string::npos);
}

TEST_F(DetectTest, SeparateNoticeIsMatchedByTheReturnedHeaders) {
  Detection d = Run(Dsn("", "lee@customer.example",
                        "From: sales@sales.example\r\nTo: lee@customer.example\r\nSubject: offer\r\n"
                        "Message-ID: <tracked-2@sales.example>\r\n"));
  EXPECT_EQ(d.kind, Detection::Kind::kBounce);
  EXPECT_EQ(d.matched_by, "returned_message_id");
  EXPECT_EQ(d.send.id, 42);
}

TEST_F(DetectTest, SendIdHeaderMatchesWhenTheMessageIdWasRewritten) {
  Detection d = Run(Dsn("", "lee@customer.example",
                        "From: sales@sales.example\r\nMessage-ID: <rewritten-by-gateway@relay.example>\r\n"
                        "X-Rebound-Send-Id: 42\r\n"));
  EXPECT_EQ(d.kind, Detection::Kind::kBounce);
  EXPECT_EQ(d.matched_by, "returned_send_id");
  EXPECT_EQ(d.send.id, 42);
}

TEST_F(DetectTest, HeadersQuotedInAPlainTextNoticeMatch) {
  const std::string raw =
      "From: postmaster@gateway.example\r\nTo: sales@sales.example\r\n"
      "Subject: Delivery Status Notification (Failure)\r\nContent-Type: text/plain\r\n\r\n"
      "Your message could not be delivered to the following recipient:\r\n\r\n"
      "    lee@customer.example\r\n\r\n"
      "Reason: 550 5.1.1 The email account that you tried to reach does not exist.\r\n\r\n"
      "------ Original message headers ------\r\n\r\n"
      "From: sales@sales.example\r\nTo: lee@customer.example\r\nSubject: offer\r\n"
      "Message-ID: <tracked-2@sales.example>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n";
  Detection d = Run(raw);
  EXPECT_EQ(d.kind, Detection::Kind::kBounce) << d.why;
  EXPECT_EQ(d.matched_by, "returned_message_id");
  EXPECT_EQ(d.send.id, 42);
}

TEST_F(DetectTest, AReplyFromAPersonIsNotABounce) {
  Detection d =
      Run("From: Kim <kim@customer.example>\r\nTo: sales@sales.example\r\nSubject: Re: hello\r\n"
          "In-Reply-To: <tracked-1@sales.example>\r\nReferences: <tracked-1@sales.example>\r\n"
          "Content-Type: text/plain\r\n\r\nThanks, let's talk on Monday.\r\n\r\n> hello\r\n");
  EXPECT_EQ(d.kind, Detection::Kind::kNone);
}

TEST_F(DetectTest, OutOfOfficeToATrackedEmailIsAnAutoReply) {
  Detection d =
      Run("From: Kim <kim@customer.example>\r\nTo: sales@sales.example\r\nSubject: Out of Office: hello\r\n"
          "In-Reply-To: <tracked-1@sales.example>\r\nAuto-Submitted: auto-replied\r\n"
          "Content-Type: text/plain\r\n\r\nI am out of the office until Monday with limited access to email.\r\n");
  EXPECT_EQ(d.kind, Detection::Kind::kAutoReply);
  EXPECT_EQ(d.matched_by, "in_reply_to");
  EXPECT_EQ(d.send.id, 41);
}

TEST_F(DetectTest, GermanAbsenceNoticeIsAnAutoReply) {
  Detection d =
      Run("From: Kim <kim@customer.example>\r\nTo: sales@sales.example\r\nSubject: Abwesenheitsnotiz: hello\r\n"
          "In-Reply-To: <tracked-1@sales.example>\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n\r\nIch bin bis Montag nicht im Büro und habe keinen Zugriff auf "
          "meine E-Mails.\r\n");
  EXPECT_EQ(d.kind, Detection::Kind::kAutoReply);
}

TEST_F(DetectTest, BouncesOfUntrackedMailAreIgnored) {
  Detection d = Run(Dsn("In-Reply-To: <someone-else@elsewhere.example>\r\n", "pat@customer.example",
                        "From: sales@sales.example\r\nMessage-ID: <sent-from-the-phone@sales.example>\r\n"));
  EXPECT_EQ(d.kind, Detection::Kind::kNone);
  EXPECT_NE(d.why.find("did not send"), std::string::npos);
}

TEST(MessageIds, ReadsEveryIdOfAField) {
  EXPECT_EQ(MessageIds("<a@b> <c@d>\r\n\t<e@f>"), (std::vector<std::string>{"a@b", "c@d", "e@f"}));
  EXPECT_TRUE(MessageIds("no ids here").empty());
  EXPECT_TRUE(MessageIds("<unterminated@x").empty());
}

}  // namespace
}  // namespace rebound::inbox
