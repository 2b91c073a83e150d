// Decoders of group c on small synthetic messages in each format's template.
#include <gtest/gtest.h>

#include <string>

#include "decode_text.h"
#include "formats/formats.h"

namespace rebound::formats {
namespace {

TEST(GroupC, ZohoReadsErrorCodeLines) {
  Report r = DecodeText(
      "From: mailer-daemon@mail.zoho.com\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "User-Agent: Zoho Mail\n"
      "Content-Type: text/plain\n"
      "\n"
      "This message was created automatically by mail delivery software.\n"
      "A message that you sent could not be delivered to one or more of its recipients.\n"
      "\n"
      "a@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <a@example.org>... User Unknown\n"
      "B@Example.NET Invalid Address, ERROR_CODE :552, ERROR_CODE :5.2.2 Mailbox Full\n"
      "\n"
      "Received:from mail.zoho.com by mx.zohomail.com\n");
  EXPECT_EQ(r.format, "zoho");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].recipient, "a@example.org");
  EXPECT_EQ(r.findings[0].reply_code, "550");
  EXPECT_EQ(r.findings[0].status, "5.1.1");
  EXPECT_EQ(r.findings[0].diagnostic, "<a@example.org>... User Unknown");
  EXPECT_EQ(r.findings[1].recipient, "b@example.net");
  EXPECT_EQ(r.findings[1].status, "5.2.2");
  EXPECT_EQ(r.findings[1].action, "failed");
}

TEST(GroupC, ZohoDelayNotice) {
  Report r = DecodeText(
      "From: mailer-daemon@mail.zoho.com\n"
      "Subject: Mail Delivery Status Notification (Delay)\n"
      "\n"
      "This message was created automatically by mail delivery system.\n"
      "\n"
      "THIS IS A WARNING MESSAGE ONLY.\n"
      "\n"
      "----- The following addresses had fatal errors -----\n"
      "[Status: Error, Address: <c@example.com>, ResponseCode 421, , Host not reachable.]\n");
  EXPECT_EQ(r.format, "zoho");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "c@example.com");
  EXPECT_EQ(r.findings[0].reply_code, "421");
  EXPECT_EQ(r.findings[0].action, "delayed");
  EXPECT_EQ(r.findings[0].diagnostic, "Host not reachable.");
}

TEST(GroupC, ImailServerReadsReasonLinesAndResponse) {
  Report r = DecodeText(
      "From: \"Postmaster\" <postmaster@example.org>\n"
      "Subject: Undeliverable Mail\n"
      "X-Mailer: <SMTP32 v8.22>\n"
      "\n"
      "undeliverable to d@example.jp\n"
      "\n"
      "Body of message generated response:\n"
      "550-REJECTED - Blacklisted URL in message.\n"
      "550 See http://example.net/\n"
      "\n"
      "Original message follows.\n"
      "\n"
      "To: d@example.jp\n");
  EXPECT_EQ(r.format, "imailserver");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "d@example.jp");
  EXPECT_EQ(r.findings[0].reply_code, "550");
  EXPECT_EQ(r.findings[0].diagnostic, "550-REJECTED - Blacklisted URL in message. See http://example.net/");

  r = DecodeText(
      "From: \"Postmaster\" <postmaster@example.org>\n"
      "X-Mailer: <SMTP32 v990729>\n"
      "\n"
      "Unknown user: e@example.com\n"
      "\n"
      "Original message follows.\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "e@example.com");
  EXPECT_EQ(r.findings[0].diagnostic, "Unknown user");
  EXPECT_EQ(r.findings[0].cause, Cause::kUserUnknown);
}

TEST(GroupC, Office365WithoutDeliveryStatusPart) {
  Report r = DecodeText(
      "From: postmaster@example.onmicrosoft.com\n"
      "Subject: Undeliverable: Hello\n"
      "Message-ID: <1@AB1PR01MB0001.example.prod.outlook.com>\n"
      "\n"
      "Delivery has failed to these recipients or groups:\n"
      "\n"
      "f@example.com<mailto:f@example.com>\n"
      "The email address you entered couldn't be found.\n"
      "\n"
      "Diagnostic information for administrators:\n"
      "\n"
      "Generating server: AB1PR01MB0001.example.prod.outlook.com\n"
      "\n"
      "f@example.com\n"
      "mx.example.com\n"
      "Remote Server returned '550 5.1.1 <f@example.com>: it's not here'\n"
      "\n"
      "Original message headers:\n"
      "\n"
      "Subject: Hello\n");
  EXPECT_EQ(r.format, "office365");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "f@example.com");
  EXPECT_EQ(r.findings[0].status, "5.1.1");
  EXPECT_EQ(r.findings[0].reply_code, "550");
  EXPECT_EQ(r.findings[0].remote_mta, "mx.example.com");
  EXPECT_EQ(r.findings[0].diagnostic, "550 5.1.1 <f@example.com>: it's not here");
}

TEST(GroupC, GmxReadsColumnZeroBlocks) {
  Report r = DecodeText(
      "From: MAILER-DAEMON@mail.gmx.com\n"
      "Subject: Mail delivery failed: returning message to sender\n"
      "\n"
      "This message was created automatically by mail delivery software.\n"
      "\n"
      "A message that you sent could not be delivered to one or more of\n"
      "its recipients. This is a permanent error. The following address\n"
      "failed:\n"
      "\n"
      "\"g@example.jp\":\n"
      "SMTP error from remote server after RCPT command:\n"
      "host: mx.example.jp\n"
      "5.1.1 <g@example.jp>... User Unknown\n"
      "\n"
      "--- The header of the original message is following. ---\n"
      "\n"
      "To: g@example.jp\n");
  EXPECT_EQ(r.format, "gmx");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "g@example.jp");
  EXPECT_EQ(r.findings[0].status, "5.1.1");
  EXPECT_EQ(r.findings[0].command, "RCPT");
  EXPECT_EQ(r.findings[0].remote_mta, "mx.example.jp");
  EXPECT_EQ(r.findings[0].diagnostic, "5.1.1 <g@example.jp>... User Unknown");
}

TEST(GroupC, Exchange2003ReadsRecipientBlocks) {
  Report r = DecodeText(
      "From: System Administrator <postmaster@example.com>\n"
      "Subject: Undeliverable: Hello\n"
      "X-Mailer: Internet Mail Service (5.5.2653.19)\n"
      "\n"
      "Your message\n"
      "\n"
      "did not reach the following recipient(s):\n"
      "\n"
      "h@example.com on Thu, 29 Apr 2010 00:00:00 -0000\n"
      "    The recipient name is not recognized\n"
      "\tThe MTS-ID of the original message is: c=jp;a=\n"
      ";p=example;l=HOST-0001\n"
      "    MSEXCH:IMS:EXAMPLE:SITE:HOST 0 (000C05A6) Unknown Recipient\n");
  EXPECT_EQ(r.format, "exchange2003");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "h@example.com");
  EXPECT_EQ(r.findings[0].diagnostic,
            "The recipient name is not recognized MSEXCH:IMS:EXAMPLE:SITE:HOST 0 (000C05A6) Unknown Recipient");
  EXPECT_EQ(r.findings[0].cause, Cause::kUserUnknown);
}

}  // namespace
}  // namespace rebound::formats
