// Which messages in a connected inbox are bouncebacks of the one-to-one
// email sent through it, and how each was matched (PRODUCT.md section 5.3).
//
// - A direct reply: In-Reply-To or References names a tracked Message-ID
//   and the message classifies as a bounce (what the platform we model
//   does); an auto-reply matched this way goes on the timeline as such.
// - A separate notice (Mimecast and similar gateways, Exchange NDRs that
//   start a thread of their own): the returned original (message/rfc822,
//   text/rfc822-headers, or headers quoted in the text) carries a tracked
//   Message-ID or our X-Rebound-Send-Id.
// - Everything else is left alone: replies from people, bounces of mail we
//   did not track, newsletters, delivery notices.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "classify/verdict.h"
#include "message/message.h"
#include "store/store.h"

namespace rebound::inbox {

// Finds a tracked one-to-one send of this inbox. Returns false only when
// the store cannot be read.
struct Tracked {
  std::function<bool(const std::string& message_id, store::Send* out, bool* found)> by_message_id;
  std::function<bool(int64_t send_id, store::Send* out, bool* found)> by_send_id;
};

struct Detection {
  enum class Kind { kNone, kBounce, kAutoReply } kind = Kind::kNone;
  store::Send send;
  // How it was matched: in_reply_to, references, returned_message_id or
  // returned_send_id; and the same said for a person, as evidence.
  std::string matched_by;
  std::string evidence;
  size_t verdict = 0;  // the verdict that decided it
  std::string why;     // kNone: why nothing is recorded
};

// Message-IDs (without angle brackets) of an In-Reply-To or References value.
std::vector<std::string> MessageIds(std::string_view field);

bool Detect(const message::Message& message, const std::vector<classify::Verdict>& verdicts, const Tracked& tracked,
            Detection* out, std::string* error);

}  // namespace rebound::inbox
