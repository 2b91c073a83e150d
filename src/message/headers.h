// Header fields as views into a message buffer, and the helpers that turn a
// raw field value into text: unfolding and RFC 2047 encoded-word decoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "message/limits.h"

namespace rebound::message {

// One "Name: value" field. `value` is raw: it still holds folding line breaks
// and encoded words, and starts after the colon and leading blanks.
struct HeaderField {
  std::string_view name;
  std::string_view value;
  uint32_t key = 0;  // NameKey(name), so that a lookup skips most fields on one compare
};

// Length and three letters of a field name, case folded: equal for names
// equal ignoring case, and seldom equal otherwise.
constexpr uint32_t NameKey(std::string_view name) {
  if (name.empty()) return 0;
  auto lower = [](char c) { return static_cast<uint32_t>(static_cast<unsigned char>(c) | 0x20); };
  return static_cast<uint32_t>(name.size() & 0xff) | lower(name[0]) << 8 | lower(name[name.size() / 2]) << 16 |
         lower(name.back()) << 24;
}

// A run of fields (a header section, or one DSN field group) stored in a
// vector owned elsewhere (the Message). Cheap to copy.
class HeaderBlock {
 public:
  HeaderBlock() = default;
  HeaderBlock(const std::vector<HeaderField>* store, uint32_t begin, uint32_t end)
      : store_(store), begin_(begin), end_(end) {}

  bool empty() const { return begin_ == end_; }
  size_t size() const { return end_ - begin_; }
  const HeaderField* begin() const { return store_ ? store_->data() + begin_ : nullptr; }
  const HeaderField* end() const { return store_ ? store_->data() + end_ : nullptr; }

  // The first field named `name` (case-insensitive), raw; nullptr if absent.
  // Inline, with Raw: most callers name a literal field, whose key then
  // folds at compile time.
  inline const HeaderField* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // The raw value of the first field named `name`, trimmed; empty if absent.
  inline std::string_view Raw(std::string_view name) const;
  // The first value unfolded to one line (no encoded-word decoding).
  std::string Unfolded(std::string_view name) const;
  // The first value unfolded and with RFC 2047 encoded words decoded to UTF-8.
  std::string Text(std::string_view name) const;

 private:
  const std::vector<HeaderField>* store_ = nullptr;
  uint32_t begin_ = 0;
  uint32_t end_ = 0;
};

// DSN and feedback-report field groups share the header syntax.
using FieldGroup = HeaderBlock;

// Joins folded lines with one space, collapses no other blanks, trims.
std::string Unfold(std::string_view raw);
// Decodes RFC 2047 encoded words (any charset) to UTF-8 through GMime; text
// that is not valid UTF-8 is converted as the message layer does for bodies.
std::string DecodeEncodedWords(std::string unfolded);

// Result of scanning one header section.
struct HeaderScan {
  size_t body_offset = 0;    // where the body starts in the scanned text
  bool truncated = false;    // a limit cut the section
  size_t skipped_lines = 0;  // lines that were neither fields nor folds
};

// Scans the header section at the start of `text` (LF line endings), appends
// its fields to `out`, and tells where the body starts (after the blank line,
// or at the end of text when there is none).
HeaderScan ScanHeaders(std::string_view text, const Limits& limits, std::vector<HeaderField>* out);

// `c` lowercased if it is an ASCII capital.
inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
// ASCII case-insensitive comparison. Inline: header lookups call it for
// every field, and most calls end at the length check.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i];
    const char y = b[i];
    if (x == y) continue;
    if (LowerAscii(x) != LowerAscii(y)) return false;
  }
  return true;
}
inline bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}
// Position of `needle` (lowercase ASCII) in `hay` ignoring case, or npos.
size_t FindIgnoreCase(std::string_view hay, std::string_view needle, size_t from = 0);
// Position of the first byte of `s`, at or after `from`, that is in `set`
// (FindFirstOf) or not in it (FindFirstNotOf); npos when there is none.
// std::string_view's own find_first_of calls memchr on the set once per
// byte of `s`: these compare with the set's few bytes inline.
inline bool InSet(char c, std::string_view set) {
  for (char x : set) {
    if (x == c) return true;
  }
  return false;
}
inline size_t FindFirstOf(std::string_view s, std::string_view set, size_t from = 0) {
  for (size_t i = from; i < s.size(); ++i) {
    if (InSet(s[i], set)) return i;
  }
  return std::string_view::npos;
}
inline size_t FindFirstNotOf(std::string_view s, std::string_view set, size_t from = 0) {
  for (size_t i = from; i < s.size(); ++i) {
    if (!InSet(s[i], set)) return i;
  }
  return std::string_view::npos;
}
// Position of the first byte in `s`, at or after `pos`, that is `a` or `b`;
// s.size() when there is none. Inline, sixteen bytes at a time: mail lines
// are short, and a library memchr call per line costs more than scanning
// the line's bytes.
inline size_t FindEither(std::string_view s, size_t pos, char a, char b) {
  const char* p = s.data();
  const size_t n = s.size();
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  auto mask16 = [&](size_t at) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    return static_cast<uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, va), _mm_cmpeq_epi8(block, vb)))));
  };
  // Lines vary in length: a loop of sixteen-byte steps ends after a varying
  // count, and the branch that ends it is mispredicted about once a line.
  // 64 bytes are tested at once instead (most mail lines are shorter), with
  // one branch per 64.
  while (pos + 64 <= n) {
    const uint64_t mask = mask16(pos) | mask16(pos + 16) << 16 | mask16(pos + 32) << 32 | mask16(pos + 48) << 48;
    if (mask != 0) return pos + static_cast<size_t>(__builtin_ctzll(mask));
    pos += 64;
  }
  for (; pos + 16 <= n; pos += 16) {
    const uint64_t mask = mask16(pos);
    if (mask != 0) return pos + static_cast<size_t>(__builtin_ctzll(mask));
  }
#endif
  for (; pos < n; ++pos) {
    if (p[pos] == a || p[pos] == b) return pos;
  }
  return n;
}
// Position of the first '\n' in `s` at or after `pos`; s.size() when there
// is none.
inline size_t FindNewline(std::string_view s, size_t pos) { return FindEither(s, pos, '\n', '\n'); }
// `s` without leading and trailing blanks and line breaks.
inline std::string_view Trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t b = 0;
  size_t e = s.size();
  while (b < e && blank(s[b])) ++b;
  while (e > b && blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}
std::string ToLower(std::string_view s);

const HeaderField* HeaderBlock::Find(std::string_view name) const {
  const uint32_t key = NameKey(name);
  for (const HeaderField* f = begin(); f != end(); ++f) {
    if (f->key == key && EqualsIgnoreCase(f->name, name)) return f;
  }
  return nullptr;
}

std::string_view HeaderBlock::Raw(std::string_view name) const {
  const HeaderField* f = Find(name);
  return f ? Trim(f->value) : std::string_view();
}

}  // namespace rebound::message
