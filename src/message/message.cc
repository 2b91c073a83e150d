#include "message/message.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "message/charset.h"
#include "message/content_type.h"
#include "message/decode.h"

namespace rebound::message {

namespace {

// Rewrites CRLF and lone CR to LF so that every scan sees one line ending;
// returns the length written to `out`, which never exceeds the input's.
// `out` only grows: its tail past the returned length is stale bytes, which
// saves clearing a buffer that is about to be overwritten.
size_t NormalizeLineEndings(std::string_view in, std::string* out) {
  if (out->size() < in.size()) out->resize(in.size());
  char* o = out->data();
  const char* p = in.data();
  const char* end = p + in.size();
#ifdef __SSE2__
  // Sixteen bytes at a time: each block is stored whole, and the write
  // position moves on only past its bytes before the first CR. The output
  // never runs ahead of the input, so a whole block always fits. Four
  // blocks go at once, so that a CRLF text takes about one step a line
  // rather than a varying count of sixteen-byte steps, whose ending branch
  // was mispredicted about once a line.
  const __m128i cr = _mm_set1_epi8('\r');
  // Stores `blocks` sixteen-byte blocks from p at o, then moves both past
  // them, or past the first CR (written as LF, with an LF after it dropped).
  auto step = [&](size_t blocks) {
    uint64_t mask = 0;
    for (size_t b = 0; b < blocks; ++b) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * b));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 16 * b), block);
      mask |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, cr)))) << (16 * b);
    }
    if (mask == 0) {
      p += 16 * blocks;
      o += 16 * blocks;
      return;
    }
    const auto k = static_cast<size_t>(__builtin_ctzll(mask));
    o += k;
    *o++ = '\n';
    p += k + 1;
    if (p < end && *p == '\n') ++p;
  };
  while (end - p >= 64) step(4);
  while (end - p >= 16) step(1);
#endif
  while (p < end) {
    if (*p == '\r') {
      *o++ = '\n';
      ++p;
      if (p < end && *p == '\n') ++p;
    } else {
      *o++ = *p++;
    }
  }
  return static_cast<size_t>(o - out->data());
}

bool IsDsnFieldName(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "Reporting-MTA",        "Final-Recipient",  "Original-Recipient", "Action",       "Status",
      "Remote-MTA",           "Diagnostic-Code",  "Last-Attempt-Date",  "Arrival-Date", "Received-From-MTA",
      "Original-Envelope-Id", "Will-Retry-Until", "DSN-Gateway",        "Final-Log-ID", "X-Actual-Recipient",
      "X-Postfix-Queue-ID",   "X-Postfix-Sender"};
  for (std::string_view n : kNames) {
    if (EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

bool IsRecipientGroup(const FieldGroup& g) { return g.Has("Final-Recipient") || g.Has("Original-Recipient"); }

// The start of the next line at or after `pos`.
size_t NextLine(std::string_view s, size_t pos) {
  const size_t nl = FindNewline(s, pos);
  return nl == s.size() ? nl : nl + 1;
}

// Finds the next line that begins with "--" + boundary (followed by the
// line's end, blanks or the closing "--"), at or after `from`. Returns the
// position of the "--" or npos.
size_t FindDelimiter(std::string_view body, std::string_view boundary, size_t from) {
  const char* base = body.data();
  const size_t size = body.size();
  const size_t need = 2 + boundary.size();
  auto is_delimiter = [&](size_t at) {
    if (at + need > size || std::memcmp(base + at + 2, boundary.data(), boundary.size()) != 0) return false;
    const size_t after = at + need;
    return after == size || base[after] == '\n' || base[after] == '-' || base[after] == ' ' || base[after] == '\t';
  };
  if (from == 0 && size >= 2 && base[0] == '-' && base[1] == '-' && is_delimiter(0)) return 0;
  // Every other delimiter follows a line break: look for "\n--" only.
  // Bodies are full of dashes (DSN field names, "-----" rules), and a
  // search per dash cost two library calls each.
  size_t p = from == 0 ? 0 : from - 1;
#ifdef __SSE2__
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i dash = _mm_set1_epi8('-');
  for (; p + 18 <= size; p += 16) {
    const __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p)), newline);
    const __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p + 1)), dash);
    const __m128i c = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p + 2)), dash);
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(a, _mm_and_si128(b, c))));
    for (; mask != 0; mask &= mask - 1) {
      const size_t candidate = p + static_cast<size_t>(__builtin_ctz(mask)) + 1;
      if (is_delimiter(candidate)) return candidate;
    }
  }
#endif
  for (; p + 2 < size; ++p) {
    if (base[p] == '\n' && base[p + 1] == '-' && base[p + 2] == '-' && is_delimiter(p + 1)) return p + 1;
  }
  return std::string_view::npos;
}

}  // namespace

bool Part::Is(std::string_view t, std::string_view s) const {
  return EqualsIgnoreCase(type, t) && EqualsIgnoreCase(subtype, s);
}
bool Part::IsMultipart() const { return EqualsIgnoreCase(type, "multipart"); }
bool Part::IsText() const { return EqualsIgnoreCase(type, "text"); }

// Builds the structure of one Message. Separate from Message so that the
// public class stays a plain holder of results.
class Parser {
 public:
  explicit Parser(Message* m) : m_(m) {}

  void Run(std::string_view text) {
    ParsePart(text, -1, 0, /*digest_parent=*/false);
    FindDeliveryStatus();
    FindFeedbackReport();
    FindOriginal();
  }

 private:
  void ParsePart(std::string_view text, int parent, int depth, bool digest_parent) {
    const Limits& limits = m_->limits_;
    if (m_->parts_.size() >= limits.max_parts) {
      if (m_->parts_.size() == limits.max_parts) m_->Note("MIME part limit reached; later parts ignored");
      return;
    }
    const int idx = static_cast<int>(m_->parts_.size());
    m_->parts_.emplace_back();
    const auto first = static_cast<uint32_t>(m_->fields_.size());
    HeaderScan scan = ScanHeaders(text, limits, &m_->fields_);
    if (scan.truncated) m_->Note("header section exceeds limits; cut");
    Part& part = m_->parts_[idx];
    part.parent = parent;
    part.depth = depth;
    part.headers = HeaderBlock(&m_->fields_, first, static_cast<uint32_t>(m_->fields_.size()));
    part.body = text.substr(scan.body_offset);

    ContentType ct = ParseContentType(part.headers.Raw("Content-Type"));
    if (ct.type.empty()) {
      ct.type = digest_parent ? "message" : "text";
      ct.subtype = digest_parent ? "rfc822" : "plain";
    }
    part.type = ct.type;
    part.subtype = ct.subtype;
    part.charset = ct.charset;
    part.boundary = ct.boundary;
    part.encoding = ParseTransferEncoding(part.headers.Raw("Content-Transfer-Encoding"));

    if (part.IsMultipart()) {
      if (part.boundary.empty()) {
        m_->Note("multipart without boundary; read as text");
        return;
      }
      if (depth + 1 > limits.max_mime_depth) {
        m_->Note("MIME nesting exceeds depth limit; inner parts kept opaque");
        return;
      }
      const bool digest = EqualsIgnoreCase(part.subtype, "digest");
      if (!SplitMultipart(part.body, part.boundary, idx, depth + 1, digest)) {
        // A multipart whose boundary never appears is, in practice, text.
        Part& self = m_->parts_[idx];
        self.type = "text";
        self.subtype = "plain";
      }
      return;
    }
    if (EqualsIgnoreCase(part.type, "message") &&
        (EqualsIgnoreCase(part.subtype, "rfc822") || EqualsIgnoreCase(part.subtype, "global"))) {
      if (depth + 1 > limits.max_mime_depth) {
        m_->Note("MIME nesting exceeds depth limit; inner parts kept opaque");
        return;
      }
      std::string_view inner = part.body;
      if (part.encoding == TransferEncoding::kBase64 || part.encoding == TransferEncoding::kQuotedPrintable) {
        inner = m_->Own(DecodeTransfer(inner, part.encoding, limits.max_decoded_bytes));
      }
      ParsePart(inner, idx, depth + 1, false);
    }
  }

  // Returns false when the boundary never appears.
  bool SplitMultipart(std::string_view body, std::string_view boundary, int parent, int depth, bool digest) {
    size_t delim = FindDelimiter(body, boundary, 0);
    if (delim == std::string_view::npos) {
      m_->Note("multipart boundary not found; body read as text");
      return false;
    }
    while (true) {
      size_t after = delim + 2 + boundary.size();
      if (body.substr(after, 2) == "--") return true;  // closing delimiter
      size_t start = NextLine(body, after);
      size_t next = FindDelimiter(body, boundary, start);
      if (next == std::string_view::npos) {
        m_->Note("multipart closing boundary missing (truncated message?)");
        ParsePart(body.substr(start), parent, depth, digest);
        return true;
      }
      // The line break before a delimiter belongs to the delimiter.
      size_t end = next > start ? next - 1 : start;
      ParsePart(body.substr(start, end - start), parent, depth, digest);
      if (m_->parts_.size() >= m_->limits_.max_parts) return true;
      delim = next;
    }
  }

  // True when part `idx` lies inside a returned original (below message/*).
  bool InsideMessage(int idx) const {
    for (int p = m_->parts_[idx].parent; p >= 0; p = m_->parts_[p].parent) {
      if (EqualsIgnoreCase(m_->parts_[p].type, "message")) return true;
    }
    return false;
  }

  std::string_view BodyBytes(const Part& part) { return m_->TransferDecoded(part); }

  // Reads blank-line separated field groups from `text` into the DSN.
  // With `inline_only`, stops at the first group holding no DSN field.
  void ReadGroups(std::string_view text, bool inline_only) {
    DeliveryStatus& dsn = m_->dsn_;
    size_t pos = 0;
    bool first_group = dsn.per_message.empty() && dsn.recipients.empty();
    int last_group_kind = 0;  // 0 none, 1 per-message, 2 recipient
    while (pos < text.size()) {
      // Skip blank lines between groups.
      while (pos < text.size()) {
        size_t nl = NextLine(text, pos);
        if (!Trim(text.substr(pos, nl - pos)).empty()) break;
        pos = nl;
      }
      if (pos >= text.size()) break;
      const auto begin = static_cast<uint32_t>(m_->fields_.size());
      HeaderScan scan = ScanHeaders(text.substr(pos), m_->limits_, &m_->fields_);
      const auto end = static_cast<uint32_t>(m_->fields_.size());
      if (end == begin) break;  // not a field group: the DSN ends here
      FieldGroup group(&m_->fields_, begin, end);
      bool has_dsn_field = false;
      for (const HeaderField& f : group) has_dsn_field = has_dsn_field || IsDsnFieldName(f.name);
      if (inline_only && !has_dsn_field) {
        m_->fields_.resize(begin);
        break;
      }
      if (IsRecipientGroup(group)) {
        SplitRecipients(begin, end, first_group);
        last_group_kind = 2;
      } else if (first_group) {
        dsn.per_message = group;
        last_group_kind = 1;
      } else if (last_group_kind == 2 && has_dsn_field) {
        // A stray blank line split one recipient's fields: join them (the
        // fields are contiguous in storage).
        FieldGroup& prev = dsn.recipients.back();
        prev = FieldGroup(&m_->fields_, static_cast<uint32_t>(prev.begin() - m_->fields_.data()), end);
      }
      first_group = false;
      if (scan.body_offset == 0) break;
      pos += scan.body_offset;
    }
  }

  // Adds the recipient groups held in fields [begin, end). Some servers
  // leave out the blank lines, so one group may hold the per-message
  // fields and several recipients: then each Final-Recipient (with an
  // Original-Recipient just before it) starts a recipient. A group with one
  // recipient is kept whole, whatever the order of its fields.
  void SplitRecipients(uint32_t begin, uint32_t end, bool first_group) {
    DeliveryStatus& dsn = m_->dsn_;
    const auto& fields = m_->fields_;
    auto is = [&](uint32_t i, std::string_view name) { return EqualsIgnoreCase(fields[i].name, name); };
    std::vector<uint32_t> starts;
    for (uint32_t i = begin; i < end; ++i) {
      if (!is(i, "Final-Recipient")) continue;
      starts.push_back(i > begin && is(i - 1, "Original-Recipient") ? i - 1 : i);
    }
    if (starts.size() <= 1) {
      dsn.recipients.push_back(FieldGroup(&fields, begin, end));
      return;
    }
    // Fields before the first recipient: the per-message group when they
    // are per-message fields, else part of the first recipient.
    bool prefix_is_per_message = true;
    for (uint32_t i = begin; i < starts[0]; ++i) {
      if (is(i, "Action") || is(i, "Status") || is(i, "Diagnostic-Code") || is(i, "Remote-MTA")) {
        prefix_is_per_message = false;
      }
    }
    if (prefix_is_per_message) {
      if (starts[0] > begin && first_group && dsn.per_message.empty()) {
        dsn.per_message = FieldGroup(&fields, begin, starts[0]);
      }
    } else {
      starts[0] = begin;
    }
    for (size_t k = 0; k < starts.size(); ++k) {
      const uint32_t stop = k + 1 < starts.size() ? starts[k + 1] : end;
      dsn.recipients.push_back(FieldGroup(&fields, starts[k], stop));
    }
  }

  void FindDeliveryStatus() {
    for (size_t i = 0; i < m_->parts_.size(); ++i) {
      const Part& part = m_->parts_[i];
      if ((EqualsIgnoreCase(part.type, "message") || EqualsIgnoreCase(part.type, "text")) &&
          (EqualsIgnoreCase(part.subtype, "delivery-status") ||
           EqualsIgnoreCase(part.subtype, "global-delivery-status"))) {
        if (InsideMessage(static_cast<int>(i))) continue;
        ReadGroups(BodyBytes(part), false);
      }
    }
    if (!m_->dsn_.empty()) return;
    // No report part: some servers write the fields into a text part or the
    // plain body.
    for (size_t i = 0; i < m_->parts_.size(); ++i) {
      const Part& part = m_->parts_[i];
      if (!part.IsText() || InsideMessage(static_cast<int>(i))) continue;
      std::string_view text = BodyBytes(part);
      size_t at = FindInlineDsnStart(text);
      if (at == std::string_view::npos) continue;
      ReadGroups(text.substr(at), true);
      if (!m_->dsn_.recipients.empty()) {
        m_->dsn_.inline_fields = true;
        return;
      }
      m_->dsn_ = DeliveryStatus();
    }
  }

  // The first line that starts a DSN field group in free text. One
  // sixteen-byte pass looks for a line break followed by the first letter
  // of a field name, either case; only those lines are compared in full.
  // (A search per field name read the text three times.) The names are
  // written in lowercase, which the letter test relies on.
  static size_t FindInlineDsnStart(std::string_view text) {
    static constexpr std::string_view kStarts[] = {"reporting-mta:", "final-recipient:", "original-recipient:"};
    auto starts_field = [&](size_t at) {
      const std::string_view line = text.substr(at);
      for (std::string_view s : kStarts) {
        if (StartsWithIgnoreCase(line, s)) return true;
      }
      return false;
    };
    if (starts_field(0)) return 0;
    const char* base = text.data();
    const size_t n = text.size();
    size_t p = 0;
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i fold = _mm_set1_epi8(0x20);
    const __m128i first0 = _mm_set1_epi8(kStarts[0][0]);
    const __m128i first1 = _mm_set1_epi8(kStarts[1][0]);
    const __m128i first2 = _mm_set1_epi8(kStarts[2][0]);
    for (; p + 17 <= n; p += 16) {
      const __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p)), newline);
      const __m128i b = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p + 1)), fold);
      const __m128i letter =
          _mm_or_si128(_mm_cmpeq_epi8(b, first0), _mm_or_si128(_mm_cmpeq_epi8(b, first1), _mm_cmpeq_epi8(b, first2)));
      for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(a, letter))); mask != 0;
           mask &= mask - 1) {
        const size_t at = p + static_cast<size_t>(__builtin_ctz(mask)) + 1;
        if (starts_field(at)) return at;
      }
    }
#endif
    for (; p + 1 < n; ++p) {
      if (base[p] == '\n' && starts_field(p + 1)) return p + 1;
    }
    return std::string_view::npos;
  }

  void FindFeedbackReport() {
    for (const Part& part : m_->parts_) {
      if (part.Is("message", "feedback-report")) {
        std::string_view text = BodyBytes(part);
        const auto begin = static_cast<uint32_t>(m_->fields_.size());
        ScanHeaders(text, m_->limits_, &m_->fields_);
        m_->feedback_ = FieldGroup(&m_->fields_, begin, static_cast<uint32_t>(m_->fields_.size()));
        return;
      }
    }
  }

  void SetOriginal(const HeaderBlock& headers, int part) {
    m_->original_ = headers;
    m_->original_found_ = true;
    m_->original_part_ = part;
    std::string_view id = headers.Raw("Message-ID");
    id = Trim(id);
    size_t lt = id.find('<');
    if (lt != std::string_view::npos) {
      size_t gt = id.find('>', lt);
      id = id.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1);
    }
    id = id.substr(0, FindFirstOf(id, " \t\n"));
    m_->original_message_id_ = id;
  }

  void FindOriginal() {
    const auto& parts = m_->parts_;
    for (size_t i = 1; i < parts.size(); ++i) {
      const Part& part = parts[i];
      if (EqualsIgnoreCase(part.type, "message") &&
          (EqualsIgnoreCase(part.subtype, "rfc822") || EqualsIgnoreCase(part.subtype, "global"))) {
        if (i + 1 < parts.size() && parts[i + 1].parent == static_cast<int>(i)) {
          SetOriginal(parts[i + 1].headers, static_cast<int>(i + 1));
          return;
        }
      }
      if ((part.IsText() || EqualsIgnoreCase(part.type, "message")) &&
          (EqualsIgnoreCase(part.subtype, "rfc822-headers") || EqualsIgnoreCase(part.subtype, "global-headers"))) {
        std::string_view text = BodyBytes(part);
        const auto begin = static_cast<uint32_t>(m_->fields_.size());
        ScanHeaders(text, m_->limits_, &m_->fields_);
        SetOriginal(HeaderBlock(&m_->fields_, begin, static_cast<uint32_t>(m_->fields_.size())), -1);
        return;
      }
    }
    // Quoted inline: a header block inside a text part or the plain body.
    for (size_t i = 0; i < parts.size(); ++i) {
      const Part& part = parts[i];
      if (!part.IsText() || InsideMessage(static_cast<int>(i))) continue;
      if (FindInlineOriginal(BodyBytes(part))) return;
    }
  }

  // Looks for a block of header lines holding a Message-ID (or, failing that,
  // at least three header fields such as From/To/Subject/Date).
  bool FindInlineOriginal(std::string_view text) {
    static constexpr std::string_view kStarts[] = {
        "Return-Path:", "Received:", "Message-ID:", "From:", "Date:", "Subject:", "To:", "MIME-Version:"};
    HeaderBlock fallback;
    bool have_fallback = false;
    size_t pos = 0;
    int blocks = 0;
    while (pos < text.size() && blocks < 64) {
      const size_t next = NextLine(text, pos);
      std::string_view line = text.substr(pos, next - pos);
      bool starts = false;
      // Most lines are prose: the first letter rules out most starts before a full compare.
      const char first = line.empty() ? '\0' : LowerAscii(line[0]);
      for (std::string_view s : kStarts) {
        starts = starts || (LowerAscii(s[0]) == first && StartsWithIgnoreCase(line, s));
      }
      if (!starts) {
        pos = next;
        continue;
      }
      ++blocks;
      const auto begin = static_cast<uint32_t>(m_->fields_.size());
      HeaderScan scan = ScanHeaders(text.substr(pos), m_->limits_, &m_->fields_);
      HeaderBlock block(&m_->fields_, begin, static_cast<uint32_t>(m_->fields_.size()));
      if (block.Has("Message-ID")) {
        SetOriginal(block, -1);
        m_->original_quoted_ = true;
        return true;
      }
      if (!have_fallback && block.size() >= 3) {
        fallback = block;
        have_fallback = true;
      }
      size_t advance = scan.body_offset == 0 ? NextLine(text, pos) - pos : scan.body_offset;
      pos += advance;
    }
    if (have_fallback) {
      SetOriginal(fallback, -1);
      m_->original_quoted_ = true;
      return true;
    }
    return false;
  }

  Message* m_;
};

Message::Message() = default;
Message::~Message() = default;

std::string_view Message::Own(std::string&& s) const {
  owned_.push_back(std::move(s));
  return owned_.back();
}

std::string_view Message::TransferDecoded(const Part& part) const {
  if (part.encoding != TransferEncoding::kBase64 && part.encoding != TransferEncoding::kQuotedPrintable) {
    return part.body;
  }
  const bool ours = !parts_.empty() && &part >= parts_.data() && &part < parts_.data() + parts_.size();
  if (!ours) return Own(DecodeTransfer(part.body, part.encoding, limits_.max_decoded_bytes));
  const auto index = static_cast<size_t>(&part - parts_.data());
  if (transfer_decoded_.size() < parts_.size()) transfer_decoded_.resize(parts_.size());
  std::string_view& decoded = transfer_decoded_[index];
  if (decoded.data() == nullptr) decoded = Own(DecodeTransfer(part.body, part.encoding, limits_.max_decoded_bytes));
  return decoded;
}

void Message::Note(std::string note) const {
  for (const std::string& n : notes_) {
    if (n == note) return;
  }
  notes_.push_back(std::move(note));
}

void Message::Parse(std::string_view raw, const Limits& limits) {
  limits_ = limits;
  parts_.clear();
  fields_.clear();
  dsn_ = DeliveryStatus();
  feedback_ = FieldGroup();
  original_ = HeaderBlock();
  original_found_ = false;
  original_quoted_ = false;
  original_part_ = -1;
  original_message_id_ = {};
  owned_.clear();
  transfer_decoded_.clear();
  notes_.clear();
  main_text_ = {};
  main_text_ready_ = false;
  subject_.clear();
  subject_ready_ = false;

  if (raw.size() > limits.max_message_bytes) {
    Note("message exceeds " + std::to_string(limits.max_message_bytes) + " bytes; cut");
    raw = raw.substr(0, limits.max_message_bytes);
  }
  if (std::memchr(raw.data(), '\r', raw.size()) != nullptr) {
    const size_t n = NormalizeLineEndings(raw, &normalized_);
    bytes_ = std::string_view(normalized_.data(), n);
  } else {
    bytes_ = raw;
  }
  std::string_view text = bytes_;
  // An mbox separator line before the headers is not part of the message.
  if (text.starts_with("From ") || text.starts_with(">From ")) text = text.substr(NextLine(text, 0));
  // Leading blank lines before the headers are noise, not an empty header section.
  while (!text.empty() && text[0] == '\n') text.remove_prefix(1);
  fields_.reserve(64);
  Parser(this).Run(text);
}

bool Message::is_empty() const { return parts_.empty() || (parts_[0].headers.empty() && Trim(parts_[0].body).empty()); }

const std::string& Message::Subject() const {
  if (!subject_ready_) {
    subject_ = parts_.empty() ? std::string() : headers().Text("Subject");
    subject_ready_ = true;
  }
  return subject_;
}

std::string_view Message::MainText() const {
  if (main_text_ready_) return main_text_;
  main_text_ready_ = true;
  for (size_t i = 0; i < parts_.size(); ++i) {
    const Part& p = parts_[i];
    if (p.IsMultipart()) continue;
    if (!p.IsText()) {
      if (i == 0) break;
      continue;
    }
    bool inside = false;
    for (int q = p.parent; q >= 0; q = parts_[q].parent) {
      inside = inside || EqualsIgnoreCase(parts_[q].type, "message");
    }
    if (inside) continue;
    main_text_ = DecodedText(p, &main_text_storage_);
    break;
  }
  return main_text_;
}

std::string Message::DecodedText(const Part& part) const {
  std::string storage;
  return TakeText(DecodedText(part, &storage), &storage);
}

std::string_view Message::DecodedText(const Part& part, std::string* storage) const {
  std::string_view bytes = TransferDecoded(part);
  if (bytes.size() > limits_.max_decoded_bytes) {
    Note("decoded part exceeds " + std::to_string(limits_.max_decoded_bytes) + " bytes; cut");
    bytes = bytes.substr(0, limits_.max_decoded_bytes);
  }
  std::string_view text = ToUtf8(bytes, part.charset, storage);
  return text.substr(0, limits_.max_decoded_bytes);
}

}  // namespace rebound::message
