#include "app/verdict_output.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rebound::app {
namespace {

TEST(Output, JsonStringsAreEscapedAndValidUtf8) {
  std::string out;
  AppendJsonString("a\"b\\c\n\x01\xC3\xA9\xFF", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\xEF\xBF\xBD\"");
  EXPECT_NO_THROW(nlohmann::json::parse(out));
}

// ASCII runs are checked sixteen bytes at a time, and a shorter tail in a
// padded block: a byte that needs care must be found at every offset of
// strings of every length around those blocks, and round-trip.
TEST(Output, SpecialByteAtEveryOffsetOfALongRunIsEscaped) {
  for (std::string special : {"\"", "\\", "\n", "\x1F", "\xC3\xA9", "\xFF", "\x7F"}) {
    for (size_t n = 0; n < 40; ++n)
      for (size_t at = 0; at <= n; ++at) {
        std::string text(n, 'x');
        text.insert(at, special);
        std::string out;
        AppendJsonString(text, &out);
        nlohmann::json parsed;
        ASSERT_NO_THROW(parsed = nlohmann::json::parse(out)) << out;
        const std::string expected = special == "\xFF" ? std::string(text).replace(at, 1, "\xEF\xBF\xBD") : text;
        EXPECT_EQ(parsed.get<std::string>(), expected) << "offset " << at;
      }
  }
}

TEST(Output, RecordHasEveryContractField) {
  classify::Verdict v;
  v.format = "rfc3464";
  v.finding.recipient = "a@b.example";
  v.finding.status = "5.1.1";
  v.cause = formats::Cause::kUserUnknown;
  v.type = classify::BounceType::kHard;
  v.reason = classify::Reason::kUnknownUser;
  v.evidence = {"status 5.1.1"};
  std::string out;
  AppendJson(v, "x.eml", &out);
  auto j = nlohmann::json::parse(out);
  for (const char* key : {"file", "recipient", "type", "reason", "cause", "status", "reply_code", "action",
                          "diagnostic", "remote_mta", "format", "original_message_id", "evidence"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["type"], "HARD");
  EXPECT_EQ(j["reason"], "UNKNOWN_USER");
  EXPECT_TRUE(j["reply_code"].is_null());
  EXPECT_FALSE(j.contains("error"));
}

// The writer makes room for a record once, from each value's worst case:
// a record whose every text is control bytes and broken UTF-8 (each byte
// written as six or three) must still come out whole and parse.
TEST(Output, WorstCaseRecordFitsAndParses) {
  const std::string worst = std::string(300, '\x01') + std::string(300, '\xFF') + std::string(300, '"');
  classify::Verdict v;
  v.format = worst;
  v.original_message_id = worst;
  v.error = worst;
  v.finding.recipient = worst;
  v.finding.status = worst;
  v.finding.reply_code = worst;
  v.finding.action = worst;
  v.finding.diagnostic = worst;
  v.finding.remote_mta = worst;
  v.finding.command = worst;
  v.finding.feedback_type = worst;
  v.evidence = {worst, worst};
  v.notes = {worst};
  v.reason = classify::Reason::kUnknownUser;
  std::string out = "prefix";
  AppendJson(v, worst, &out);
  ASSERT_TRUE(out.starts_with("prefix{"));
  auto j = nlohmann::json::parse(out.substr(6));
  const std::string expected = std::string(300, '\x01') + [] {
    std::string s;
    for (int i = 0; i < 300; ++i) s += "\xEF\xBF\xBD";
    return s;
  }() + std::string(300, '"');
  EXPECT_EQ(j["file"], expected);
  EXPECT_EQ(j["diagnostic"], expected);
  EXPECT_EQ(j["notes"][0], expected);
  EXPECT_EQ(j["error"], expected);
  std::string reply;
  AppendReplyJson(v, worst, &reply);
  EXPECT_EQ(nlohmann::json::parse(reply)["reply"], expected);
}

}  // namespace
}  // namespace rebound::app
