#include "cli/output.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rebound::cli {
namespace {

TEST(Output, JsonStringsAreEscapedAndValidUtf8) {
  std::string out;
  AppendJsonString("a\"b\\c\n\x01\xC3\xA9\xFF", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\xEF\xBF\xBD\"");
  EXPECT_NO_THROW(nlohmann::json::parse(out));
}

// Long ASCII runs are copied eight bytes at a time: a byte that needs care
// must be found at every offset within such a run, and round-trip.
TEST(Output, SpecialByteAtEveryOffsetOfALongRunIsEscaped) {
  for (std::string special : {"\"", "\\", "\n", "\x1F", "\xC3\xA9", "\xFF", "\x7F"}) {
    for (size_t at = 0; at < 24; ++at) {
      std::string text(24, 'x');
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

}  // namespace
}  // namespace rebound::cli
