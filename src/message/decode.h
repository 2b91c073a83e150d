// Transfer decoding (base64, quoted-printable) through GMime's stateless
// decoders.
#pragma once

#include <string>
#include <string_view>

#include "message/message.h"

namespace rebound::message {

// Decodes `body`; identity and unknown encodings return the bytes as they
// are. Output stops at `max_bytes`.
std::string DecodeTransfer(std::string_view body, TransferEncoding encoding, size_t max_bytes);

}  // namespace rebound::message
