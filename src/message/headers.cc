#include "message/headers.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <mutex>

#include "message/charset.h"

namespace rebound::message {

namespace {

// A field name is printable ASCII without blanks or colon (RFC 5322 ftext);
// servers sometimes put blanks before the colon, which we allow.
enum FieldByte : uint8_t { kBad, kName, kBlank, kColon };

constexpr std::array<uint8_t, 256> FieldByteClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 33; c < 127; ++c) t[c] = kName;
  t[' '] = kBlank;
  t['\t'] = kBlank;
  t[':'] = kColon;
  return t;
}
constexpr std::array<uint8_t, 256> kFieldByte = FieldByteClasses();

// One pass up to the colon: sixteen bytes at a time while the line is that
// long (the name's end is then found without a branch per byte), then one
// table lookup per byte.
bool LooksLikeFieldLine(std::string_view line, size_t* colon_out) {
  const size_t limit = std::min<size_t>(line.size(), 201);
  size_t i = 0;
  bool name_ended = false;
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i del = _mm_set1_epi8(127);
  const __m128i colon = _mm_set1_epi8(':');
  for (; i + 16 <= limit; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    // Name bytes: printable ASCII (signed compare: 8-bit bytes are negative) but not ':'.
    const __m128i name =
        _mm_andnot_si128(_mm_cmpeq_epi8(v, colon), _mm_and_si128(_mm_cmpgt_epi8(v, space), _mm_cmplt_epi8(v, del)));
    const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(name)) & 0xFFFFu;
    if (other != 0) {
      i += static_cast<size_t>(__builtin_ctz(other));
      name_ended = true;
      break;
    }
  }
#endif
  if (!name_ended) {
    while (i < limit && kFieldByte[static_cast<unsigned char>(line[i])] == kName) ++i;
  }
  if (i == 0 || i == limit) return false;
  while (i < limit && kFieldByte[static_cast<unsigned char>(line[i])] == kBlank) ++i;
  if (i == limit || line[i] != ':') return false;
  if (colon_out) *colon_out = i;
  return true;
}

// Whether `rest` starts with a line that is indented and not only blanks.
bool IsIndentedText(std::string_view rest) {
  if (rest.empty() || (rest[0] != ' ' && rest[0] != '\t')) return false;
  const size_t eol = rest.find('\n');
  return !Trim(rest.substr(0, eol)).empty();
}

}  // namespace

// Sixteen candidate positions at a time (W. Muła's "SIMD-friendly"
// substring search): a position is a candidate when the needle's first and
// last bytes both match there, either case; only candidates are compared in
// full. A byte matches a letter ignoring case when (byte | 0x20) is the
// lowercase letter, which no other byte satisfies.
size_t FindIgnoreCase(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size() || from > hay.size() - needle.size()) return std::string_view::npos;
  const size_t n = needle.size();
  const char* base = hay.data();
  const size_t last_start = hay.size() - n;  // the last position the needle fits at
  auto matches_at = [&](size_t pos) {
    for (size_t j = 0; j < n; ++j) {
      if (LowerAscii(base[pos + j]) != LowerAscii(needle[j])) return false;
    }
    return true;
  };
  size_t pos = from;
#ifdef __SSE2__
  const char first = LowerAscii(needle[0]);
  const char last = LowerAscii(needle[n - 1]);
  const bool first_letter = first >= 'a' && first <= 'z';
  const bool last_letter = last >= 'a' && last <= 'z';
  const __m128i first_v = _mm_set1_epi8(first);
  const __m128i last_v = _mm_set1_epi8(last);
  const __m128i fold_first = _mm_set1_epi8(first_letter ? 0x20 : 0);
  const __m128i fold_last = _mm_set1_epi8(last_letter ? 0x20 : 0);
  auto candidates_at = [&](size_t at) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at + n - 1));
    const __m128i eq = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, fold_first), first_v),
                                     _mm_cmpeq_epi8(_mm_or_si128(b, fold_last), last_v));
    return static_cast<unsigned>(_mm_movemask_epi8(eq));
  };
  if (last_start + 1 - from >= 16) {
    // Blocks of sixteen positions; the last one ends at the last start and
    // overlaps the one before, whose positions are masked out (in place of
    // a byte-by-byte tail).
    const size_t last_block = last_start + 1 - 16;
    while (true) {
      const size_t at = std::min(pos, last_block);
      for (unsigned mask = candidates_at(at) >> (pos - at) << (pos - at); mask != 0; mask &= mask - 1) {
        const size_t candidate = at + static_cast<size_t>(__builtin_ctz(mask));
        if (matches_at(candidate)) return candidate;
      }
      if (at == last_block) return std::string_view::npos;
      pos += 16;
    }
  }
#endif
  for (; pos <= last_start; ++pos) {
    if (matches_at(pos)) return pos;
  }
  return std::string_view::npos;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

std::string Unfold(std::string_view raw) {
  raw = Trim(raw);
  if (std::memchr(raw.data(), '\n', raw.size()) == nullptr && std::memchr(raw.data(), '\r', raw.size()) == nullptr) {
    return std::string(raw);
  }
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\n' || c == '\r') {
      while (i + 1 < raw.size() &&
             (raw[i + 1] == ' ' || raw[i + 1] == '\t' || raw[i + 1] == '\n' || raw[i + 1] == '\r')) {
        ++i;
      }
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

namespace {

// `s` as UTF-8 (ToUtf8 undeclared), moved through when it is that already.
std::string Utf8Of(std::string s) {
  std::string storage;
  const std::string_view text = ToUtf8(s, {}, &storage);
  return text.data() == s.data() ? TakeText(text, &s) : TakeText(text, &storage);
}

}  // namespace

std::string DecodeEncodedWords(std::string unfolded) {
  if (unfolded.find("=?") == std::string::npos) return Utf8Of(std::move(unfolded));
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
  // GMime opens a converter for each encoded word's charset and closes it:
  // keep one open so that glibc does not unload and reload the module.
  const std::string_view view = unfolded;
  for (size_t at = view.find("=?"); at != std::string_view::npos; at = view.find("=?", at + 2)) {
    const size_t end = FindFirstOf(view, "?*", at + 2);
    if (end != std::string_view::npos) KeepCharsetLoaded(view.substr(at + 2, end - at - 2));
  }
  char* decoded = g_mime_utils_header_decode_text(nullptr, unfolded.c_str());
  if (decoded == nullptr) return Utf8Of(std::move(unfolded));
  std::string out(decoded);
  g_free(decoded);
  return Utf8Of(std::move(out));
}

std::string HeaderBlock::Unfolded(std::string_view name) const {
  const HeaderField* f = Find(name);
  return f ? Unfold(f->value) : std::string();
}

std::string HeaderBlock::Text(std::string_view name) const {
  const HeaderField* f = Find(name);
  return f ? DecodeEncodedWords(Unfold(f->value)) : std::string();
}

HeaderScan ScanHeaders(std::string_view text, const Limits& limits, std::vector<HeaderField>* out) {
  HeaderScan scan;
  const size_t first = out->size();
  size_t pos = 0;
  size_t value_start = 0;
  bool in_field = false;
  while (pos < text.size()) {
    const size_t eol = FindNewline(text, pos);
    const size_t next = eol < text.size() ? eol + 1 : eol;
    std::string_view line = text.substr(pos, eol - pos);
    // A blank line ends the section; a line of blanks inside a folded value
    // that goes on indented below it is folding (RFC 5322 obs-FWS) and is
    // read as a fold below.
    // (Only a line that starts with a blank can be all blanks: most lines
    // are decided on their first byte.)
    const bool blank_start = !line.empty() && (line[0] == ' ' || line[0] == '\t' || line[0] == '\r');
    if (line.empty() || (blank_start && Trim(line).empty() && !(in_field && IsIndentedText(text.substr(next))))) {
      scan.body_offset = next;
      return scan;
    }
    if (pos > limits.max_header_bytes) {
      scan.truncated = true;
      // Skip to the end of the section without keeping more fields.
      size_t blank = text.find("\n\n", pos);
      scan.body_offset = blank == std::string_view::npos ? text.size() : blank + 2;
      return scan;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (in_field) {
        out->back().value = text.substr(value_start, eol - value_start);
      } else if (out->size() == first) {
        // A section cannot start with a fold: there are no headers here.
        scan.body_offset = 0;
        return scan;
      } else {
        ++scan.skipped_lines;
      }
      pos = next;
      continue;
    }
    size_t colon = 0;
    if (LooksLikeFieldLine(line, &colon)) {
      if (out->size() - first >= limits.max_header_fields) {
        scan.truncated = true;
        in_field = false;
      } else {
        size_t name_end = colon;
        while (name_end > 0 && (line[name_end - 1] == ' ' || line[name_end - 1] == '\t')) --name_end;
        size_t v = colon + 1;
        while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
        value_start = pos + v;
        const std::string_view name = line.substr(0, name_end);
        out->push_back(HeaderField{name, text.substr(value_start, eol - value_start), NameKey(name)});
        in_field = true;
      }
      pos = next;
      continue;
    }
    // Neither a field nor a fold.
    if (out->size() == first) {
      scan.body_offset = 0;  // no header section at all
      return scan;
    }
    // An mbox ">From " line or similar noise inside the section is skipped
    // when a field follows; otherwise the section has ended without a blank
    // line and this line starts the body.
    std::string_view rest = text.substr(next);
    size_t rest_eol = rest.find('\n');
    std::string_view following = rest.substr(0, rest_eol);
    if (!following.empty() && LooksLikeFieldLine(following, nullptr)) {
      ++scan.skipped_lines;
      in_field = false;
      pos = next;
      continue;
    }
    scan.body_offset = pos;
    return scan;
  }
  scan.body_offset = text.size();
  return scan;
}

}  // namespace rebound::message
