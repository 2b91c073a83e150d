#include "inbox/detect.h"

#include <cstdlib>

namespace rebound::inbox {

using classify::BounceType;
using formats::Cause;

std::vector<std::string> MessageIds(std::string_view field) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = field.find('<', pos)) != std::string_view::npos) {
    size_t end = field.find('>', pos + 1);
    if (end == std::string_view::npos) break;
    std::string_view id = field.substr(pos + 1, end - pos - 1);
    // Folded headers may break an id over lines: keep what is printable.
    std::string clean;
    for (char c : id) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') clean.push_back(c);
    }
    if (!clean.empty() && clean.find('@') != std::string::npos) out.push_back(std::move(clean));
    pos = end + 1;
  }
  return out;
}

namespace {

bool IsBounce(const classify::Verdict& v) { return v.error.empty() && v.type != BounceType::kNone; }
bool IsAutoReply(const classify::Verdict& v) { return v.error.empty() && v.cause == Cause::kVacation; }

// The verdict about the tracked recipient, else the first that is a bounce.
size_t PickBounce(const std::vector<classify::Verdict>& verdicts, const std::string& address) {
  size_t first = verdicts.size();
  for (size_t i = 0; i < verdicts.size(); ++i) {
    if (!IsBounce(verdicts[i])) continue;
    if (verdicts[i].finding.recipient == address) return i;
    if (first == verdicts.size()) first = i;
  }
  return first;
}

}  // namespace

bool Detect(const message::Message& message, const std::vector<classify::Verdict>& verdicts, const Tracked& tracked,
            Detection* out, std::string* error) {
  *out = Detection();
  bool any_bounce = false;
  bool auto_reply = false;
  for (const classify::Verdict& v : verdicts) {
    any_bounce = any_bounce || IsBounce(v);
    auto_reply = auto_reply || IsAutoReply(v);
  }
  if (!any_bounce && !auto_reply) {
    out->why = "not a bounce or an auto-reply";
    return true;
  }
  // 1. A direct reply to a tracked email.
  const std::pair<const char*, const char*> fields[] = {{"In-Reply-To", "in_reply_to"}, {"References", "references"}};
  for (const auto& [field, code] : fields) {
    const std::string value = message.headers().Unfolded(field);
    if (value.empty()) continue;
    for (const std::string& id : MessageIds(value)) {
      store::Send send;
      bool found = false;
      if (!tracked.by_message_id(id, &send, &found)) {
        *error = "cannot read the tracked emails";
        return false;
      }
      if (!found) continue;
      out->send = send;
      out->matched_by = code;
      out->evidence = std::string("matched: ") + field + " names <" + id + ">, a tracked one-to-one email";
      if (any_bounce) {
        out->kind = Detection::Kind::kBounce;
        out->verdict = PickBounce(verdicts, send.address);
      } else {
        out->kind = Detection::Kind::kAutoReply;
        for (size_t i = 0; i < verdicts.size(); ++i) {
          if (IsAutoReply(verdicts[i])) {
            out->verdict = i;
            break;
          }
        }
      }
      return true;
    }
  }
  if (!any_bounce) {
    out->why = "an auto-reply to no tracked email";
    return true;
  }
  // 2. A notice of its own that returns the original.
  const std::string original_id(message.original_message_id());
  if (!original_id.empty()) {
    store::Send send;
    bool found = false;
    if (!tracked.by_message_id(original_id, &send, &found)) {
      *error = "cannot read the tracked emails";
      return false;
    }
    if (found) {
      out->kind = Detection::Kind::kBounce;
      out->send = send;
      out->matched_by = "returned_message_id";
      out->evidence = std::string("matched: the returned original") +
                      (message.original_quoted() ? " (headers quoted in the text)" : "") + " has Message-ID <" +
                      original_id + ">, a tracked one-to-one email";
      out->verdict = PickBounce(verdicts, send.address);
      return true;
    }
  }
  for (const classify::Verdict& v : verdicts) {
    if (v.original_send_id.empty()) continue;
    char* end = nullptr;
    const long long id = std::strtoll(v.original_send_id.c_str(), &end, 10);
    if (end == v.original_send_id.c_str() || *end != '\0' || id <= 0) continue;
    store::Send send;
    bool found = false;
    if (!tracked.by_send_id(id, &send, &found)) {
      *error = "cannot read the tracked emails";
      return false;
    }
    if (!found) continue;
    out->kind = Detection::Kind::kBounce;
    out->send = send;
    out->matched_by = "returned_send_id";
    out->evidence =
        "matched: the returned original has X-Rebound-Send-Id " + v.original_send_id + ", a tracked one-to-one email";
    out->verdict = PickBounce(verdicts, send.address);
    return true;
  }
  out->why = "a bounce of an email this inbox did not send through Rebound";
  return true;
}

}  // namespace rebound::inbox
