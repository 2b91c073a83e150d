#include "intake/smtp_session.h"

#include <gtest/gtest.h>

namespace rebound::intake {
namespace {

SmtpSession Make(bool lmtp = false, size_t max_bytes = 1000) {
  SmtpSession::Options o;
  o.lmtp = lmtp;
  o.hostname = "bounces.example.net";
  o.max_message_bytes = max_bytes;
  o.max_recipients = 3;
  return SmtpSession(o, [](std::string_view a) {
    return a.starts_with("bounce+") ? std::string() : "550 5.1.1 <" + std::string(a) + ">: not a signed address";
  });
}

TEST(SmtpSession, AcceptsABounceToASignedAddress) {
  SmtpSession s = Make();
  EXPECT_TRUE(s.Greeting().starts_with("220 bounces.example.net ESMTP"));
  EXPECT_TRUE(s.OnLine("EHLO mx.example.org").find("250 SMTPUTF8\r\n") != std::string::npos);
  EXPECT_EQ(s.OnLine("MAIL FROM:<>"), "250 2.1.0 OK\r\n");  // bounces come from the null sender
  EXPECT_EQ(s.OnLine("RCPT TO:<bounce+abc@bounces.example.net>"), "250 2.1.5 OK\r\n");
  EXPECT_EQ(s.OnLine("DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(s.OnLine("Subject: failure"), "");
  EXPECT_EQ(s.OnLine(""), "");
  EXPECT_EQ(s.OnLine("..leading dot"), "");
  EXPECT_EQ(s.OnLine("."), "");
  ASSERT_TRUE(s.message_ready());
  EXPECT_EQ(s.message(), "Subject: failure\r\n\r\n.leading dot\r\n");
  EXPECT_EQ(s.sender(), "");
  EXPECT_EQ(s.recipients(), std::vector<std::string>{"bounce+abc@bounces.example.net"});
  // Nothing is answered until the message is stored.
  EXPECT_EQ(s.OnLine("NOOP"), "");
  EXPECT_EQ(s.Finish(true, "q1"), "250 2.0.0 Stored as q1\r\n");
  EXPECT_FALSE(s.message_ready());
  EXPECT_EQ(s.OnLine("QUIT"), "221 2.0.0 Bye\r\n");
  EXPECT_TRUE(s.closed());
}

TEST(SmtpSession, RefusesUnsignedRecipientsAndNeverRelays) {
  SmtpSession s = Make();
  s.OnLine("EHLO x");
  s.OnLine("MAIL FROM:<>");
  EXPECT_TRUE(s.OnLine("RCPT TO:<victim@elsewhere.example>").starts_with("550 5.1.1"));
  EXPECT_EQ(s.OnLine("DATA"), "503 5.5.1 Need RCPT before DATA\r\n");
}

TEST(SmtpSession, EnforcesTheSizeLimit) {
  SmtpSession s = Make(false, 100);
  s.OnLine("EHLO x");
  EXPECT_EQ(s.OnLine("MAIL FROM:<> SIZE=5000"), "552 5.3.4 Message too big for this receiver\r\n");
  s.OnLine("MAIL FROM:<>");
  s.OnLine("RCPT TO:<bounce+a@b>");
  s.OnLine("DATA");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.OnLine(std::string(50, 'x')), "");
  EXPECT_EQ(s.OnLine("."), "552 5.3.4 Message too big for this receiver\r\n");
  EXPECT_FALSE(s.message_ready());
  EXPECT_TRUE(s.message().empty());
  // The session goes on.
  EXPECT_EQ(s.OnLine("MAIL FROM:<>"), "250 2.1.0 OK\r\n");
}

TEST(SmtpSession, CommandSequenceAndSyntax) {
  SmtpSession s = Make();
  EXPECT_EQ(s.OnLine("MAIL FROM:<>"), "503 5.5.1 Say hello first\r\n");
  EXPECT_EQ(s.OnLine("EHLO"), "501 5.5.4 Syntax: EHLO hostname\r\n");
  EXPECT_EQ(s.OnLine("HELO x"), "250 bounces.example.net\r\n");
  EXPECT_EQ(s.OnLine("RCPT TO:<bounce+a@b>"), "503 5.5.1 Need MAIL before RCPT\r\n");
  EXPECT_EQ(s.OnLine("MAIL FROM:nobrackets"), "501 5.1.7 Bad sender address syntax\r\n");
  EXPECT_EQ(s.OnLine("mail from:<a@b>"), "250 2.1.0 OK\r\n");
  EXPECT_EQ(s.OnLine("MAIL FROM:<a@b>"), "503 5.5.1 Nested MAIL command\r\n");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s.OnLine("RCPT TO:<bounce+" + std::to_string(i) + "@b>"), "250 2.1.5 OK\r\n");
  EXPECT_EQ(s.OnLine("RCPT TO:<bounce+4@b>"), "452 4.5.3 Too many recipients\r\n");
  EXPECT_EQ(s.OnLine("RSET"), "250 2.0.0 OK\r\n");
  EXPECT_EQ(s.OnLine("DATA"), "503 5.5.1 Need RCPT before DATA\r\n");
  EXPECT_EQ(s.OnLine("FOO"), "500 5.5.1 Command unrecognized\r\n");
  EXPECT_EQ(s.OnLine(std::string(2000, 'a')), "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(s.OnLine("STARTTLS"), "454 4.7.0 TLS not available\r\n");
}

TEST(SmtpSession, LmtpAnswersEachRecipientAndFailuresAreTemporary) {
  SmtpSession s = Make(true);
  EXPECT_TRUE(s.Greeting().find("LMTP") != std::string::npos);
  EXPECT_TRUE(s.OnLine("EHLO x").starts_with("500"));
  EXPECT_TRUE(s.OnLine("LHLO x").starts_with("250-"));
  s.OnLine("MAIL FROM:<>");
  s.OnLine("RCPT TO:<bounce+1@b>");
  s.OnLine("RCPT TO:<bounce+2@b>");
  s.OnLine("DATA");
  s.OnLine("x");
  s.OnLine(".");
  ASSERT_TRUE(s.message_ready());
  EXPECT_EQ(s.Finish(false, ""),
            "451 4.3.0 Cannot store the message now; try again later\r\n"
            "451 4.3.0 Cannot store the message now; try again later\r\n");
}

TEST(SmtpSession, ParsesPaths) {
  std::string a, p;
  EXPECT_TRUE(ParsePath("<a@b> SIZE=10", &a, &p));
  EXPECT_EQ(a, "a@b");
  EXPECT_EQ(p, "SIZE=10");
  EXPECT_TRUE(ParsePath("<@relay.example:a@b>", &a, &p));
  EXPECT_EQ(a, "a@b");
  EXPECT_FALSE(ParsePath("a@b", &a, &p));
  EXPECT_FALSE(ParsePath("<a@b", &a, &p));
}

}  // namespace
}  // namespace rebound::intake
