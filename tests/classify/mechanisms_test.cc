// The generic mechanisms of issue 16, each tested from the wording that
// servers document (RFCs, vendors' manuals and NDR references), not from a
// message of the corpus.
#include <gtest/gtest.h>

#include <string>

#include "classify/classifier.h"
#include "formats/util.h"

namespace rebound::classify {
namespace {

std::unique_ptr<Classifier> Make() {
  std::string error;
  auto c = Classifier::Create({}, &error);
  EXPECT_NE(c, nullptr) << error;
  return c;
}

// A minimal RFC 3464 report for one recipient with the given fields.
std::string Dsn(const std::string& recipient_fields,
                const std::string& per_message = "Reporting-MTA: dns; mx.example.net\n") {
  return "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: Delivery status notification\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
         "--b\nContent-Type: text/plain\n\nA report.\n\n"
         "--b\nContent-Type: message/delivery-status\n\n" +
         per_message + "\n" + recipient_fields + "\n--b--\n";
}

// OpenSMTPD's queue expiry is written as a delayed report whose diagnostic
// is "Envelope expired": the words win over the action.
TEST(Mechanisms, DelayedReportThatSaysTheMessageExpiredIsFinal) {
  auto c = Make();
  auto v =
      c->ClassifyBytes(Dsn("Final-Recipient: rfc822; a@example.org\nAction: delayed\nStatus: 4.4.7\n"
                           "Diagnostic-Code: smtp; Envelope expired\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].type, BounceType::kSoft);
  EXPECT_EQ(v[0].reason, Reason::kRecipientTemporary);
  // A delay notice that only says it is late stays pending.
  v =
      c->ClassifyBytes(Dsn("Final-Recipient: rfc822; a@example.org\nAction: delayed\nStatus: 4.4.7\n"
                           "Diagnostic-Code: smtp; unable to deliver this message after 1 day\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].type, BounceType::kPending);
}

// PowerMTA's bounce categories (User's Guide) say what the MTA read in the
// reply: "bad-mailbox" keeps a user-unknown text from being read as a filter.
TEST(Mechanisms, PowerMtaBadMailboxCategoryKeepsUserUnknown) {
  auto c = Make();
  auto v =
      c->ClassifyBytes(Dsn("Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.0.0\n"
                           "Diagnostic-Code: smtp; 550 No such user here\nX-PowerMTA-BounceCategory: bad-mailbox\n",
                           "Reporting-MTA: dns; mx.example.net\nX-PowerMTA-VirtualMTA: mta1\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].format, "powermta");
  EXPECT_EQ(v[0].cause, formats::Cause::kUserUnknown);
  EXPECT_EQ(v[0].reason, Reason::kUnknownUser);
}

std::string Mdn(const std::string& disposition, const std::string& text) {
  return "From: Postmaster <postmaster@mail.example.org>\nTo: <sender@example.com>\n"
         "Subject: Rejected: hello\nAuto-Submitted: auto-replied (rejected)\nMIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=disposition-notification; boundary=m\n\n"
         "--m\nContent-Type: text/plain; charset=utf-8\n\n" +
         text +
         "\n--m\nContent-Type: message/disposition-notification\n\n"
         "Reporting-UA: mail.example.org; Dovecot Mail Delivery Agent\n"
         "Final-Recipient: rfc822; jane@mail.example.org\nOriginal-Message-ID: <m1@example.com>\n"
         "Disposition: " +
         disposition + "\n\n--m--\n";
}

// RFC 5429 section 2.1: a Sieve "reject" answers with an MDN whose
// disposition is "deleted"; it is a bounce, not an auto-reply.
TEST(Mechanisms, SieveRejectIsAFilterRefusal) {
  auto c = Make();
  auto v = c->ClassifyBytes(Mdn("automatic-action/MDN-sent-automatically; deleted",
                                "Your message to <jane@mail.example.org> was automatically rejected:\n"
                                "I do not accept messages from this address."));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].format, "mdn");
  EXPECT_EQ(v[0].finding.recipient, "jane@mail.example.org");
  EXPECT_EQ(v[0].type, BounceType::kHard);
  EXPECT_EQ(v[0].cause, formats::Cause::kFiltered);
  // The reason's own words decide when they are clear.
  v = c->ClassifyBytes(Mdn("automatic-action/MDN-sent-automatically; deleted",
                           "Your message to <jane@mail.example.org> was automatically rejected:\n"
                           "Quota exceeded (mailbox for user is full)"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].reason, Reason::kMailboxFull);
  // A read receipt is no bounce.
  v = c->ClassifyBytes(Mdn("manual-action/MDN-sent-manually; displayed", "The message was displayed."));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].type, BounceType::kNone);
}

// Postfix's generic reply to an access map's REJECT (access(5)) is a policy
// refusal; Microsoft 365's directory-based edge blocking says the same
// words under 5.4.1 for an address that is not in the directory.
TEST(Mechanisms, AccessDeniedIsPolicyUnlessTheDirectoryDoesNotKnowTheAddress) {
  auto c = Make();
  Verdict v = c->ClassifyReply("554 5.7.1 <a@example.org>: Recipient address rejected: Access denied");
  EXPECT_EQ(v.reason, Reason::kPolicy);
  v = c->ClassifyReply("550 5.4.1 Recipient address rejected: Access denied. AS(201806281)");
  EXPECT_EQ(v.reason, Reason::kUnknownUser);
}

// Postfix (smtp(8)): "TLS is required, but was not offered by host";
// Exim: "a TLS session is required, but the server did not offer TLS
// support"; Sendmail's tls_server/tls_rcpt: "encryption too weak 0 less than 112".
TEST(Mechanisms, TlsRequiredButUnavailable) {
  auto c = Make();
  for (const char* text : {"450 4.7.4 TLS is required, but was not offered by host mx.example.org[192.0.2.1]",
                           "451 4.7.0 a TLS session is required, but the server did not offer TLS support",
                           "403 4.7.0 encryption too weak 0 less than 112"}) {
    Verdict v = c->ClassifyReply(text);
    EXPECT_EQ(v.cause, formats::Cause::kFailedStartTls) << text;
    EXPECT_EQ(v.type, BounceType::kSoft) << text;
    EXPECT_EQ(v.reason, Reason::kTemporaryTechnical) << text;
  }
}

// A connection that could not be made (ECONNREFUSED as Postfix, Sendmail
// and Exim write it) is a network failure: TEMPORARY_TECHNICAL.
TEST(Mechanisms, ConnectionRefusedIsANetworkError) {
  auto c = Make();
  for (const char* text : {"421 4.4.1 connect to mx.example.org[192.0.2.1]:25: Connection refused",
                           "421 4.4.1 Connection refused by mx.example.org."}) {
    Verdict v = c->ClassifyReply(text);
    EXPECT_EQ(v.cause, formats::Cause::kNetworkError) << text;
    EXPECT_EQ(v.reason, Reason::kTemporaryTechnical) << text;
  }
}

// RFC 3464 2.3.1: Original-Recipient is the address the sender gave. When a
// reporting host rewrote it (an alias, a mailbox name) and the returned
// original names the first, the contact is the first.
TEST(Mechanisms, OriginalRecipientWinsOverARewrite) {
  auto c = Make();
  std::string raw =
      "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: Undelivered Mail\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nA report.\n\n"
      "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
      "Final-Recipient: rfc822; jdoe@mailstore7.example.org\nOriginal-Recipient: rfc822;jane.doe@example.org\n"
      "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n\n"
      "--b\nContent-Type: text/rfc822-headers\n\nFrom: sender@example.com\nTo: jane.doe@example.org\n"
      "Subject: hello\n\n--b--\n";
  auto v = c->ClassifyBytes(raw);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].finding.recipient, "jane.doe@example.org");
  // Sent to a list, or with Bcc: the original names neither; the ORCPT
  // (RFC 3461 4.2) is the address that was sent to. So too with no original.
  std::string listed = raw;
  listed.replace(listed.find("To: jane.doe@example.org"), 24, "To: team@lists.example.com");
  v = c->ClassifyBytes(listed);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].finding.recipient, "jane.doe@example.org");
  std::string bare = raw.substr(0, raw.find("--b\nContent-Type: text/rfc822-headers")) + "--b--\n";
  v = c->ClassifyBytes(bare);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].finding.recipient, "jane.doe@example.org");
  // The original names the final address and not the ORCPT: a relay set it.
  std::string relayed = raw;
  relayed.replace(relayed.find("To: jane.doe@example.org"), 24, "To: jdoe@mailstore7.example.org");
  v = c->ClassifyBytes(relayed);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].finding.recipient, "jdoe@mailstore7.example.org");
}

// A plain-text notice from an ordinary-looking sender, no DSN part, that
// says it could not deliver and names the address alone on a line; the
// other addresses it mentions are not failed recipients.
TEST(Mechanisms, PlainTextNoticeNamingTheAddressOnItsOwnLine) {
  auto c = Make();
  std::string raw =
      "From: Mail System <system@mail.example.net>\nTo: sender@example.com\nSubject: Your message\n\n"
      "Your message could not be delivered to the following address:\n\n"
      "    jane.doe@example.org\n\nThe mailbox is full.\n"
      "For help write to helpdesk@example.net.\n\n"
      "Return-Path: <sender@example.com>\nTo: jane.doe@example.org\nSubject: hello\n";
  auto v = c->ClassifyBytes(raw);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].finding.recipient, "jane.doe@example.org");
  EXPECT_EQ(v[0].type, BounceType::kHard);
  EXPECT_EQ(v[0].reason, Reason::kMailboxFull);
  // A person's message quoting such words is no notice: no address alone.
  v = c->ClassifyBytes(
      "From: Bob <bob@example.net>\nTo: sender@example.com\nSubject: lunch\n\n"
      "Your invitation could not be delivered to Ann, write to ann@example.net instead.\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].type, BounceType::kNone);
}

// Gmail's newer notice without a DSN part: "Address not found", "Your
// message wasn't delivered to ADDRESS because the address couldn't be found"
// (Google's help page on bounced messages).
TEST(Mechanisms, GmailAddressNotFoundWithoutADsn) {
  auto c = Make();
  std::string raw =
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.example>\nTo: sender@example.com\n"
      "Subject: Delivery Status Notification (Failure)\n\n"
      "** Address not found **\n\n"
      "Your message wasn't delivered to jane.doe@example.org because the address couldn't be found, "
      "or is unable to receive mail.\n\nThe response from the remote server was:\n"
      "550 5.1.1 The email account that you tried to reach does not exist.\n";
  auto v = c->ClassifyBytes(raw);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].finding.recipient, "jane.doe@example.org");
  EXPECT_EQ(v[0].type, BounceType::kHard);
  EXPECT_EQ(v[0].reason, Reason::kUnknownUser);
}

// When the server's reply matches no rule, the notice's own words decide
// before the "onhold" default.
TEST(Mechanisms, NoticeWordsComeBeforeTheOnholdDefault) {
  auto c = Make();
  std::string raw =
      "From: postmaster@example.de\nTo: sender@example.com\nSubject: email bounce notification\n\n"
      "Your message was rejected and discarded because it wasn't possible to\n"
      "save the message in the target mailbox.\n\nreject reason: Mailbox full\n"
      "target mail address: jane@example.de\n";
  auto v = c->ClassifyBytes(raw);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].finding.recipient, "jane@example.de");
  EXPECT_EQ(v[0].cause, formats::Cause::kMailboxFull);
}

// Courier's notice (its dsnfailed.txt template): one block per recipient
// holding the dialogue of the attempt that failed. A failed recipient with
// no dialogue at all is one whose queue time ran out (courier(8),
// queuetime). Its /SECURITY=REQUIRED route without STARTTLS (esmtproutes)
// says "/SECURITY=REQUIRED set, but TLS is not available".
std::string CourierNotice(const std::string& block, const std::string& fields) {
  return "From: \"Courier mail server at mx.example.net\" <@>\nTo: sender@example.com\n"
         "Subject: NOTICE: mail delivery status.\nMime-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"=_courier_0\"\n"
         "Message-ID: <courier.0000000001.00000001@mx.example.net>\n\n"
         "--=_courier_0\nContent-Type: text/plain; charset=\"utf-8\"\n\n"
         "This is a delivery status notification from mx.example.net,\n"
         "running the Courier mail server, version 1.0.16.\n\n"
         "-------------------------------------------------------------------\n\n"
         "                           UNDELIVERABLE MAIL\n\n"
         "Your message to the following recipients cannot be delivered:\n\n" +
         block +
         "\n-------------------------------------------------------------------\n\n"
         "--=_courier_0\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
         "Final-Recipient: rfc822; a@example.org\nAction: failed\nOriginal-Recipient: rfc822; a@example.org\n"
         "Status: 5.0.0\n" +
         fields + "\n--=_courier_0--\n";
}

// Words that say the user does not exist decide whatever the SMTP stage:
// Exim reports a refusal after the data as "SMTP error from remote mail
// server after end of data: 550 No such user here" (qmail's and many
// servers' wording), with no status saying so. A status of another cause
// gives way to such words, and the evidence says so.
TEST(Mechanisms, UserUnknownWordsDecideWhateverTheStage) {
  auto c = Make();
  for (const char* fields : {"Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 No such user here\n",
                             "Action: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 Unknown user\n",
                             "Action: failed\nStatus: 5.2.0\nDiagnostic-Code: smtp; 550 Unknown user\n"}) {
    auto v = c->ClassifyBytes(Dsn(std::string("Final-Recipient: rfc822; a@example.org\n") + fields));
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].cause, formats::Cause::kUserUnknown) << fields;
    EXPECT_EQ(v[0].reason, Reason::kUnknownUser) << fields;
  }
  // Postfix's "Recipient address rejected: User unknown" under a site's 5.7.1.
  Verdict v = c->ClassifyReply("550 5.7.1 <a@example.org>: Recipient address rejected: User unknown");
  EXPECT_EQ(v.cause, formats::Cause::kUserUnknown);
  bool said = false;
  for (const std::string& e : v.evidence) said = said || e.find("the text says the user does not exist") != e.npos;
  EXPECT_TRUE(said);
}

// RFC 5321 4.2.2's generic "Requested action not taken: mailbox unavailable
// (e.g., mailbox not found, no access, or command rejected for policy
// reasons)" states nothing by itself: under a policy status it is no unknown
// user; in reply to RCPT with no other word, it is.
TEST(Mechanisms, GenericMailboxUnavailableGivesWayToTheStatus) {
  auto c = Make();
  auto v =
      c->ClassifyBytes(Dsn("Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.7.1\n"
                           "Diagnostic-Code: smtp; 550 5.7.1 Requested action not taken: mailbox unavailable\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].reason, Reason::kUnknownUser);
  v = c->ClassifyBytes(
      CourierNotice("<a@example.org>:\n     mx.example.org [192.0.2.1]:\n >>> RCPT TO:<a@example.org>\n"
                    " <<< 550 Requested action not taken: mailbox unavailable\n",
                    "Diagnostic-Code: smtp; 550 Requested action not taken: mailbox unavailable\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cause, formats::Cause::kUserUnknown);
}

// RFC 3464 2.3.3: a DSN reports the last attempt's diagnostic. "Action:
// failed" with a 5.0.0 that names no cause over a 4xx reply (Courier's
// notice when its queue time runs out on greylisting) is a sender that gave
// up after temporary failures: SOFT, the reply's reason.
TEST(Mechanisms, FailedOverATemporaryReplyIsAGiveUp) {
  auto c = Make();
  auto v = c->ClassifyBytes(
      Dsn("Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.0.0\n"
          "Diagnostic-Code: smtp; 450 4.2.0 <a@example.org>: Recipient address rejected: Greylisted\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].type, BounceType::kSoft);
  EXPECT_EQ(v[0].reason, Reason::kSecurityFilter);
  // A permanent reply under the same 5.0.0 stays HARD.
  v =
      c->ClassifyBytes(Dsn("Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.0.0\n"
                           "Diagnostic-Code: smtp; 550 5.7.1 Delivery not authorized, message refused\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].type, BounceType::kHard);
}

TEST(Mechanisms, CourierExpiryAndTlsRequired) {
  auto c = Make();
  auto v = c->ClassifyBytes(CourierNotice("<a@example.org>:\n", ""));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].format, "courier");
  EXPECT_EQ(v[0].type, BounceType::kSoft);
  EXPECT_EQ(v[0].reason, Reason::kRecipientTemporary);
  v = c->ClassifyBytes(CourierNotice("<a@example.org>:\n <<< /SECURITY=REQUIRED set, but TLS is not available\n",
                                     "Diagnostic-Code: unknown; /SECURITY=REQUIRED set, but TLS is not available\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cause, formats::Cause::kFailedStartTls);
  EXPECT_EQ(v[0].type, BounceType::kHard);
  EXPECT_EQ(v[0].reason, Reason::kPolicy);
  // A refusal's dialogue keeps the failure permanent.
  v = c->ClassifyBytes(CourierNotice(
      "<a@example.org>:\n     mx.example.org [192.0.2.1]:\n >>> RCPT TO:<a@example.org>\n <<< 550 5.1.1 "
      "<a@example.org>: Recipient address rejected: User unknown\n",
      "Remote-MTA: dns; mx.example.org [192.0.2.1]\nDiagnostic-Code: smtp; 550 5.1.1 <a@example.org>: Recipient "
      "address rejected: User unknown\n"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].type, BounceType::kHard);
  EXPECT_EQ(v[0].reason, Reason::kUnknownUser);
}

// The Exim specification ("How routers work"): an address no router accepts
// is bounced as "Unrouteable address". In the reporting host's own domain
// that is a local part nobody knows; elsewhere, a domain without a host.
std::string EximNotice(const std::string& address) {
  return "From: Mail Delivery System <Mailer-Daemon@example.net>\nTo: sender@example.com\n"
         "Subject: Mail delivery failed: returning message to sender\n"
         "Message-Id: <E1abcde-000001-AB@mx.example.net>\nX-Failed-Recipients: " +
         address +
         "\n\nThis message was created automatically by mail delivery software.\n\n"
         "A message that you sent could not be delivered to one or more of its\n"
         "recipients. This is a permanent error. The following address(es) failed:\n\n  " +
         address + "\n    Unrouteable address\n";
}

TEST(Mechanisms, EximUnrouteableAddressInItsOwnDomainIsAnUnknownUser) {
  auto c = Make();
  auto v = c->ClassifyBytes(EximNotice("nobody@example.net"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].format, "exim");
  EXPECT_EQ(v[0].cause, formats::Cause::kUserUnknown);
  v = c->ClassifyBytes(EximNotice("jane@nowhere.example.org"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cause, formats::Cause::kHostUnknown);
  EXPECT_EQ(v[0].reason, Reason::kUnknownUser);
}
}  // namespace
}  // namespace rebound::classify

namespace rebound::formats {
namespace {

// Addresses as servers write them: Exchange's "SMTP=" and "smtp:" address
// types, single quotes (Exim's "'a@b'", many ISPs' "<'a@b'>"), comments and
// angle brackets: the contact is the bare address.
TEST(Mechanisms, AddressesAreNormalised) {
  EXPECT_EQ(ExtractAddress("SMTP=Jane.Doe@Example.org"), "jane.doe@example.org");
  EXPECT_EQ(ExtractAddress("smtp:jane@example.org"), "jane@example.org");
  EXPECT_EQ(ExtractAddress("'jane@example.org'"), "jane@example.org");
  EXPECT_EQ(ExtractAddress("<'jane@example.org'>: unknown user"), "jane@example.org");
  EXPECT_EQ(ExtractAddress("Jane Doe (sales) <jane@example.org>"), "jane@example.org");
  EXPECT_EQ(ExtractAddress("rfc822; o'brien@example.org"), "o'brien@example.org");
}

}  // namespace
}  // namespace rebound::formats
