// The registry's prefilter: a decoder is skipped only when none of its marks
// occurs in the message, so skipping never changes what Decode finds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "formats/formats.h"
#include "formats/prefilter.h"
#include "message/message.h"

namespace rebound::formats {
namespace {

int IndexOf(std::string_view name) {
  auto registry = Registry();
  for (size_t i = 0; i < registry.size(); ++i) {
    if (registry[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Every decoder in order, without the prefilter: what Decode must match.
bool DecodeUnfiltered(const message::Message& m, Report* report) {
  for (const Decoder& d : Registry()) {
    *report = Report();
    if (d.decode(m, report)) return true;
  }
  *report = Report();
  return false;
}

void ExpectSameAsUnfiltered(const message::Message& m, const std::string& what) {
  Report filtered, unfiltered;
  bool a = Decode(m, &filtered);
  bool b = DecodeUnfiltered(m, &unfiltered);
  ASSERT_EQ(a, b) << what;
  EXPECT_EQ(filtered.format, unfiltered.format) << what;
  EXPECT_EQ(filtered.evidence, unfiltered.evidence) << what;
  ASSERT_EQ(filtered.findings.size(), unfiltered.findings.size()) << what;
  for (size_t i = 0; i < filtered.findings.size(); ++i) {
    EXPECT_EQ(filtered.findings[i].recipient, unfiltered.findings[i].recipient) << what;
    EXPECT_EQ(filtered.findings[i].diagnostic, unfiltered.findings[i].diagnostic) << what;
  }
}

// Every decoder that recognises `m` on its own is a candidate for it.
void ExpectMarksNecessary(const message::Message& m, const std::string& what) {
  DecoderSet candidates = Candidates(m);
  auto registry = Registry();
  for (size_t i = 0; i < registry.size(); ++i) {
    Report r;
    if (registry[i].decode(m, &r)) {
      EXPECT_TRUE(candidates.test(i)) << registry[i].name << " hidden for " << what;
    }
  }
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
    if ((line += 4) >= 76) {
      out += '\n';
      line = 0;
    }
  }
  return out + "\n";
}

constexpr std::string_view kQmailNotice =
    "Hi. This is the qmail-send program at mx.example.net.\n"
    "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
    "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
    "<someone@example.org>:\n"
    "Remote host said: 550 5.1.1 No such user\n"
    "Giving up on 192.0.2.7.\n\n"
    "--- Below this line is a copy of the message.\n";

TEST(Prefilter, MarkDatabaseCompiles) {
  EXPECT_EQ(PrefilterError(), "");
  // The always-tried decoders are the ones that read structure.
  for (std::string_view name : {"arf", "rfc3464", "rfc3834", "generic"}) {
    int i = IndexOf(name);
    ASSERT_GE(i, 0);
    EXPECT_TRUE(HeaderMarksOf(i).empty() && TextMarksOf(i).empty()) << name;
  }
  int qmail = IndexOf("qmail");
  ASSERT_GE(qmail, 0);
  EXPECT_FALSE(TextMarksOf(qmail).empty());
}

// The unit tests link the database rebound_rulec compiled at build time; it
// must be the one in use, or every start pays for compiling the marks.
TEST(Prefilter, MarkDatabaseLoadsPrecompiled) {
  EXPECT_FALSE(PrecompiledMarks().empty());
  EXPECT_TRUE(PrefilterLoadedPrecompiled());
}

TEST(Prefilter, MarkOnlyInBase64TextPartStillFindsDecoder) {
  std::string raw =
      "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
      "--b1\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: base64\n\n" +
      Base64(kQmailNotice) +
      "--b1\nContent-Type: message/rfc822\n\nFrom: a@example.com\nTo: someone@example.org\nSubject: hi\n\nhello\n"
      "--b1--\n";
  ASSERT_EQ(raw.find("qmail-send"), std::string::npos);  // only the decoded text holds the mark
  message::Message m;
  m.Parse(raw);
  EXPECT_TRUE(Candidates(m).test(IndexOf("qmail")));
  Report r;
  ASSERT_TRUE(Decode(m, &r));
  EXPECT_EQ(r.format, "qmail");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "someone@example.org");
  ExpectSameAsUnfiltered(m, "base64 qmail");
}

TEST(Prefilter, MarkSplitByQuotedPrintableSoftBreakStillFindsDecoder) {
  std::string notice(kQmailNotice);
  notice.replace(notice.find("qmail-send program"), 18, "qmail-se=\nnd program");
  std::string raw =
      "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable\n\n" +
      notice;
  message::Message m;
  m.Parse(raw);
  Report r;
  ASSERT_TRUE(Decode(m, &r));
  EXPECT_EQ(r.format, "qmail");
  ExpectSameAsUnfiltered(m, "quoted-printable qmail");
}

TEST(Prefilter, MarksMatchIgnoringCase) {
  std::string notice(kQmailNotice);
  notice.replace(notice.find("This is the qmail-send program"), 30, "THIS IS THE QMAIL-SEND Program");
  std::string raw = "From: MAILER-DAEMON@mx.example.net\nSubject: FAILURE NOTICE\n\n" + notice;
  message::Message m;
  m.Parse(raw);
  EXPECT_TRUE(Candidates(m).test(IndexOf("qmail")));
  Report r;
  ASSERT_TRUE(Decode(m, &r));
  EXPECT_EQ(r.format, "qmail");
  ExpectSameAsUnfiltered(m, "upper-case qmail");
}

TEST(Prefilter, MarkOnlyInEncodedSubjectStillFindsDecoder) {
  // "DELIVERY FAILURE: User someone not listed" as an RFC 2047 encoded word.
  std::string raw =
      "From: Postmaster@example.org\n"
      "Subject: =?UTF-8?B?REVMSVZFUlkgRkFJTFVSRTogVXNlciBzb21lb25lIG5vdCBsaXN0ZWQ=?=\n\n"
      "Your message\n\n  Subject: hi\n\nwas not delivered to:\n\n  someone@example.org\n\n"
      "because:\n\n  User someone (someone@example.org) not listed in Domino Directory\n";
  ASSERT_EQ(raw.find("DELIVERY FAILURE"), std::string::npos);
  message::Message m;
  m.Parse(raw);
  EXPECT_TRUE(Candidates(m).test(IndexOf("domino")));
  Report r;
  ASSERT_TRUE(Decode(m, &r));
  EXPECT_EQ(r.format, "domino");
  ExpectSameAsUnfiltered(m, "encoded-word domino");
}

TEST(Prefilter, UnmarkedMessageSkipsMarkedDecoders) {
  message::Message m;
  m.Parse("From: someone@example.org\nSubject: hello\n\nJust a letter.\n");
  DecoderSet c = Candidates(m);
  EXPECT_FALSE(c.test(IndexOf("qmail")));
  EXPECT_FALSE(c.test(IndexOf("exim")));
  EXPECT_TRUE(c.test(IndexOf("generic")));
  ExpectSameAsUnfiltered(m, "plain letter");
}

// Each mark counts only in its own place: a header mark quoted in the
// notice, or a sentence of a notice written into a header, is no reason to
// try a decoder that never reads it there.
TEST(Prefilter, MarksCountOnlyInTheirPlace) {
  message::Message m;
  m.Parse(
      "From: someone@example.org\nSubject: hello\nX-Note: This is the DragonFly Mail Agent\n\n"
      "We saw X-Mimecast-Originator and X-MLServer in a header once.\n");
  DecoderSet c = Candidates(m);
  EXPECT_FALSE(c.test(IndexOf("dragonfly")));  // a text mark, in the header
  EXPECT_FALSE(c.test(IndexOf("mimecast")));   // header marks, in the text
  EXPECT_FALSE(c.test(IndexOf("fml")));
  message::Message placed;
  placed.Parse(
      "From: someone@example.org\nSubject: hello\nX-MLServer: fml [fml 4.0]\n\n"
      "This is the DragonFly Mail Agent v0.11 at mx.example.org.\n");
  DecoderSet d = Candidates(placed);
  EXPECT_TRUE(d.test(IndexOf("dragonfly")));
  EXPECT_TRUE(d.test(IndexOf("fml")));
  EXPECT_FALSE(d.test(IndexOf("mimecast")));
}

// Over the shared corpus, when it is there: every decoder that recognises a
// message on its own is a candidate, and Decode agrees with the full order.
TEST(Prefilter, CorpusMarksAreNecessary) {
  std::filesystem::path dir = REBOUND_CORPUS_DIR;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no corpus at " << dir;
  size_t n = 0;
  message::Message m;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() == ".jsonl" || e.path().extension() == ".md") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string raw = ss.str();
    m.Parse(raw);
    ExpectMarksNecessary(m, e.path().string());
    ExpectSameAsUnfiltered(m, e.path().string());
    ++n;
  }
  EXPECT_GT(n, 0u);
}

}  // namespace
}  // namespace rebound::formats
