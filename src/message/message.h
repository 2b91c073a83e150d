// The message layer: a structural view over one raw RFC 5322 message.
//
// Message::Parse scans the bytes once: header fields of every MIME part, the
// MIME tree (descending into message/rfc822), the RFC 3464 delivery-status
// field groups, the RFC 5965 feedback-report fields and the returned original.
// It copies almost nothing: header names and values, part bodies and DSN
// fields are string_views into the message buffer. Two exceptions own their
// bytes inside the Message: a message with CR line endings is first rewritten
// to LF once (so every later scan sees one line ending), and DSN or report
// parts sent with a transfer encoding are decoded before their fields are read.
//
// Lifetimes: every view returned by a Message points either into the buffer
// given to Parse or into storage owned by the Message. Both stay valid until
// the next Parse or the Message's destruction; the caller keeps the input
// buffer alive that long. A Message is reusable: Parse resets it and keeps its
// vectors' capacity, so a loop over many messages allocates little.
//
// Errors: Parse never throws and never fails on content. Past a limit, or on
// truncated or garbage input, it keeps what it could read and records a note
// (see notes()); is_empty() tells when nothing at all was found.
//
// Thread-safety: a Message is not shared between threads; distinct Messages
// may be used concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "message/headers.h"
#include "message/limits.h"

namespace rebound::message {

enum class TransferEncoding : uint8_t { kIdentity, kBase64, kQuotedPrintable, kUuencode };

// One node of the MIME tree, in document order (parts()[0] is the message).
struct Part {
  int parent = -1;  // index in parts(); -1 for the root
  int depth = 0;    // 0 for the root; +1 per multipart or message/* level
  HeaderBlock headers;
  std::string_view body;  // raw, still transfer-encoded; for multiparts the whole body
  std::string_view type;  // media type, e.g. "text" (as written; compare case-insensitively)
  std::string_view subtype;
  std::string_view charset;   // empty when not declared
  std::string_view boundary;  // multiparts only
  TransferEncoding encoding = TransferEncoding::kIdentity;

  bool Is(std::string_view t, std::string_view s) const;
  bool IsMultipart() const;
  bool IsText() const;
};

// An RFC 3464 delivery-status body: one per-message group and one group per
// recipient. Also filled from DSN fields that a server put in a text part or
// inline in a plain body, with `inline_fields` set.
struct DeliveryStatus {
  FieldGroup per_message;
  std::vector<FieldGroup> recipients;
  bool inline_fields = false;
  bool empty() const { return per_message.empty() && recipients.empty(); }
};

class Message {
 public:
  Message();
  ~Message();
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  // Parses `raw`, which must outlive every view taken from this Message.
  void Parse(std::string_view raw, const Limits& limits = Limits());

  // The bytes every view refers to (the input, or its LF-normalized copy).
  std::string_view bytes() const { return bytes_; }
  const Limits& limits() const { return limits_; }

  // Top-level header fields.
  const HeaderBlock& headers() const { return parts_[0].headers; }
  const std::vector<Part>& parts() const { return parts_; }
  const Part& root() const { return parts_[0]; }

  // The transfer-decoded body of `part`, converted to UTF-8: the declared
  // charset through iconv, undeclared 8-bit text as UTF-8 when valid, else
  // ISO-2022-JP when it carries its escapes, else windows-1252. Never drops
  // bytes silently; output is capped at limits().max_decoded_bytes (noted).
  std::string DecodedText(const Part& part) const;

  // The decoded text of the first text part outside any returned original
  // (the notice a server wrote), or of the body when it is not multipart;
  // empty when there is none. Decoded on first use, then kept until the next
  // Parse, since many format decoders read it. A view into the message's
  // bytes when they are that text already (plain ASCII, most notices).
  std::string_view MainText() const;

  // The top-level Subject as text (unfolded, encoded words decoded),
  // computed once per Parse: many format decoders read it.
  const std::string& Subject() const;

  // All delivery-status groups found (message/delivery-status parts, also
  // message/global-delivery-status, or inline fields).
  const DeliveryStatus& delivery_status() const { return dsn_; }

  // RFC 5965 message/feedback-report fields; empty when there is none.
  const FieldGroup& feedback_report() const { return feedback_; }

  // Headers of the returned original message (message/rfc822, message/global,
  // text/rfc822-headers, or a header block quoted inline in a text part).
  // nullptr when none was found.
  const HeaderBlock* original_headers() const { return original_found_ ? &original_ : nullptr; }
  // The returned original's Message-ID without angle brackets; empty if none.
  std::string_view original_message_id() const { return original_message_id_; }
  // Index in parts() of the returned original (its root part), or -1 when it
  // is inline or absent.
  int original_part() const { return original_part_; }
  // True when the original's headers were found only quoted in a text part
  // (which may be some other message's headers), not in a part of their own.
  bool original_quoted() const { return original_quoted_; }

  // Problems met while parsing (limits hit, truncation), for the user.
  const std::vector<std::string>& notes() const { return notes_; }
  // True when the input held no header field and no body text at all.
  bool is_empty() const;

 private:
  friend class Parser;
  std::string_view Own(std::string&& s) const;  // keeps s alive, returns a view
  void Note(std::string note) const;
  // The body of `part` with its transfer encoding undone, decoded once per
  // Parse: the DSN, original and main-text searches all read the notice.
  std::string_view TransferDecoded(const Part& part) const;
  // DecodedText without a copy: a view of the part's bytes when they are
  // the text, else of the conversion written into *storage.
  std::string_view DecodedText(const Part& part, std::string* storage) const;

  Limits limits_;
  std::string_view bytes_;
  std::string normalized_;
  std::vector<Part> parts_;
  std::vector<HeaderField> fields_;  // storage behind every HeaderBlock/FieldGroup
  DeliveryStatus dsn_;
  FieldGroup feedback_;
  HeaderBlock original_;
  bool original_found_ = false;
  bool original_quoted_ = false;
  int original_part_ = -1;
  std::string_view original_message_id_;
  mutable std::deque<std::string> owned_;
  mutable std::vector<std::string_view> transfer_decoded_;  // by part; no data() until decoded
  mutable std::string_view main_text_;
  mutable std::string main_text_storage_;  // behind main_text_ when it was converted
  mutable bool main_text_ready_ = false;
  mutable std::string subject_;
  mutable bool subject_ready_ = false;
  mutable std::vector<std::string> notes_;
};

}  // namespace rebound::message
