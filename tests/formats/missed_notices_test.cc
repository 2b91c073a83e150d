// Notices that issue 16 lists as missed on unseen mail (kind 2): older
// Microsoft Exchange and Outlook notices, AOL's, reports sent as an
// attachment, qmail's and other "no message collected" notices, and the
// variants of "This message was created automatically by mail delivery
// software". Each message is written from the vendor's documented wording
// (Microsoft's NDR texts for Exchange 2000/2003/2007 and Outlook.com, AOL's
// published notices and error codes, RFC 6522/3464, qmail-send's bounce,
// Exim's specification), never from a corpus file.
#include <gtest/gtest.h>

#include <string>

#include "classify/classifier.h"

namespace rebound::classify {
namespace {

std::unique_ptr<Classifier> Make() {
  std::string error;
  auto c = Classifier::Create({}, &error);
  EXPECT_NE(c, nullptr) << error;
  return c;
}

const char kOriginal[] =
    "From: Sender <sender@example.com>\nTo: jane@example.org\nSubject: hello\nMessage-ID: <m1@example.com>\n\nHi.\n";

struct Want {
  const char* recipient;
  BounceType type;
  Reason reason;
};

void Expect(const std::string& raw, const Want& want, const char* what) {
  auto c = Make();
  auto v = c->ClassifyBytes(raw);
  ASSERT_EQ(v.size(), 1u) << what;
  EXPECT_EQ(v[0].finding.recipient, want.recipient) << what;
  EXPECT_EQ(v[0].type, want.type) << what;
  EXPECT_EQ(v[0].reason, want.reason) << what;
}

// Exchange 2000/2003 NDR (text only, as a gateway passes it on without the
// MS-specific fields): "Your message did not reach some or all of the
// intended recipients." / "The following recipient(s) could not be
// reached:" / the address "on <date>", the reason, "<host #5.1.1>".
TEST(MissedNotices, Exchange2003Ndr) {
  std::string head =
      "From: System Administrator <postmaster@example.org>\nTo: sender@example.com\nSubject: Undeliverable: hello\n"
      "MIME-Version: 1.0\nContent-Type: text/plain\n\n"
      "Your message did not reach some or all of the intended recipients.\n\n      Subject:\thello\n"
      "      Sent:\t3/1/2005 10:00 AM\n\nThe following recipient(s) could not be reached:\n\n"
      "      jane@example.org on 3/1/2005 10:00 AM\n";
  Expect(head +
             "            The e-mail account does not exist at the organization this message was sent to.  Check "
             "the e-mail address, or contact the recipient directly to find out the correct address.\n"
             "            <mail.example.org #5.1.1>\n",
         {"jane@example.org", BounceType::kHard, Reason::kUnknownUser}, "5.1.1");
  Expect(head +
             "            You do not have permission to send to this recipient.  For assistance, contact your "
             "system administrator.\n            <mail.example.org #5.7.1>\n",
         {"jane@example.org", BounceType::kHard, Reason::kPolicy}, "5.7.1");
  Expect(head +
             "            The message is larger than the current system limit or the recipient's mailbox is full. "
             "Create a shorter message body or remove attachments and try sending it again.\n"
             "            <mail.example.org #5.3.4>\n",
         {"jane@example.org", BounceType::kHard, Reason::kContent}, "5.3.4");
}

// Exchange 2007/2010 NDR text: "Delivery has failed to these recipients or
// distribution lists:", the reason, "Diagnostic information for
// administrators:", "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##".
TEST(MissedNotices, Exchange2007NdrText) {
  Expect(std::string("From: postmaster@example.org\nTo: sender@example.com\nSubject: Undeliverable: hello\n"
                     "Content-Type: text/plain\n\nDelivery has failed to these recipients or distribution lists:\n\n"
                     "jane@example.org\nThe recipient's e-mail address was not found in the recipient's e-mail "
                     "system. Microsoft Exchange will not try to redeliver this message for you.\n\n_____\n"
                     "Sent by Microsoft Exchange Server 2007\n\nDiagnostic information for administrators:\n\n"
                     "Generating server: mail.example.org\n\njane@example.org\n"
                     "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\nOriginal message headers:\n\n") +
             kOriginal,
         {"jane@example.org", BounceType::kHard, Reason::kUnknownUser}, "exchange 2007");
}

// Exchange 2013+ / Office 365 and Outlook.com NDRs: "Your message to
// jane@example.org couldn't be delivered.", "Delivery has failed to these
// recipients or groups:", "Remote Server returned '550 5.1.10
// RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'".
TEST(MissedNotices, Office365AndOutlookComNdrText) {
  Expect(std::string("From: Microsoft Outlook <postmaster@example.org>\nTo: sender@example.com\n"
                     "Subject: Undeliverable: hello\nContent-Type: text/plain\n\n"
                     "Your message to jane@example.org couldn't be delivered.\n\njane wasn't found at example.org.\n\n"
                     "Diagnostic information for administrators:\n\nGenerating server: MB1.example.outlook.com\n\n"
                     "jane@example.org\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient "
                     "not found by SMTP address lookup'\n\nOriginal message headers:\n\n") +
             kOriginal,
         {"jane@example.org", BounceType::kHard, Reason::kUnknownUser}, "office 365");
  Expect(
      "From: postmaster@outlook.com\nTo: sender@example.com\nSubject: Delivery Status Notification (Failure)\n"
      "Content-Type: text/plain\n\nDelivery has failed to these recipients or groups:\n\njane@outlook.com\n"
      "The email address you entered couldn't be found. Please check the recipient's email address and try to "
      "resend the message.\n\nDiagnostic information for administrators:\n\nGenerating server: "
      "BN1.mail.protection.outlook.com\n\njane@outlook.com\nRemote Server returned '550 5.5.0 Requested action "
      "not taken: mailbox unavailable (S2017062302).'\n",
      {"jane@outlook.com", BounceType::kHard, Reason::kUnknownUser}, "outlook.com");
}

// AOL: its Sendmail-based notice ("----- The following addresses had
// permanent fatal errors -----", "<<< 550 MAILBOX NOT FOUND"), the notice
// naming screen names whose Mail Controls refuse the sender, and the reply
// codes of AOL's published list.
TEST(MissedNotices, AolNotices) {
  Expect(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@aol.com>\nTo: sender@example.com\n"
      "Subject: Returned mail: User unknown\nContent-Type: text/plain\n\n"
      "The original message was received at Mon, 1 Mar 2004 10:00:00 -0500 (EST)\n"
      "from mail.example.com [192.0.2.10]\n\n   ----- The following addresses had permanent fatal errors -----\n"
      "<janedoe@aol.com>\n\n   ----- Transcript of session follows -----\n... while talking to "
      "mx.aol.com.:\n>>> RCPT To:<janedoe@aol.com>\n<<< 550 MAILBOX NOT FOUND\n"
      "550 <janedoe@aol.com>... User unknown\n",
      {"janedoe@aol.com", BounceType::kHard, Reason::kUnknownUser}, "aol sendmail");
  Expect(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@aol.com>\nTo: sender@example.com\n"
      "Subject: Mail Delivery Problem\n\nYour mail to the following recipients could not be delivered because "
      "they are not accepting mail from sender@example.com:\n\tjanedoe\n",
      {"janedoe@aol.com", BounceType::kHard, Reason::kContent}, "aol mail controls");
  auto c = Make();
  const struct {
    const char* reply;
    formats::Cause cause;
  } codes[] = {
      {"554 RTR:BL", formats::Cause::kBlocked},
      {"421 DYN:T1", formats::Cause::kBlocked},
      {"554 5.7.1 :(HVU:B1) https://postmaster.aol.com/error-codes#554hvub1", formats::Cause::kBlocked},
      {"421 4.7.1 :(RLY:B1) https://postmaster.aol.com/error-codes#421rlyb1", formats::Cause::kBadReputation},
      {"554 5.7.1 :(DNS:NR) https://postmaster.aol.com/error-codes#554dnsnr", formats::Cause::kRequirePtr},
      {"521 5.2.1 :  AOL will not accept delivery of this message.", formats::Cause::kPolicyViolation},
  };
  for (const auto& code : codes) {
    auto v = c->ClassifyBytes(
        std::string("From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: failure\n"
                    "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n"
                    "Content-Type: text/plain\n\nA report.\n\n--b\nContent-Type: message/delivery-status\n\n"
                    "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; janedoe@aol.com\n"
                    "Action: failed\nStatus: ") +
        (code.reply[0] == '4' ? "4.0.0" : "5.0.0") + "\nRemote-MTA: dns; mx.aol.com\nDiagnostic-Code: smtp; " +
        code.reply + "\n\n--b--\n");
    ASSERT_EQ(v.size(), 1u) << code.reply;
    EXPECT_EQ(v[0].cause, code.cause) << code.reply;
  }
}

// RFC 6522 / RFC 3464 reports sent as attachments: a multipart/mixed notice
// whose delivery-status is one of its parts, and one whose attached
// message/rfc822 is the report a gateway received.
TEST(MissedNotices, ReportAsAnAttachment) {
  const std::string report_fields =
      "Reporting-MTA: dns; mail.example.org\n\nFinal-Recipient: rfc822; jane@example.org\nAction: failed\n"
      "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n\n";
  const std::string head =
      "From: Mail System <mailer@example.org>\nTo: sender@example.com\nSubject: Delivery failure\n"
      "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\n"
      "Your message could not be delivered. The report is attached.\n\n";
  const Want want{"jane@example.org", BounceType::kHard, Reason::kUnknownUser};
  Expect(head +
             "--x\nContent-Type: message/delivery-status\nContent-Disposition: attachment; filename=details.txt\n\n" +
             report_fields + "--x\nContent-Type: message/rfc822\n\n" + kOriginal + "\n--x--\n",
         want, "delivery-status part");
  Expect(head + "--x\nContent-Type: text/plain; name=ATT00001.txt\nContent-Disposition: attachment\n\n" +
             report_fields + "--x\nContent-Type: message/rfc822\n\n" + kOriginal + "\n--x--\n",
         want, "report fields in an attached text");
  Expect(head +
             "--x\nContent-Type: message/rfc822\n\nFrom: MAILER-DAEMON@mail.example.org\nTo: sender@example.com\n"
             "Subject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n"
             "Content-Type: multipart/report; report-type=delivery-status; boundary=\"y\"\n\n--y\n"
             "Content-Type: text/plain\n\nA report.\n\n--y\nContent-Type: message/delivery-status\n\n" +
             report_fields +
             "--y\nContent-Type: text/rfc822-headers\n\nFrom: sender@example.com\n"
             "To: jane@example.org\nSubject: hello\n\n--y--\n\n--x--\n",
         want, "attached report");
}

// qmail-send's bounce ("Hi. This is the qmail-send program at ...", "<a@b>:"
// and the reason), for a local mailbox, a remote refusal, and with nothing
// returned after "--- Below this line is a copy of the message."; and
// notices that say no message was collected.
TEST(MissedNotices, QmailAndNoMessageCollected) {
  const std::string qmail =
      "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: failure notice\n\n"
      "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to "
      "the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n";
  const Want want{"jane@example.org", BounceType::kHard, Reason::kUnknownUser};
  Expect(qmail +
             "<jane@example.org>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
             "--- Below this line is a copy of the message.\n\n" +
             kOriginal,
         want, "qmail local");
  Expect(qmail +
             "<jane@example.org>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 "
             "<jane@example.org>: Recipient address rejected: User unknown in local recipient table\n"
             "Giving up on 192.0.2.1.\n\n--- Below this line is a copy of the message.\n\n" +
             kOriginal,
         want, "qmail remote");
  Expect(qmail +
             "<jane@example.org>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
             "--- Below this line is a copy of the message.\n\n[no message collected]\n",
         want, "qmail nothing returned");
  Expect(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@example.org>\nTo: sender@example.com\n"
      "Subject: Undeliverable mail\n\nThis message was created automatically by mail delivery software.\n\n"
      "Delivery to the following recipient failed permanently:\n\n     jane@example.org\n\n"
      "Technical details of permanent failure:\nThe email account that you tried to reach does not exist.\n\n"
      "----- No message collected -----\n",
      want, "no message collected");
}

// Exim's notice ("This message was created automatically by mail delivery
// software.") as older Exim wrote it ("could not be delivered to all of its
// recipients") and as hosts that rename its sender and Subject send it.
TEST(MissedNotices, MailDeliverySoftwareVariants) {
  const Want want{"jane@example.org", BounceType::kHard, Reason::kUnknownUser};
  Expect(std::string("From: Mail Delivery System <Mailer-Daemon@server.example.net>\nTo: sender@example.com\n"
                     "Subject: Mail delivery failed: returning message to sender\n\n"
                     "This message was created automatically by mail delivery software.\n\n"
                     "A message that you sent could not be delivered to all of its recipients. The\n"
                     "following address(es) failed:\n\n  jane@example.org:\n"
                     "    SMTP error from remote mailer after RCPT TO:<jane@example.org>:\n"
                     "    host mx.example.org [192.0.2.1]: 550 unknown user\n\n"
                     "------ This is a copy of the message, including all the headers. ------\n\n") +
             kOriginal,
         want, "exim 3");
  Expect(std::string("From: Mailer-Daemon@server.example.net\nTo: sender@example.com\n"
                     "Subject: Delivery Status Notification\n\n"
                     "This message was created automatically by mail delivery software.\n\n"
                     "A message that you sent could not be delivered to one or more of its\n"
                     "recipients. This is a permanent error. The following address(es) failed:\n\n"
                     "  jane@example.org\n    SMTP error from remote mail server after RCPT TO:<jane@example.org>:\n"
                     "    host mx.example.org [192.0.2.1]: 550 5.1.1 <jane@example.org>: Recipient address "
                     "rejected: User unknown in virtual mailbox table\n\n"
                     "------ This is a copy of the message, including all the headers. ------\n\n") +
             kOriginal,
         want, "renamed exim");
}

}  // namespace
}  // namespace rebound::classify
