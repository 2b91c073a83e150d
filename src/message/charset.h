// Conversion of text in any declared (or undeclared) charset to UTF-8,
// through the C library's iconv.
#pragma once

#include <string>
#include <string_view>

namespace rebound::message {

// True when `s` is well-formed UTF-8 (plain ASCII included).
bool IsValidUtf8(std::string_view s);

// Converts `bytes` in `charset` to UTF-8. An empty or unknown charset, or
// us-ascii, is treated as undeclared: kept when valid UTF-8, read as
// ISO-2022-JP when it carries ISO-2022 escapes, else as windows-1252 (every
// byte maps to a character, so nothing is dropped). A single-byte Latin
// charset declared over text that is valid multi-byte UTF-8 is taken as the
// common mislabel it is. Bytes invalid in a declared charset become U+FFFD.
std::string ToUtf8(std::string_view bytes, std::string_view charset);
// The same, without a copy when `bytes` are already that text: returns
// `bytes` itself then, else the conversion, written into *storage.
std::string_view ToUtf8(std::string_view bytes, std::string_view charset, std::string* storage);
// The text such a view form returned, owned: *storage itself (cut to the
// view) when the view lies at its start, else a copy of the view.
std::string TakeText(std::string_view text, std::string* storage);

// Keeps a converter from `charset` (as another library would name it to
// iconv) open on this thread for the life of the thread. glibc unloads a
// charset's conversion module when its last converter closes; a library
// that opens and closes one per call (GMime, for each encoded word) would
// otherwise load the module's shared objects again every time.
void KeepCharsetLoaded(std::string_view charset);

}  // namespace rebound::message
