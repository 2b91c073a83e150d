// The one place that lists every bounce format, in the order they are
// tried: complaints and structured reports of known MTAs first, then the
// generic RFC 3464 decoder, then formats recognised by their own marks,
// then auto-replies, then the generic reading of a mailer-daemon notice.
#include <array>

#include "formats/formats.h"

namespace rebound::formats {

#define REBOUND_DECODER(fn) bool fn(const message::Message&, Report*);
// clang-format off
REBOUND_DECODER(DecodeArf)
REBOUND_DECODER(DecodeRfc3464)
REBOUND_DECODER(DecodeRfc3834)
REBOUND_DECODER(DecodeGeneric)
// group-a declarations
// group-b declarations
// clang-format on
#undef REBOUND_DECODER

namespace {

constexpr std::array kDecoders = {
    Decoder{"arf", DecodeArf},
    // group-a before-rfc3464
    // group-b before-rfc3464
    Decoder{"rfc3464", DecodeRfc3464},
    // group-a after-rfc3464
    // group-b after-rfc3464
    Decoder{"rfc3834", DecodeRfc3834},
    Decoder{"generic", DecodeGeneric},
};

}  // namespace

std::span<const Decoder> Registry() { return kDecoders; }

bool Decode(const message::Message& message, Report* report) {
  for (const Decoder& d : kDecoders) {
    *report = Report();
    if (d.decode(message, report)) return true;
  }
  *report = Report();
  return false;
}

}  // namespace rebound::formats
