// The one place that lists every bounce format, in the order they are
// tried: structured reports first, then formats recognised by their own
// marks, then auto-replies, then the last-resort header.
#include <array>

#include "formats/formats.h"

namespace rebound::formats {

bool DecodeArf(const message::Message&, Report*);
bool DecodeRfc3464(const message::Message&, Report*);
bool DecodeRfc3834(const message::Message&, Report*);
bool DecodeXFailedRecipients(const message::Message&, Report*);

namespace {

constexpr std::array kDecoders = {
    Decoder{"arf", DecodeArf},
    Decoder{"rfc3464", DecodeRfc3464},
    Decoder{"rfc3834", DecodeRfc3834},
    Decoder{"x-failed-recipients", DecodeXFailedRecipients},
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
