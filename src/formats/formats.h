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
  bool retried = false;       // the sender gave up after temporary failures
  bool local_mailer = false;  // the diagnostic is a local delivery program's
  Cause cause = Cause::kUndefined;  // set only when the format itself says
  std::string cause_evidence;       // why the format set `cause`
};

// What a decoder found in one message.
struct Report {
  std::string_view format;  // e.g. "rfc3464", "postfix"
  std::string evidence;     // what recognised the format
  std::vector<Finding> findings;
};

using DecodeFn = bool (*)(const message::Message& message, Report* report);

struct Decoder {
  std::string_view name;
  DecodeFn decode;
};

// All decoders, in the order they are tried.
std::span<const Decoder> Registry();

// Runs the registry over `message`; false when no decoder recognised it.
bool Decode(const message::Message& message, Report* report);

}  // namespace rebound::formats
