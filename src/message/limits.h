// Explicit bounds on what the message layer reads. Past one, parsing keeps
// what it has, stops growing and records a note; nothing crashes or grows
// without bound. All are settings (see docs/configuration.md).
#pragma once

#include <cstddef>

namespace rebound::message {

struct Limits {
  // Larger messages are cut to this size before parsing (noted).
  size_t max_message_bytes = 32u << 20;
  // Multipart and message/* nesting below this depth is kept as opaque bodies.
  int max_mime_depth = 20;
  // MIME parts kept per message; later parts are ignored (noted).
  size_t max_parts = 1000;
  // Header fields kept per header block.
  size_t max_header_fields = 2000;
  // Bytes of one header block; a longer block is cut (noted).
  size_t max_header_bytes = 1u << 20;
  // Output of one decoded part (transfer decoding + charset conversion).
  size_t max_decoded_bytes = 16u << 20;
};

}  // namespace rebound::message
