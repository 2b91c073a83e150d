// Group A decoders on small synthetic notices written from each MTA's
// fixed template.
#include <gtest/gtest.h>

#include <string>

#include "decode_text.h"
#include "formats/formats.h"
#include "formats/util.h"

namespace rebound::formats {
namespace {

TEST(GroupA, Qmail) {
  std::string raw =
      "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\n"
      "Hi. This is the qmail-send program at mx.example.net.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
      "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
      "<Someone@Example.ORG>:\n"
      "192.0.2.7 does not like recipient.\n"
      "Remote host said: 550-5.1.1 The email account that you tried to reach does\n"
      "550 5.1.1 not exist.\n"
      "Giving up on 192.0.2.7.\n\n"
      "--- Below this line is a copy of the message.\n\nSubject: hi\n\nhello\n";
  Report r = DecodeRecognised(raw);
  EXPECT_EQ(r.format, "qmail");
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.recipient, "someone@example.org");
  EXPECT_EQ(f.status, "5.1.1");
  EXPECT_EQ(f.reply_code, "550");
  EXPECT_EQ(f.diagnostic, "550-5.1.1 The email account that you tried to reach does not exist.");
  EXPECT_EQ(f.command, "RCPT");
  EXPECT_EQ(f.remote_mta, "192.0.2.7");
  EXPECT_EQ(f.action, "failed");
}

TEST(GroupA, EximTwoRecipientsAndTimeout) {
  std::string raw =
      "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
      "Subject: Mail delivery failed: returning message to sender\n\n"
      "This message was created automatically by mail delivery software.\n\n"
      "A message that you sent could not be delivered to one or more of its\n"
      "recipients. This is a permanent error. The following address(es) failed:\n\n"
      "  a@example.org\n"
      "    host mx.example.org [192.0.2.1]\n"
      "    SMTP error from remote mail server after RCPT TO:<a@example.org>:\n"
      "    550 5.2.2 <a@example.org>: mailbox full\n"
      "  b@example.com\n"
      "    retry timeout exceeded\n\n"
      "------ This is a copy of the message, including all the headers. ------\n\nSubject: x\n";
  Report r = DecodeRecognised(raw);
  EXPECT_EQ(r.format, "exim");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].recipient, "a@example.org");
  EXPECT_EQ(r.findings[0].status, "5.2.2");
  EXPECT_EQ(r.findings[0].reply_code, "550");
  EXPECT_EQ(r.findings[0].command, "RCPT");
  EXPECT_EQ(r.findings[0].remote_mta, "mx.example.org");
  EXPECT_EQ(r.findings[0].diagnostic, "550 5.2.2 <a@example.org>: mailbox full");
  EXPECT_EQ(r.findings[1].recipient, "b@example.com");
  EXPECT_EQ(r.findings[1].cause, Cause::kExpired);
}

TEST(GroupA, EximDelayWarning) {
  std::string raw =
      "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
      "Subject: Warning: message 1abc-00 delayed 24 hours\n\n"
      "This message was created automatically by mail delivery software.\n"
      "A message that you sent has not yet been delivered to one or more of its\n"
      "recipients after more than 24 hours on the queue on mx.example.net.\n\n"
      "The address to which the message has not yet been delivered is:\n\n"
      "  c@example.org\n"
      "    Delay reason: SMTP error from remote mail server after MAIL FROM:<s@example.net>:\n"
      "    451 4.7.1 Greylisted\n\n"
      "No action is required on your part.\n";
  Report r = DecodeRecognised(raw);
  EXPECT_EQ(r.format, "exim");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].action, "delayed");
  EXPECT_EQ(r.findings[0].status, "4.7.1");
  EXPECT_EQ(r.findings[0].command, "MAIL");
  EXPECT_EQ(r.findings[0].cause, Cause::kUndefined);
}

TEST(GroupA, Gmail) {
  std::string raw =
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
      "Subject: Delivery Status Notification (Failure)\n\n"
      "Delivery to the following recipient failed permanently:\n\n"
      "     who@example.jp\n\n"
      "Technical details of permanent failure:\n"
      "Google tried to deliver your message, but it was rejected by the server for the recipient domain "
      "example.jp by mx.example.jp. [192.0.2.9].\n\n"
      "The error that the other server returned was:\n"
      "550 5.1.1 <who@example.jp>... User Unknown\n\n"
      "----- Original message -----\n\nSubject: x\n";
  Report r = DecodeRecognised(raw);
  EXPECT_EQ(r.format, "gmail");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "who@example.jp");
  EXPECT_EQ(r.findings[0].status, "5.1.1");
  EXPECT_EQ(r.findings[0].diagnostic, "550 5.1.1 <who@example.jp>... User Unknown");
  EXPECT_EQ(r.findings[0].remote_mta, "mx.example.jp");
}

TEST(GroupA, JoinReplyLinesDropsRepeatedPrefixes) {
  EXPECT_EQ(JoinReplyLines("550-5.7.26 first part\n\n550-5.7.26 second\n550 5.7.26  last"),
            "550-5.7.26 first part second last");
  // Blank runs of any kind inside and between lines become one space; the
  // line list and the text give the same answer.
  EXPECT_EQ(JoinReplyLines("  a\t\tb \r\n\n c  \nd\r"), "a b c d");
  EXPECT_EQ(JoinReplyLines(std::vector<std::string_view>{"  a\t\tb \r", "", " c  ", "d\r"}), "a b c d");
  EXPECT_EQ(JoinReplyLines("\n\n"), "");
  EXPECT_EQ(SmtpCommandIn("SMTP error from remote mail server after end of data:"), "DATA");
  EXPECT_EQ(SmtpCommandIn("(in reply to RCPT TO command)"), "RCPT");
  EXPECT_EQ(SmtpCommandIn("nothing here"), "");
}

// The earliest command named wins; "DATA", "EHLO", "HELO" and "STARTTLS"
// count only in capitals and only as whole words.
TEST(GroupA, SmtpCommandInTakesTheEarliestWholeWord) {
  EXPECT_EQ(SmtpCommandIn("after MAIL FROM, then RCPT TO"), "MAIL");
  EXPECT_EQ(SmtpCommandIn("rcpt to <a@b>: no mail from here"), "RCPT");
  EXPECT_EQ(SmtpCommandIn("the data was bad, said after DATA"), "DATA");
  EXPECT_EQ(SmtpCommandIn("metadata error"), "");
  EXPECT_EQ(SmtpCommandIn("rejected at the greeting"), "CONN");
  EXPECT_EQ(SmtpCommandIn("lost connection after EHLO"), "EHLO");
  EXPECT_EQ(SmtpCommandIn("failed to connect to mx.example.org"), "CONN");
  EXPECT_EQ(SmtpCommandIn("helo there; STARTTLS failed"), "STARTTLS");
  EXPECT_EQ(SmtpCommandIn("after end of data"), "DATA");
}

}  // namespace
}  // namespace rebound::formats
