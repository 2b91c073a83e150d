// Helpers that several format decoders share.
#pragma once

#include <string>
#include <string_view>

#include "formats/formats.h"
#include "message/message.h"

namespace rebound::formats {

// The address in a DSN recipient field ("rfc822; <a@b>"), or in free text
// ("<a@b>", "a@b"), lowercased, without brackets; empty when none.
std::string ExtractAddress(std::string_view text);

// "dns; mx.example.com" -> "mx.example.com".
std::string StripTypePrefix(std::string_view value);

// Fills status, reply code and (if empty) the diagnostic-derived values of
// `f` from its diagnostic text: codes written in the text are used where
// the structured fields are missing.
void FillCodesFromDiagnostic(Finding* f);

// The decoded text of the first text/plain part outside any returned
// original, or of the body when the message is not multipart.
std::string FirstTextBody(const message::Message& m);

}  // namespace rebound::formats
