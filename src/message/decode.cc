#include "message/decode.h"

#include <gmime/gmime.h>

namespace rebound::message {

std::string DecodeTransfer(std::string_view body, TransferEncoding encoding, size_t max_bytes) {
  // Neither code expands: 2x the output cap in input is always enough.
  if (body.size() / 2 > max_bytes) body = body.substr(0, max_bytes * 2);
  std::string out;
  // Both decoders write at most one byte per input byte (plus a small tail).
  out.resize(body.size() + 8);
  const auto* in = reinterpret_cast<const unsigned char*>(body.data());
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int state = 0;
  guint32 save = 0;
  size_t n = 0;
  switch (encoding) {
    case TransferEncoding::kBase64:
      n = g_mime_encoding_base64_decode_step(in, body.size(), dst, &state, &save);
      break;
    case TransferEncoding::kQuotedPrintable:
      n = g_mime_encoding_quoted_decode_step(in, body.size(), dst, &state, &save);
      break;
    default:
      return std::string(body.substr(0, max_bytes));
  }
  out.resize(n < max_bytes ? n : max_bytes);
  return out;
}

}  // namespace rebound::message
