// Helpers that several format decoders share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// A finding read from a human-readable notice: `recipient`, `action`
// ("failed", "delayed") and the reply text, with the status and reply code
// that the text writes (FillCodesFromDiagnostic).
Finding NoticeFinding(std::string recipient, std::string_view action, std::string diagnostic);

// The decoded text of the first text/plain part outside any returned
// original, or of the body when the message is not multipart.
std::string_view FirstTextBody(const message::Message& m);

// ---- Helpers for decoders that read the human-readable notice. ----

// The lines of `text` (LF line endings) without their line breaks.
std::vector<std::string_view> SplitLines(std::string_view text);

// Joins the lines of an SMTP reply (or of wrapped text) into one line:
// blank lines are skipped, blanks collapse, and the "550-5.7.1 " prefix
// that each continuation line of a multi-line reply repeats is dropped
// after the first line, which keeps its code and status as written.
std::string JoinReplyLines(const std::vector<std::string_view>& lines);
std::string JoinReplyLines(std::string_view text);

// The SMTP command that text says failed ("after RCPT TO", "in reply to
// end of DATA command", "did not like our MAIL FROM"): "RCPT", "MAIL",
// "DATA", "EHLO", "HELO", "STARTTLS", "CONN"; empty when none.
std::string SmtpCommandIn(std::string_view text);

// Exim's notice: the blocks after "The following address(es) failed:" (or
// the delay warning's "has not yet been delivered is:"), one finding per
// recipient with the remote host, the failed command and the reply. Used by
// Exim and by services that wrap Exim's text (Mail.Ru, ...). False when no
// block was found.
bool ParseEximNotice(const message::Message& m, std::string_view text, Report* report);

// Exchange 2007 and later (and Office 365): the "Diagnostic information for
// administrators:" section, one entry per recipient with the server's
// reply. `generating_server` receives the "Generating server:" host.
struct ExchangeEntry {
  std::string recipient;
  std::string diagnostic;
};
std::vector<ExchangeEntry> ParseExchangeDiagnostics(std::string_view text, std::string* generating_server);

// Runs the RFC 3464 decoder for an MTA-specific decoder that recognised
// its MTA and wants the DSN groups as findings. False when there are none.
bool DecodeDsnGroups(const message::Message& m, Report* report);

// True when some top-level header field named `name` contains `needle`
// (lowercase ASCII), ignoring case: the cheap first test of a decoder
// (From, Subject, X-Mailer, every Received line).
bool HeaderContains(const message::Message& m, std::string_view name, std::string_view needle);

// Amazon SES (and WorkMail, which sends through it) wraps the remote reply
// in its own: "554 4.4.7 Message expired: unable to deliver in 840
// minutes.<421 4.4.2 Connection timed out>", "5.1.0 - Unknown address error
// 550-'5.2.2 <a@b>... Mailbox Full'". Takes the status and reply code of
// `f` from the remote reply inside, which says why.
void UnwrapSesReply(Finding* f);

// The "<a@b>:" blocks of a qmail-style notice: from `text`'s line holding
// `start_marker` up to the first "--- " line (the returned message), each
// recipient with the trimmed, non-blank lines under it. Blocks whose line
// holds no address are dropped; empty when the marker is missing.
struct AddressBlock {
  std::string recipient;
  std::vector<std::string_view> lines;
};
std::vector<AddressBlock> ReadAddressBlocks(std::string_view text, std::string_view start_marker);

// qmail's notice and its relatives (Yahoo!): from `text`'s line holding
// `start_marker`, one block per "<a@b>:" line up to "--- Below this line"
// (or "--- Enclosed is a copy"); "Remote host said:" gives the reply,
// "Giving up on"/"does not like recipient" the host and command.
bool ParseQmailNotice(std::string_view text, std::string_view start_marker, Report* report);

// Group c: Exchange 2007 and later, and Office 365 (defined in
// exchange2007.cc). The recipients of a non-delivery report written by
// Exchange: the DSN groups when there are some, completed from the
// "Diagnostic information for administrators" section (the remote reply,
// the remote host); else that section alone. False when neither has one.
bool ReadExchangeNdr(const message::Message& m, Report* report);
// True when the message is an Exchange non-delivery report: the
// X-MS-Exchange-Message-Is-Ndr field, or an "Undeliverable" notice whose
// text has Exchange's diagnostic section.
bool LooksLikeExchangeNdr(const message::Message& m);

// Group c: the notice of United Internet's mail services (GMX, WEB.DE,
// 1&1), defined in gmx.cc: after "The following address(es) failed:",
// one block per address written alone on a line (quoted, bracketed or
// bare), up to "--- The header of the original message is following. ---".
bool ParseUnitedInternetNotice(std::string_view text, Report* report);

}  // namespace rebound::formats
