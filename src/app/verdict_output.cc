#include "app/verdict_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace rebound::app {

namespace {

using classify::Verdict;

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  if (n == 2 && c < 0xC2) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  if (n == 3) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;
  }
  if (n == 4) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return 0;
  }
  return n;
}

#ifdef __SSE2__
// Sixteen bytes with the first `n` (< 16) from `p` and a plain byte after
// them, without reading past p + n: two overlapping loads of a fixed size
// rather than a copy loop or a library call of variable length.
__m128i LoadTail(const char* p, size_t n) {
  alignas(16) char block[16];
  std::memset(block, 'a', sizeof(block));
  if (n >= 8) {
    std::memcpy(block, p, 8);
    std::memcpy(block + n - 8, p + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(block, p, 4);
    std::memcpy(block + n - 4, p + n - 4, 4);
  } else if (n > 0) {
    block[0] = p[0];
    block[n / 2] = p[n / 2];
    block[n - 1] = p[n - 1];
  }
  return _mm_load_si128(reinterpret_cast<const __m128i*>(block));
}

// The index of the first byte in `v` that a JSON string cannot take as it
// is (a control byte, '"' or '\\'; in a signed compare, 8-bit bytes are
// below 0x20 too), or 16.
unsigned FirstSpecial(__m128i v) {
  const __m128i care =
      _mm_or_si128(_mm_cmpgt_epi8(_mm_set1_epi8(0x20), v),
                   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  const auto mask = static_cast<unsigned>(_mm_movemask_epi8(care));
  return mask == 0 ? 16u : static_cast<unsigned>(__builtin_ctz(mask));
}
#endif

// Writes JSON through a raw pointer into a scratch buffer with room for the
// worst case, so that each key and value is one inline copy rather than a
// std::string append that checks capacity; the record then joins `out` in
// one append. The buffer is this thread's and only grows: sizing `out`
// itself would zero-fill the worst case (kilobytes) for every record. One
// writer at a time per thread.
class JsonWriter {
 public:
  JsonWriter(std::string* out, size_t bound) : out_(out) {
    Scratch& scratch = ThreadScratch();
    if (scratch.size < bound + kSlack) {
      scratch.size = std::max(bound + kSlack, 2 * scratch.size);
      scratch.bytes = std::make_unique_for_overwrite<char[]>(scratch.size);
    }
    begin_ = p_ = scratch.bytes.get();
    end_ = begin_ + bound;
  }
  ~JsonWriter() {
    assert(p_ <= end_);  // the bound held
    out_->append(begin_, static_cast<size_t>(p_ - begin_));
  }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  // The room a string value may take: every byte as "\u00XX", plus quotes.
  static size_t StringBound(std::string_view s) { return 6 * s.size() + 2; }

  void Raw(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void Char(char c) { *p_++ = c; }

  // `s` as a JSON string literal; bytes that are not UTF-8 become U+FFFD.
  void String(std::string_view s) {
    Char('"');
    size_t i = 0;
    while (i < s.size()) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        i = CopyPlainRun(s, i);
        continue;
      }
      ++i;
      switch (c) {
        case '"':
          Raw("\\\"");
          continue;
        case '\\':
          Raw("\\\\");
          continue;
        case '\n':
          Raw("\\n");
          continue;
        case '\r':
          Raw("\\r");
          continue;
        case '\t':
          Raw("\\t");
          continue;
        default:
          break;
      }
      if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        Raw("\\u00");
        Char(kHex[c >> 4]);
        Char(kHex[c & 15]);
        continue;
      }
      size_t n = Utf8SequenceLength(s, i - 1);
      if (n == 0) {
        Raw("\xEF\xBF\xBD");
      } else {
        Raw(s.substr(i - 1, n));
        i += n - 1;
      }
    }
    Char('"');
  }

  // ,"name":value; `name` is one of our own keys, plain ASCII.
  void Field(std::string_view name, std::string_view value, bool null_if_empty) {
    Raw(",\"");
    Raw(name);
    Raw("\":");
    if (null_if_empty && value.empty()) {
      Raw("null");
    } else {
      String(value);
    }
  }

  void List(std::string_view name, const std::vector<std::string>& values) {
    Raw(",\"");
    Raw(name);
    Raw("\":[");
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) Char(',');
      String(values[i]);
    }
    Char(']');
  }

 private:
  // Room past the bound for CopyPlainRun's last sixteen-byte store.
  static constexpr size_t kSlack = 16;

  // Copies the run of bytes from s[i] that a JSON string takes as they are
  // (printable ASCII but '"' and '\\') and returns where it ends. Sixteen
  // bytes are tested and stored at a time, the store running past the run
  // (into the room the bound and kSlack leave), which the next write
  // covers: no second pass and no library copy per run.
  size_t CopyPlainRun(std::string_view s, size_t i) {
#ifdef __SSE2__
    for (; i + 16 <= s.size(); i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p_), v);
      const unsigned at = FirstSpecial(v);
      if (at < 16) {
        p_ += at;
        return i + at;
      }
      p_ += 16;
    }
    if (i < s.size()) {
      const size_t rest = s.size() - i;
      const __m128i v = LoadTail(s.data() + i, rest);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p_), v);
      const size_t at = std::min<size_t>(FirstSpecial(v), rest);
      p_ += at;
      return i + at;
    }
    return i;
#else
    for (; i < s.size(); ++i) {
      const auto d = static_cast<unsigned char>(s[i]);
      if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
      *p_++ = s[i];
    }
    return i;
#endif
  }

  struct Scratch {
    std::unique_ptr<char[]> bytes;
    size_t size = 0;
  };
  static Scratch& ThreadScratch() {
    thread_local Scratch scratch;
    return scratch;
  }

  std::string* out_;
  char* begin_;
  char* p_;
  char* end_;
};

// Room for a record: each value's worst case, plus an allowance for the
// keys and punctuation (under 400 bytes in all).
size_t Bound(std::initializer_list<std::string_view> values, const std::vector<std::string>& evidence,
             const std::vector<std::string>& notes) {
  size_t n = 1024;
  for (std::string_view s : values) n += JsonWriter::StringBound(s);
  for (const std::string& s : evidence) n += JsonWriter::StringBound(s) + 1;
  for (const std::string& s : notes) n += JsonWriter::StringBound(s) + 1;
  return n;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  JsonWriter w(out, JsonWriter::StringBound(s));
  w.String(s);
}

void AppendJson(const Verdict& v, std::string_view file, std::string* out) {
  const formats::Finding& f = v.finding;
  JsonWriter w(
      out, Bound({file, f.recipient, classify::TypeName(v.type), classify::ReasonName(v.reason),
                  formats::CauseName(v.cause), f.status, f.reply_code, f.action, f.diagnostic, f.remote_mta, v.format,
                  v.original_message_id, f.command, f.feedback_type, classify::RecommendedAction(v.reason), v.error},
                 v.evidence, v.notes));
  w.Raw("{\"file\":");
  w.String(file);
  w.Field("recipient", f.recipient, true);
  w.Field("type", classify::TypeName(v.type), false);
  w.Field("reason", classify::ReasonName(v.reason), true);
  w.Field("cause", formats::CauseName(v.cause), false);
  w.Field("status", f.status, true);
  w.Field("reply_code", f.reply_code, true);
  w.Field("action", f.action, true);
  w.Field("diagnostic", f.diagnostic, true);
  w.Field("remote_mta", f.remote_mta, true);
  w.Field("format", v.format, false);
  w.Field("original_message_id", v.original_message_id, true);
  w.List("evidence", v.evidence);
  if (!f.command.empty()) w.Field("command", f.command, false);
  if (!f.feedback_type.empty() || v.cause == formats::Cause::kFeedback) {
    w.Field("feedback_type", f.feedback_type, true);
  }
  if (v.reason != classify::Reason::kNone) w.Field("recommended_action", classify::RecommendedAction(v.reason), false);
  if (!v.notes.empty()) w.List("notes", v.notes);
  if (!v.error.empty()) w.Field("error", v.error, false);
  w.Char('}');
}

void AppendReplyJson(const Verdict& v, std::string_view reply, std::string* out) {
  const formats::Finding& f = v.finding;
  JsonWriter w(out, Bound({reply, classify::TypeName(v.type), classify::ReasonName(v.reason),
                           formats::CauseName(v.cause), f.status, f.reply_code, classify::RecommendedAction(v.reason)},
                          v.evidence, {}));
  w.Raw("{\"reply\":");
  w.String(reply);
  w.Field("type", classify::TypeName(v.type), false);
  w.Field("reason", classify::ReasonName(v.reason), true);
  w.Field("cause", formats::CauseName(v.cause), false);
  w.Field("status", f.status, true);
  w.Field("reply_code", f.reply_code, true);
  w.List("evidence", v.evidence);
  if (v.reason != classify::Reason::kNone) w.Field("recommended_action", classify::RecommendedAction(v.reason), false);
  w.Char('}');
}

void AppendHuman(const Verdict& v, std::string_view file, std::string* out) {
  const formats::Finding& f = v.finding;
  auto or_dash = [](std::string_view s) { return s.empty() ? std::string_view("-") : s; };
  out->append(fmt::format("{}\n", file));
  if (!v.error.empty()) {
    out->append(fmt::format("  error:      {}\n", v.error));
    return;
  }
  out->append(fmt::format("  recipient:  {}\n", or_dash(f.recipient)));
  out->append(fmt::format("  verdict:    {} {} ({})\n", classify::TypeName(v.type),
                          or_dash(classify::ReasonName(v.reason)), formats::CauseName(v.cause)));
  out->append(fmt::format("  codes:      status {}  reply {}  action {}\n", or_dash(f.status), or_dash(f.reply_code),
                          or_dash(f.action)));
  if (!f.diagnostic.empty()) out->append(fmt::format("  diagnostic: {}\n", f.diagnostic));
  if (!f.remote_mta.empty()) out->append(fmt::format("  remote MTA: {}\n", f.remote_mta));
  out->append(fmt::format("  format:     {}\n", v.format));
  if (!v.original_message_id.empty()) out->append(fmt::format("  original:   <{}>\n", v.original_message_id));
  if (v.reason != classify::Reason::kNone) {
    out->append(fmt::format("  action:     {}\n", classify::RecommendedAction(v.reason)));
  }
  std::string ev;
  for (const std::string& e : v.evidence) ev += (ev.empty() ? "" : "; ") + e;
  out->append(fmt::format("  evidence:   {}\n", ev));
}

}  // namespace rebound::app
