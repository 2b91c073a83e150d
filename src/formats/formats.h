// Bounce formats: each decoder recognises one way mail servers write bounce
// messages and turns a message into findings, one per bounced recipient.
//
// Decoders are tried in registry order (registry.cc); the first that
// recognises the message decides its format. A decoder only reads the
// message: which cause a diagnostic text means is the classifier's business,
// except where the format itself says it (an auto-reply, a complaint, a
// delivery notice, a retry timeout).
//
// Thread-safety: decoders are pure functions of the message.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats/vocabulary.h"
#include "message/message.h"

namespace rebound::formats {

// What a format says about one recipient.
struct Finding {
  std::string recipient;            // lowercased address, no angle brackets
  std::string action;               // DSN action, lowercased ("failed", "delayed", ...)
  std::string status;               // enhanced status code as found, e.g. "5.1.1"
  std::string reply_code;           // SMTP reply code, e.g. "550"
  std::string diagnostic;           // the remote server's text, one line
  std::string remote_mta;           // host that answered
  std::string command;              // SMTP command that failed: "RCPT", "DATA", ...
  std::string feedback_type;        // ARF feedback type
  bool retried = false;             // the sender gave up after temporary failures
  bool local_mailer = false;        // the diagnostic is a local delivery program's
  Cause cause = Cause::kUndefined;  // set only when the format itself says
  std::string cause_evidence;       // why the format set `cause`
  // What the format's own structure suggests (a vendor's bounce category, a
  // filter's rejection notice) when the server's words decide nothing: used
  // only where no rule matched, or to keep a "user unknown" that the
  // classifier would otherwise read as a filter.
  Cause fallback = Cause::kUndefined;
  std::string fallback_evidence;
};

// What a decoder found in one message.
struct Report {
  std::string_view format;  // e.g. "rfc3464", "postfix"
  std::string evidence;     // what recognised the format
  std::vector<Finding> findings;
};

using DecodeFn = bool (*)(const message::Message& message, Report* report);

// A registry entry.
//
// The marks are literals separated by '|', matched ignoring ASCII case;
// empty when the decoder has none. They let Decode() skip, after one pass
// over each place, the decoders that cannot recognise a message, so they
// must be a NECESSARY condition: whenever `decode` returns true, one of the
// decoder's
//   - header marks occurs in the top-level header section as written (names
//     and raw values, which is what HeaderBlock::Has/Raw and HeaderContains
//     read) or in the first Subject as HeaderBlock::Text() decodes it, or
//   - text marks occurs in Message::MainText() (what FirstTextBody returns).
// Nothing else is searched: not the delivery-status or feedback-report
// fields, not the returned original, not other parts, not m.bytes() beyond
// the header section. So marks come from a decoder's own early checks (a
// From, Subject, X-Mailer or Received value, a header name: header marks;
// a sentence of the notice the decoder requires: text marks), and any
// literal that the required text contains will do. Where a decoder requires
// both a header and a sentence, one of the two places suffices; each mark
// added to a place slows that place's pass a little, and the header section
// is the longer. A decoder that may accept on structure alone
// (delivery-status groups, a feedback report, the returned original) has no
// marks and is always tried: keep its first checks cheap. Marks must not
// hold CR or LF.
struct Decoder {
  std::string_view name;
  DecodeFn decode;
  std::string_view header_marks;
  std::string_view text_marks;
};

// All decoders, in the order they are tried.
std::span<const Decoder> Registry();

// Runs the registry over `message`, trying in order the decoders the
// prefilter (prefilter.h) leaves as candidates; false when no decoder
// recognised it. Same result as trying every decoder in order.
bool Decode(const message::Message& message, Report* report);

}  // namespace rebound::formats
