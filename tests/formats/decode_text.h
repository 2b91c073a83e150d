// Runs the registered decoders on a message written out in a test.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "formats/formats.h"
#include "message/message.h"

namespace rebound::formats {

// Parses `raw` and decodes it; the report is empty when no decoder took it.
inline Report DecodeText(const std::string& raw) {
  message::Message m;
  m.Parse(raw);
  Report r;
  Decode(m, &r);
  return r;
}

// Like DecodeText, and fails the test when no decoder recognised `raw`.
inline Report DecodeRecognised(const std::string& raw) {
  message::Message m;
  m.Parse(raw);
  Report r;
  EXPECT_TRUE(Decode(m, &r));
  return r;
}

}  // namespace rebound::formats
