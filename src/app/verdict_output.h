// Rendering verdicts for people (a terminal) and for programs (JSON lines,
// the contract of spec/CLASSIFY-OUTPUT.md).
#pragma once

#include <string>
#include <string_view>

#include "classify/verdict.h"

namespace rebound::app {

// Appends one JSON object (no newline) for a verdict about message `file`.
void AppendJson(const classify::Verdict& v, std::string_view file, std::string* out);
// Appends the JSON object of a classify-reply result.
void AppendReplyJson(const classify::Verdict& v, std::string_view reply, std::string* out);
// Appends a few readable lines for a verdict.
void AppendHuman(const classify::Verdict& v, std::string_view file, std::string* out);

// Appends `s` as a JSON string literal; bytes that are not UTF-8 become U+FFFD.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace rebound::app
