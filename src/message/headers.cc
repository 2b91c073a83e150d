#include "message/headers.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

#include "message/charset.h"

namespace rebound::message {

namespace {

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

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

// One pass up to the colon, one table lookup per byte.
bool LooksLikeFieldLine(std::string_view line, size_t* colon_out) {
  const size_t limit = std::min<size_t>(line.size(), 201);
  size_t i = 0;
  while (i < limit && kFieldByte[static_cast<unsigned char>(line[i])] == kName) ++i;
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

namespace {

// How common a byte is in mail text (higher: more common), so that a search
// anchors on the needle's rarest byte and memchr skips far between
// candidates.
constexpr std::array<uint8_t, 256> ByteCommonness() {
  std::array<uint8_t, 256> r{};
  for (int c = 0; c < 256; ++c) r[c] = 100;
  constexpr std::string_view kByFrequency = "etaoinsrhldcumfpgwybvkxjqz";  // English letters
  for (size_t i = 0; i < kByFrequency.size(); ++i) {
    const auto lo = static_cast<unsigned char>(kByFrequency[i]);
    r[lo] = r[lo - 32] = static_cast<uint8_t>(250 - 5 * i);
  }
  for (int c = '0'; c <= '9'; ++c) r[c] = 170;
  r[' '] = 255;
  r['\n'] = r['\t'] = 240;
  r['.'] = r['-'] = 200;
  r[':'] = r[','] = r['/'] = 180;
  return r;
}
constexpr std::array<uint8_t, 256> kCommonness = ByteCommonness();

}  // namespace

size_t FindIgnoreCase(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size() || from > hay.size() - needle.size()) return std::string_view::npos;
  // Anchor on the needle's rarest byte, found with memchr in both cases.
  size_t anchor = 0;
  for (size_t i = 1; i < needle.size(); ++i) {
    if (kCommonness[static_cast<unsigned char>(needle[i])] < kCommonness[static_cast<unsigned char>(needle[anchor])]) {
      anchor = i;
    }
  }
  const char lo = Lower(needle[anchor]);
  const char up = (lo >= 'a' && lo <= 'z') ? static_cast<char>(lo - 32) : lo;
  const char* base = hay.data();
  // Anchor positions that leave room for the needle around them.
  const char* begin = base + from + anchor;
  const char* end = base + (hay.size() - needle.size()) + anchor + 1;
  auto next = [&](const char* p, char c) -> const char* {
    if (p >= end) return end;
    const void* hit = std::memchr(p, c, static_cast<size_t>(end - p));
    return hit ? static_cast<const char*>(hit) : end;
  };
  const char* next_lo = next(begin, lo);
  const char* next_up = lo == up ? end : next(begin, up);
  while (true) {
    const char* hit = next_lo < next_up ? next_lo : next_up;
    if (hit >= end) return std::string_view::npos;
    const char* cand = hit - anchor;
    size_t j = 0;
    while (j < needle.size() && Lower(cand[j]) == Lower(needle[j])) ++j;
    if (j == needle.size()) return static_cast<size_t>(cand - base);
    if (hit == next_lo) next_lo = next(hit + 1, lo);
    if (hit == next_up) next_up = lo == up ? end : next(hit + 1, up);
  }
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
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

std::string DecodeEncodedWords(std::string_view unfolded) {
  if (unfolded.find("=?") == std::string_view::npos) return ToUtf8(unfolded, {});
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
  std::string input(unfolded);
  char* decoded = g_mime_utils_header_decode_text(nullptr, input.c_str());
  if (decoded == nullptr) return ToUtf8(unfolded, {});
  std::string out(decoded);
  g_free(decoded);
  return ToUtf8(out, {});
}

const HeaderField* HeaderBlock::Find(std::string_view name) const {
  for (const HeaderField* f = begin(); f != end(); ++f) {
    if (EqualsIgnoreCase(f->name, name)) return f;
  }
  return nullptr;
}

std::string_view HeaderBlock::Raw(std::string_view name) const {
  const HeaderField* f = Find(name);
  return f ? Trim(f->value) : std::string_view();
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
    if (line.empty() || (Trim(line).empty() && !(in_field && IsIndentedText(text.substr(next))))) {
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
        out->push_back(HeaderField{line.substr(0, name_end), text.substr(value_start, eol - value_start)});
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
