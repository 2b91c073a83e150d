// Words that tell automatic replies, challenge-response requests and bounce
// notices apart in the languages of the largest providers' users: the data
// of rules/autoreply.tsv, embedded at build time.
//
// Matching lowercases the text with GLib's UTF-8 aware g_utf8_strdown, so
// "Réponse automatique" and "АВТОМАТИЧЕСКИЙ ОТВЕТ" match their lowercase
// phrases. Thread-safe: the table is built once, on first use.
#pragma once

#include <string>
#include <string_view>

namespace rebound::formats {

enum class Wording { kAutoReplySubject, kAutoReplyBody, kChallenge, kBounceSubject, kBounceBody };

// The first phrase of `what` that `text` contains, as "LANG: phrase" for the
// evidence; empty when none.
std::string FindWording(Wording what, std::string_view text);

}  // namespace rebound::formats
