// Decoders of group c on small synthetic messages in each format's template.
#include <gtest/gtest.h>

#include <string>

#include "formats/formats.h"
#include "message/message.h"

namespace rebound::formats {
namespace {

Report DecodeText(const std::string& raw) {
  message::Message m;
  m.Parse(raw);
  Report r;
  Decode(m, &r);
  return r;
}

TEST(GroupC, Placeholder) { EXPECT_TRUE(true); }

}  // namespace
}  // namespace rebound::formats
