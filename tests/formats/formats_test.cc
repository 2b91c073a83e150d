#include "formats/formats.h"

#include <gtest/gtest.h>

#include "formats/util.h"

namespace rebound::formats {
namespace {

TEST(Vocabulary, CauseNamesRoundTrip) {
  for (int i = 0; i < kCauseCount; ++i) {
    Cause c;
    ASSERT_TRUE(ParseCause(CauseName(static_cast<Cause>(i)), &c));
    EXPECT_EQ(static_cast<int>(c), i);
  }
  Cause c;
  EXPECT_FALSE(ParseCause("nosuchcause", &c));
}

TEST(Vocabulary, FindsStatusCodes) {
  EXPECT_EQ(FindStatusCode("550 5.1.1 <a@b>: unknown"), "5.1.1");
  EXPECT_EQ(FindStatusCode("said: 450-4.7.650 busy"), "4.7.650");
  EXPECT_EQ(FindStatusCode("#5.2.2 mailbox full"), "5.2.2");
  EXPECT_EQ(FindStatusCode("from 192.0.2.1 refused"), "");
  EXPECT_EQ(FindStatusCode("version 15.1.2.3"), "");
  EXPECT_TRUE(IsStatusCode("5.7.1"));
  EXPECT_FALSE(IsStatusCode("5.7"));
}

TEST(Vocabulary, FindsReplyCodes) {
  EXPECT_EQ(LeadingReplyCode("smtp; 550 5.1.1 x"), "550");
  EXPECT_EQ(LeadingReplyCode("421-mx busy"), "421");
  EXPECT_EQ(LeadingReplyCode("5500 x"), "");
  EXPECT_EQ(FindReplyCode("host said: 554 denied"), "554");
}

TEST(Util, ExtractsAddresses) {
  EXPECT_EQ(ExtractAddress("rfc822; <Jane.Doe@Example.ORG>"), "jane.doe@example.org");
  EXPECT_EQ(ExtractAddress("RFC822; who@x.example."), "who@x.example");
  EXPECT_EQ(ExtractAddress("no address here"), "");
}

TEST(Util, SpecificStatusInTextWinsOverGenericField) {
  Finding f;
  f.status = "5.0.0";
  f.diagnostic = "550 5.1.1 user unknown";
  FillCodesFromDiagnostic(&f);
  EXPECT_EQ(f.status, "5.1.1");
  EXPECT_EQ(f.reply_code, "550");
}

TEST(Registry, ComplaintsFirstThenDsnThenAutoRepliesThenGeneric) {
  auto registry = Registry();
  auto index = [&](std::string_view name) {
    for (size_t i = 0; i < registry.size(); ++i) {
      if (registry[i].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  EXPECT_EQ(index("arf"), 0);
  EXPECT_LT(index("arf"), index("rfc3464"));
  EXPECT_LT(index("rfc3464"), index("rfc3834"));
  EXPECT_EQ(index("generic"), static_cast<int>(registry.size()) - 1);
}

TEST(Formats, AutoReplyIsVacation) {
  message::Message m;
  m.Parse("From: Jane <jane@x.example>\nAuto-Submitted: auto-replied\nSubject: Out of office\n\nAway.\n");
  Report r;
  ASSERT_TRUE(Decode(m, &r));
  EXPECT_EQ(r.format, "rfc3834");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].cause, Cause::kVacation);
  EXPECT_EQ(r.findings[0].recipient, "jane@x.example");
}

TEST(Formats, MailerDaemonIsNotAnAutoReply) {
  message::Message m;
  m.Parse("From: MAILER-DAEMON@x.example\nAuto-Submitted: auto-replied\nSubject: failure\n\nfailed.\n");
  Report r;
  EXPECT_FALSE(Decode(m, &r));
}

}  // namespace
}  // namespace rebound::formats
