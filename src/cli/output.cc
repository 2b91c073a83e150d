#include "cli/output.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace rebound::cli {

namespace {

using classify::Verdict;

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  if (n == 2 && c < 0xC2) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  if (n == 3) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;
  }
  if (n == 4) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return 0;
  }
  return n;
}

// Whether any of the eight bytes at p needs escaping in a JSON string
// (control, '"', '\\') or a UTF-8 check (8-bit). Exact, not a guess: the
// zero-byte tests below have no false positives.
bool WordNeedsCare(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  uint64_t x;
  std::memcpy(&x, p, sizeof(x));
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t below_space = (x - 0x20 * kOnes) & ~x & kHigh;
  return ((x & kHigh) | below_space | has_zero(x ^ ('"' * kOnes)) | has_zero(x ^ ('\\' * kOnes))) != 0;
}

// `name` is one of our own keys, plain ASCII: written as is.
void Field(std::string_view name, std::string_view value, bool null_if_empty, std::string* out) {
  out->append(",\"").append(name).append("\":");
  if (null_if_empty && value.empty()) {
    out->append("null");
  } else {
    AppendJsonString(value, out);
  }
}

void Evidence(const Verdict& v, std::string* out) {
  out->append(",\"evidence\":[");
  for (size_t i = 0; i < v.evidence.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(v.evidence[i], out);
  }
  out->push_back(']');
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      size_t j = i + 1;
      while (j + 8 <= s.size() && !WordNeedsCare(s.data() + j)) j += 8;
      while (j < s.size()) {
        auto d = static_cast<unsigned char>(s[j]);
        if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
        ++j;
      }
      out->append(s.data() + i, j - i);
      i = j;
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        ++i;
        continue;
      case '\\':
        out->append("\\\\");
        ++i;
        continue;
      case '\n':
        out->append("\\n");
        ++i;
        continue;
      case '\r':
        out->append("\\r");
        ++i;
        continue;
      case '\t':
        out->append("\\t");
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out->append(fmt::format("\\u{:04x}", c));
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out->append("\xEF\xBF\xBD");
      ++i;
    } else {
      out->append(s.data() + i, n);
      i += n;
    }
  }
  out->push_back('"');
}

void AppendJson(const Verdict& v, std::string_view file, std::string* out) {
  const formats::Finding& f = v.finding;
  out->append("{\"file\":");
  AppendJsonString(file, out);
  Field("recipient", f.recipient, true, out);
  Field("type", classify::TypeName(v.type), false, out);
  Field("reason", classify::ReasonName(v.reason), true, out);
  Field("cause", formats::CauseName(v.cause), false, out);
  Field("status", f.status, true, out);
  Field("reply_code", f.reply_code, true, out);
  Field("action", f.action, true, out);
  Field("diagnostic", f.diagnostic, true, out);
  Field("remote_mta", f.remote_mta, true, out);
  Field("format", v.format, false, out);
  Field("original_message_id", v.original_message_id, true, out);
  Evidence(v, out);
  if (!f.command.empty()) Field("command", f.command, false, out);
  if (!f.feedback_type.empty() || v.cause == formats::Cause::kFeedback) {
    Field("feedback_type", f.feedback_type, true, out);
  }
  if (v.reason != classify::Reason::kNone) {
    Field("recommended_action", classify::RecommendedAction(v.reason), false, out);
  }
  if (!v.notes.empty()) {
    out->append(",\"notes\":[");
    for (size_t i = 0; i < v.notes.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(v.notes[i], out);
    }
    out->push_back(']');
  }
  if (!v.error.empty()) Field("error", v.error, false, out);
  out->push_back('}');
}

void AppendReplyJson(const Verdict& v, std::string_view reply, std::string* out) {
  const formats::Finding& f = v.finding;
  out->append("{\"reply\":");
  AppendJsonString(reply, out);
  Field("type", classify::TypeName(v.type), false, out);
  Field("reason", classify::ReasonName(v.reason), true, out);
  Field("cause", formats::CauseName(v.cause), false, out);
  Field("status", f.status, true, out);
  Field("reply_code", f.reply_code, true, out);
  Evidence(v, out);
  if (v.reason != classify::Reason::kNone) {
    Field("recommended_action", classify::RecommendedAction(v.reason), false, out);
  }
  out->push_back('}');
}

void AppendHuman(const Verdict& v, std::string_view file, std::string* out) {
  const formats::Finding& f = v.finding;
  auto or_dash = [](std::string_view s) { return s.empty() ? std::string_view("-") : s; };
  out->append(fmt::format("{}\n", file));
  if (!v.error.empty()) {
    out->append(fmt::format("  error:      {}\n", v.error));
    return;
  }
  out->append(fmt::format("  recipient:  {}\n", or_dash(f.recipient)));
  out->append(fmt::format("  verdict:    {} {} ({})\n", classify::TypeName(v.type),
                          or_dash(classify::ReasonName(v.reason)), formats::CauseName(v.cause)));
  out->append(fmt::format("  codes:      status {}  reply {}  action {}\n", or_dash(f.status), or_dash(f.reply_code),
                          or_dash(f.action)));
  if (!f.diagnostic.empty()) out->append(fmt::format("  diagnostic: {}\n", f.diagnostic));
  if (!f.remote_mta.empty()) out->append(fmt::format("  remote MTA: {}\n", f.remote_mta));
  out->append(fmt::format("  format:     {}\n", v.format));
  if (!v.original_message_id.empty()) out->append(fmt::format("  original:   <{}>\n", v.original_message_id));
  if (v.reason != classify::Reason::kNone) {
    out->append(fmt::format("  action:     {}\n", classify::RecommendedAction(v.reason)));
  }
  std::string ev;
  for (const std::string& e : v.evidence) ev += (ev.empty() ? "" : "; ") + e;
  out->append(fmt::format("  evidence:   {}\n", ev));
}

}  // namespace rebound::cli
