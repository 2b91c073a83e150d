#include "message/message.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace rebound::message {
namespace {

std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(REBOUND_EXAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ToCrlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\r\n";
    else
      out += c;
  }
  return out;
}

std::string ToCr(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c == '\n') c = '\r';
  }
  return out;
}

TEST(Message, ReadsMimeTreeOfADsn) {
  std::string raw = ReadExample("dsn-unknown-user.eml");
  ASSERT_FALSE(raw.empty());
  Message m;
  m.Parse(raw);
  ASSERT_EQ(m.parts().size(), 4u);
  EXPECT_TRUE(m.root().Is("multipart", "report"));
  EXPECT_TRUE(m.parts()[1].Is("text", "plain"));
  EXPECT_EQ(m.parts()[1].charset, "us-ascii");
  EXPECT_TRUE(m.parts()[2].Is("message", "delivery-status"));
  EXPECT_TRUE(m.parts()[3].Is("text", "rfc822-headers"));
  EXPECT_EQ(m.headers().Text("Subject"), "Undelivered Mail Returned to Sender");
  EXPECT_TRUE(m.notes().empty());
}

TEST(Message, ReadsDeliveryStatusGroups) {
  std::string raw = ReadExample("dsn-unknown-user.eml");
  Message m;
  m.Parse(raw);
  const DeliveryStatus& dsn = m.delivery_status();
  EXPECT_FALSE(dsn.inline_fields);
  EXPECT_EQ(dsn.per_message.Unfolded("Reporting-MTA"), "dns; mx.example.org");
  ASSERT_EQ(dsn.recipients.size(), 1u);
  EXPECT_EQ(dsn.recipients[0].Raw("Status"), "5.1.1");
  EXPECT_EQ(dsn.recipients[0].Unfolded("Diagnostic-Code"),
            "smtp; 550 5.1.1 <jane.doe@example.org>: Recipient address rejected: User unknown in virtual "
            "mailbox table");
}

TEST(Message, FindsReturnedOriginalAndItsMessageId) {
  std::string raw = ReadExample("dsn-unknown-user.eml");
  Message m;
  m.Parse(raw);
  ASSERT_NE(m.original_headers(), nullptr);
  EXPECT_EQ(m.original_message_id(), "send-000042@shop.example.net");
  EXPECT_EQ(m.original_headers()->Text("Subject"), "Autumn offers \xE2\x80\x94 20% off");
}

TEST(Message, LineEndingsDoNotChangeTheResult) {
  std::string lf = ReadExample("dsn-unknown-user.eml");
  for (const std::string& raw : {ToCrlf(lf), ToCr(lf)}) {
    Message m;
    m.Parse(raw);
    ASSERT_EQ(m.parts().size(), 4u);
    ASSERT_EQ(m.delivery_status().recipients.size(), 1u);
    EXPECT_EQ(m.delivery_status().recipients[0].Raw("Status"), "5.1.1");
    EXPECT_EQ(m.original_message_id(), "send-000042@shop.example.net");
  }
}

// Line endings are rewritten 64 bytes at a time, then sixteen, then byte
// by byte: CRLF and lone CR at every offset around those steps, back to
// back, and as the last byte, must all become one LF.
TEST(Message, LineEndingsAreNormalizedAtEveryOffset) {
  constexpr size_t kRun = 150;
  for (std::string eol : {"\r\n", "\r", "\r\r\n", "\r\n\r"}) {
    for (size_t at = 0; at <= kRun; ++at) {
      std::string raw = "Subject: s\r\n\r\n" + std::string(at, 'x') + eol + std::string(kRun - at, 'y') + "\r";
      std::string expected = "Subject: s\n\n" + std::string(at, 'x');
      for (size_t i = 0; i < eol.size(); ++i) {
        if (eol[i] == '\r') expected += '\n';  // an LF right after a CR belongs to it
      }
      expected += std::string(kRun - at, 'y') + "\n";
      Message m;
      m.Parse(raw);
      ASSERT_EQ(m.bytes(), expected) << "eol " << eol.size() << " at " << at;
    }
  }
}

TEST(Message, DescendsIntoMessageRfc822) {
  std::string raw =
      "From: mailer-daemon@x.example\nContent-Type: multipart/mixed; boundary=b1\n\n"
      "--b1\nContent-Type: text/plain\n\nfailed\n"
      "--b1\nContent-Type: message/rfc822\n\n"
      "From: me@y.example\nMessage-ID: <abc@y.example>\nSubject: hi\n\nhello\n"
      "--b1--\n";
  Message m;
  m.Parse(raw);
  ASSERT_EQ(m.parts().size(), 4u);
  EXPECT_EQ(m.parts()[3].parent, 2);
  EXPECT_EQ(m.parts()[3].depth, 2);
  EXPECT_EQ(m.original_part(), 3);
  EXPECT_EQ(m.original_message_id(), "abc@y.example");
}

TEST(Message, DecodesBase64AndQuotedPrintableWithCharsets) {
  std::string raw =
      "Content-Type: multipart/mixed; boundary=\"xx\"\n\n"
      "--xx\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
      "caf=E9 soft=\nbreak\n"
      "--xx\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
      "w6l0w6kK\n"
      "--xx--\n";
  Message m;
  m.Parse(raw);
  ASSERT_EQ(m.parts().size(), 3u);
  EXPECT_EQ(m.DecodedText(m.parts()[1]), "caf\xC3\xA9 softbreak");
  EXPECT_EQ(m.DecodedText(m.parts()[2]), "\xC3\xA9t\xC3\xA9\n");
}

TEST(Message, ReadsBase64EncodedDeliveryStatus) {
  std::string raw =
      "Content-Type: multipart/report; report-type=delivery-status; boundary=zz\n\n"
      "--zz\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n"
      // "Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; x@y\nStatus: 5.2.2\n"
      "UmVwb3J0aW5nLU1UQTogZG5zOyBhCgpGaW5hbC1SZWNpcGllbnQ6IHJmYzgyMjsgeEB5ClN0YXR1czogNS4yLjIK\n"
      "--zz--\n";
  Message m;
  m.Parse(raw);
  ASSERT_EQ(m.delivery_status().recipients.size(), 1u);
  EXPECT_EQ(m.delivery_status().recipients[0].Raw("Status"), "5.2.2");
}

TEST(Message, FindsDsnFieldsWrittenInline) {
  std::string raw =
      "From: MAILER-DAEMON@x.example\nSubject: Returned mail\n\n"
      "The following address failed:\n\n"
      "Reporting-MTA: dns; x.example\n\n"
      "Final-Recipient: RFC822; <who@y.example>\nAction: failed\nStatus: 5.1.1\n\n"
      "Return-Path: <me@z.example>\nMessage-Id: <orig@z.example>\nFrom: me@z.example\n\nbody\n";
  Message m;
  m.Parse(raw);
  const DeliveryStatus& dsn = m.delivery_status();
  EXPECT_TRUE(dsn.inline_fields);
  ASSERT_EQ(dsn.recipients.size(), 1u);
  EXPECT_EQ(dsn.recipients[0].Raw("Action"), "failed");
  EXPECT_EQ(m.original_message_id(), "orig@z.example");
}

// The inline fields start at the first line that begins with one of their
// names, in either case. Names inside a line, and lines that only begin
// with the same letter, are prose; the answer must not depend on where the
// line falls relative to the scanner's sixteen-byte blocks.
TEST(Message, FindsInlineDsnFieldsOnlyAtLineStarts) {
  for (size_t pad = 0; pad <= 40; ++pad) {
    std::string raw = "From: MAILER-DAEMON@x.example\nSubject: Returned mail\n\n" + std::string(pad, 'x') +
                      "\nsee Final-Recipient: below\nfinal words\nOriginal text\nrecipients\n"
                      "FINAL-RECIPIENT: rfc822; who@y.example\nAction: failed\nStatus: 5.1.1\n";
    Message m;
    m.Parse(raw);
    const DeliveryStatus& dsn = m.delivery_status();
    EXPECT_TRUE(dsn.inline_fields) << pad;
    ASSERT_EQ(dsn.recipients.size(), 1u) << pad;
    EXPECT_EQ(dsn.recipients[0].Raw("Final-Recipient"), "rfc822; who@y.example") << pad;
    EXPECT_EQ(dsn.recipients[0].Raw("Status"), "5.1.1") << pad;
  }
  // A body that starts with the fields, with no line break before them.
  Message m;
  m.Parse("From: a@b.example\n\nReporting-MTA: dns; x\n\nFinal-Recipient: rfc822; c@d.example\nStatus: 5.0.0\n");
  EXPECT_TRUE(m.delivery_status().inline_fields);
  EXPECT_EQ(m.delivery_status().per_message.Raw("Reporting-MTA"), "dns; x");
}

// A part's first Content-Type and first Content-Transfer-Encoding count,
// in any order and case; later copies are ignored.
TEST(Message, TakesThePartsFirstMimeFields) {
  Message m;
  m.Parse(
      "content-transfer-encoding: BASE64\nSubject: x\nContent-Type: Text/Plain; charset=utf-8\n"
      "Content-Type: text/html\nContent-Transfer-Encoding: 7bit\n\naGVsbG8K\n");
  ASSERT_EQ(m.parts().size(), 1u);
  EXPECT_TRUE(m.root().Is("text", "plain"));
  EXPECT_EQ(m.root().charset, "utf-8");
  EXPECT_EQ(m.root().encoding, TransferEncoding::kBase64);
  EXPECT_EQ(m.MainText(), "hello\n");
}

// The main text is a view into the message when no conversion happened,
// converted text otherwise, and is cut at the decoded-bytes limit either way.
TEST(Message, MainTextIsAViewUnlessConverted) {
  Message m;
  const std::string plain = "Subject: x\n\nplain notice\n";
  m.Parse(plain);
  EXPECT_EQ(m.MainText(), "plain notice\n");
  EXPECT_EQ(m.MainText().data(), plain.data() + plain.find("plain"));
  m.Parse("Content-Type: text/plain; charset=iso-8859-1\n\ncaf\xE9\n");
  EXPECT_EQ(m.MainText(), "caf\xC3\xA9\n");
  EXPECT_EQ(m.MainText(), m.DecodedText(m.root()));
  Limits limits;
  limits.max_decoded_bytes = 4;
  m.Parse("Content-Type: text/plain; charset=iso-8859-1\n\n\xE9t\xE9 long\n", limits);
  EXPECT_EQ(m.MainText(), "\xC3\xA9t\xC3");
  EXPECT_EQ(m.DecodedText(m.root()), "\xC3\xA9t\xC3");
  m.Parse("Subject: x\n\nplain notice\n", limits);
  EXPECT_EQ(m.MainText(), "plai");
}

TEST(Message, ReadsFeedbackReport) {
  std::string raw =
      "Content-Type: multipart/report; report-type=feedback-report; boundary=fb\n\n"
      "--fb\nContent-Type: text/plain\n\nThis is an abuse report\n"
      "--fb\nContent-Type: message/feedback-report\n\n"
      "Feedback-Type: abuse\nUser-Agent: Example/1.0\nVersion: 1\nOriginal-Rcpt-To: <c@d.example>\n"
      "--fb--\n";
  Message m;
  m.Parse(raw);
  EXPECT_EQ(m.feedback_report().Raw("Feedback-Type"), "abuse");
  EXPECT_EQ(m.feedback_report().Raw("Original-Rcpt-To"), "<c@d.example>");
}

// A delimiter is "--boundary" at the start of a line, followed by the end of
// the line, "--", or blanks. Lines that merely start with dashes, or with the
// boundary as a prefix of a longer word, are body text; and the result must
// not depend on where the delimiter falls relative to the scanner's 16-byte
// blocks, so the same message is parsed behind paddings of 0 to 40 bytes.
TEST(Message, FindsDelimitersOnlyAtLineStarts) {
  for (size_t pad = 0; pad <= 40; ++pad) {
    std::string raw = "Content-Type: multipart/mixed; boundary=\"b-1\"\n\n" + std::string(pad, 'p') +
                      "\n--b-1\nContent-Type: text/plain\n\n"
                      "-----\n--b-1x is a longer word, not a delimiter\n x --b-1 mid-line\n--\n--b-\n"
                      "--b-1 \nContent-Type: text/html\n\n<p>second</p>\n--b-1--";
    Message m;
    m.Parse(raw);
    ASSERT_EQ(m.parts().size(), 3u) << "pad " << pad;
    EXPECT_EQ(m.parts()[1].body, "-----\n--b-1x is a longer word, not a delimiter\n x --b-1 mid-line\n--\n--b-")
        << "pad " << pad;
    EXPECT_EQ(m.parts()[2].body, "<p>second</p>") << "pad " << pad;
    EXPECT_TRUE(m.notes().empty()) << "pad " << pad;
  }
  // A delimiter as the very first bytes of the body, and a body too short
  // for one block.
  Message m;
  m.Parse("Content-Type: multipart/mixed; boundary=z\n\n--z\n\nA\n--z--");
  ASSERT_EQ(m.parts().size(), 2u);
  EXPECT_EQ(m.parts()[1].body, "A");
}

TEST(Message, TruncatedMultipartKeepsWhatArrivedAndNotes) {
  std::string raw =
      "Content-Type: multipart/report; boundary=tt\n\n"
      "--tt\nContent-Type: message/delivery-status\n\n"
      "Final-Recipient: rfc822; a@b.example\nAction: failed\nStat";
  Message m;
  m.Parse(raw);
  ASSERT_EQ(m.delivery_status().recipients.size(), 1u);
  EXPECT_EQ(m.delivery_status().recipients[0].Raw("Action"), "failed");
  ASSERT_FALSE(m.notes().empty());
  EXPECT_NE(m.notes()[0].find("truncated"), std::string::npos);
}

TEST(Message, DeepNestingStopsAtTheDepthLimit) {
  std::string raw;
  const int levels = 200;
  for (int i = 0; i < levels; ++i)
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" + std::to_string(i) + "\n";
  raw += "Content-Type: text/plain\n\ndeep\n";
  Limits limits;
  limits.max_mime_depth = 8;
  Message m;
  m.Parse(raw, limits);
  EXPECT_LE(m.parts().size(), 9u);
  for (const Part& p : m.parts()) EXPECT_LE(p.depth, 8);
  ASSERT_FALSE(m.notes().empty());
}

TEST(Message, OversizedMessageIsCutAndNoted) {
  std::string raw = "Subject: big\n\n" + std::string(10000, 'x');
  Limits limits;
  limits.max_message_bytes = 1000;
  Message m;
  m.Parse(raw, limits);
  EXPECT_EQ(m.bytes().size(), 1000u);
  ASSERT_FALSE(m.notes().empty());
}

TEST(Message, BinaryJunkAndEmptyInputAreHandled) {
  Message m;
  m.Parse("");
  EXPECT_TRUE(m.is_empty());
  std::string junk;
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xFF));
  m.Parse(junk);
  EXPECT_FALSE(m.parts().empty());
}

TEST(Message, ReuseResetsEverything) {
  std::string raw = ReadExample("dsn-unknown-user.eml");
  Message m;
  m.Parse(raw);
  m.Parse("Subject: plain\n\nhello\n");
  EXPECT_EQ(m.parts().size(), 1u);
  EXPECT_TRUE(m.delivery_status().empty());
  EXPECT_EQ(m.original_headers(), nullptr);
  EXPECT_TRUE(m.original_message_id().empty());
}

TEST(Message, SkipsLeadingMboxSeparator) {
  Message m;
  m.Parse("From MAILER-DAEMON Thu Dec 22 17:54:04 2015\nSubject: x\n\nbody\n");
  EXPECT_EQ(m.headers().Raw("Subject"), "x");
}

}  // namespace
}  // namespace rebound::message
