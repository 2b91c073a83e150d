// Decoders of group b on small synthetic messages in each format's template.
#include <gtest/gtest.h>

#include <string>

#include "decode_text.h"
#include "formats/formats.h"

namespace rebound::formats {
namespace {

TEST(GroupB, MfilterReadsServerMessageAndCommand) {
  Report r = DecodeText(
      "From: POSTMASTER <postmaster@example.net>\n"
      "Subject: failure notice\n"
      "X-Mailer: m-FILTER\n"
      "Content-Type: text/plain; charset=UTF-8\n"
      "\n"
      "\xE4\xBB\xA5\xE4\xB8\x8B\n"
      "User@Example.COM\n"
      "\n"
      "-------server message\n"
      "550 5.1.1 <user@example.com>: Recipient address rejected\n"
      "\n"
      "-------SMTP command\n"
      "RCPT TO\n"
      "\n"
      "-------original mail info\n"
      "From: a@example.net\n");
  EXPECT_EQ(r.format, "mfilter");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "user@example.com");
  EXPECT_EQ(r.findings[0].status, "5.1.1");
  EXPECT_EQ(r.findings[0].reply_code, "550");
  EXPECT_EQ(r.findings[0].command, "RCPT");
  EXPECT_EQ(r.findings[0].diagnostic, "550 5.1.1 <user@example.com>: Recipient address rejected");
}

TEST(GroupB, X2ReadsEveryBlockAndQueueTimeout) {
  Report r = DecodeText(
      "From: MAILER-DAEMON@example.com\n"
      "Subject: Delivery failure\n"
      "\n"
      "Message from example.com.\n"
      "Unable to deliver message to the following address(es).\n"
      "\n"
      "<one@example.org>:\n"
      "Sorry, your message to one@example.org cannot be delivered.  This account is over quota.\n"
      "\n"
      "<two@example.org>:\n"
      "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n"
      "I'm not going to try again; this message has been in the queue too long.\n"
      "\n"
      "--- Original message follows.\n"
      "\n"
      "To: one@example.org\n");
  EXPECT_EQ(r.format, "x2");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].recipient, "one@example.org");
  EXPECT_EQ(r.findings[0].cause, Cause::kUndefined);  // the classifier reads the text
  EXPECT_EQ(r.findings[1].recipient, "two@example.org");
  EXPECT_EQ(r.findings[1].status, "4.4.1");
  EXPECT_EQ(r.findings[1].diagnostic, "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)");
  EXPECT_EQ(r.findings[1].cause, Cause::kExpired);
}

TEST(GroupB, X6ReadsRecipientReplyAndCommand) {
  Report r = DecodeText(
      "From: mailer-daemon\n"
      "Subject: There was an error sending your mail\n"
      "\n"
      "We had trouble delivering your message. Full details follow:\n"
      "\n"
      "1 error(s):\n"
      "\n"
      "SMTP Server <mx.example.org> rejected recipient <Who@Example.org> (Error following RCPT command). "
      "It responded as follows: [550 5.1.1 User unknown]\n");
  EXPECT_EQ(r.format, "x6");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "who@example.org");
  EXPECT_EQ(r.findings[0].diagnostic, "550 5.1.1 User unknown");
  EXPECT_EQ(r.findings[0].status, "5.1.1");
  EXPECT_EQ(r.findings[0].command, "RCPT");
  EXPECT_EQ(r.findings[0].remote_mta, "mx.example.org");
}

// The cause of KDDI's fixed reasons is a format rule (rules/formats.tsv,
// tested in classify/classifier_test.cc); the decoder finds the reason.
TEST(GroupB, KddiNoticeGivesRecipientAndReason) {
  Report r = DecodeText(
      "From: no-reply@example.dion.ne.jp\n"
      "Subject: Mail\n"
      "Content-Type: text/plain; charset=ISO-2022-JP\n"
      "\n"
      "Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900\n"
      "     Could not be delivered to: <user@example.dion.ne.jp>\n"
      "     As their mailbox is full.\n");
  EXPECT_EQ(r.format, "kddi");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "user@example.dion.ne.jp");
  EXPECT_EQ(r.findings[0].diagnostic, "As their mailbox is full.");
}

TEST(GroupB, AmazonSesUnwrapsTheRemoteReply) {
  Report r = DecodeText(
      "From: MAILER-DAEMON@amazonses.com\n"
      "Subject: Delivery Status Notification (Failure)\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
      "\n"
      "--b\n"
      "Content-Type: text/plain\n"
      "\n"
      "An error occurred while trying to deliver the mail to the following recipients:\n"
      "user@example.com\n"
      "--b\n"
      "Content-Type: message/delivery-status\n"
      "\n"
      "Reporting-MTA: dsn; a1.smtp-out.amazonses.com\n"
      "\n"
      "Final-Recipient: rfc822; user@example.com\n"
      "Action: failed\n"
      "Status: 4.4.7\n"
      "Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection "
      "timed out>\n"
      "\n"
      "--b--\n");
  EXPECT_EQ(r.format, "amazonses");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "user@example.com");
  EXPECT_EQ(r.findings[0].status, "4.4.2");
  EXPECT_EQ(r.findings[0].reply_code, "421");
}

TEST(GroupB, FmlNonMemberIsRejected) {
  Report r = DecodeText(
      "From: list-admin@example.org\n"
      "Subject: You sender@example.net are not member (list ML)\n"
      "X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n"
      "\n"
      "You are not a member of this mailing list <list@example.org>.\n"
      "\n"
      "If you know the general guide of this list, please send mail.\n");
  EXPECT_EQ(r.format, "fml");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "list@example.org");
  EXPECT_EQ(r.findings[0].cause, Cause::kRejected);
}

TEST(GroupB, OtherNoticesAreNotClaimed) {
  // A plain message with a MAILER-DAEMON sender but none of the templates.
  Report r = DecodeText(
      "From: MAILER-DAEMON@example.com\n"
      "Subject: Hello\n"
      "\n"
      "Nothing bounced here.\n");
  EXPECT_NE(r.format, "x1");
  EXPECT_NE(r.format, "x2");
  EXPECT_NE(r.format, "x4");
}

}  // namespace
}  // namespace rebound::formats
