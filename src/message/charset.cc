#include "message/charset.h"

#include <utility>

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>

#include "message/headers.h"

namespace rebound::message {

namespace {

// Names that mail software writes but iconv spells differently, and
// charsets that are best read as their common superset.
std::string IconvName(std::string_view declared) {
  std::string n = ToLower(Trim(declared));
  if (n.size() >= 2 && n.front() == '"' && n.back() == '"') n = n.substr(1, n.size() - 2);
  if (n == "shift_jis" || n == "shift-jis" || n == "x-sjis" || n == "sjis" || n == "windows-31j" || n == "cp932" ||
      n == "ms932") {
    return "CP932";
  }
  if (n == "euc-jp" || n == "x-euc-jp") return "EUC-JP-MS";
  if (n == "iso-2022-jp" || n == "csiso2022jp") return "ISO-2022-JP-3";
  if (n == "gb2312" || n == "gbk" || n == "x-gbk" || n == "euc-cn" || n == "cp936") return "GB18030";
  if (n == "ks_c_5601-1987" || n == "euc-kr" || n == "ks_c_5601") return "CP949";
  if (n == "big5" || n == "x-big5") return "BIG5-HKSCS";
  if (n == "unicode-1-1-utf-7" || n == "utf7") return "UTF-7";
  if (n == "latin1" || n == "latin-1") return "ISO-8859-1";
  if (n == "utf8") return "UTF-8";
  return n;
}

bool IsUndeclared(std::string_view iconv_name) {
  return iconv_name.empty() || iconv_name == "us-ascii" || iconv_name == "ascii" || iconv_name == "unknown-8bit" ||
         iconv_name == "x-unknown" || iconv_name == "default" || iconv_name == "unknown";
}

bool IsSingleByteLatin(std::string_view n) {
  return n.starts_with("iso-8859-") || n.starts_with("windows-125") || n.starts_with("cp125") || n == "ISO-8859-1";
}

// Eight bytes at a time: notices are mostly long runs of ASCII.
bool HasHighBytes(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  for (; end - p >= 8; p += 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));
    if ((word & 0x8080808080808080ull) != 0) return true;
  }
  for (; p < end; ++p) {
    if (static_cast<unsigned char>(*p) >= 0x80) return true;
  }
  return false;
}

// Whether `s` holds an ISO-2022 escape ("ESC $" or "ESC ("): one search
// for ESC, which plain text never holds, rather than one per sequence.
bool HasIso2022Escape(std::string_view s) {
  for (size_t at = s.find('\x1B'); at != std::string_view::npos; at = s.find('\x1B', at + 1)) {
    if (at + 1 < s.size() && (s[at + 1] == '$' || s[at + 1] == '(')) return true;
  }
  return false;
}

void AppendCodePoint(std::string* out, unsigned cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// One iconv descriptor per charset per thread: opening one costs far more
// than a conversion.
class ConverterCache {
 public:
  ~ConverterCache() {
    for (auto& [name, cd] : cache_) {
      if (cd != kInvalid) iconv_close(cd);
    }
  }
  iconv_t Get(const std::string& from) {
    auto it = cache_.find(from);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= 64) {  // bound the cache against junk charset names
      for (auto& [name, cd] : cache_) {
        if (cd != kInvalid) iconv_close(cd);
      }
      cache_.clear();
    }
    return cache_.emplace(from, iconv_open("UTF-8", from.c_str())).first->second;
  }
  // iconv_open's documented failure value.
  static inline const iconv_t kInvalid = reinterpret_cast<iconv_t>(-1);  // NOLINT(performance-no-int-to-ptr)

 private:
  std::unordered_map<std::string, iconv_t> cache_;
};

iconv_t Converter(const std::string& from) {
  thread_local ConverterCache cache;
  return cache.Get(from);
}

}  // namespace

void KeepCharsetLoaded(std::string_view charset) {
  // The converter cache holds it, once per name, within its own bound.
  if (!charset.empty() && charset.size() <= 64) (void)Converter(ToLower(charset));
}

namespace {

// Converts with iconv; invalid input bytes become U+FFFD (or, with
// `latin1_fallback`, the Latin-1 character of that byte). Returns false when
// iconv does not know the charset.
bool Convert(std::string_view in, const std::string& from, bool latin1_fallback, std::string* out) {
  iconv_t cd = Converter(from);
  if (cd == ConverterCache::kInvalid) return false;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  out->clear();
  out->reserve(in.size() + in.size() / 2 + 16);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char buf[4096];
  while (src_left > 0) {
    char* dst = buf;
    size_t dst_left = sizeof(buf);
    size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    out->append(buf, sizeof(buf) - dst_left);
    if (r != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    // EILSEQ or EINVAL (truncated sequence at the end): skip one byte.
    unsigned char bad = static_cast<unsigned char>(*src);
    if (latin1_fallback) {
      AppendCodePoint(out, bad);
    } else {
      out->append("\xEF\xBF\xBD");
    }
    ++src;
    --src_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  // Flush any shift state (ISO-2022-*).
  char* dst = buf;
  size_t dst_left = sizeof(buf);
  iconv(cd, nullptr, nullptr, &dst, &dst_left);
  out->append(buf, sizeof(buf) - dst_left);
  return true;
}

// ISO-2022-JP text is mostly ASCII between short runs in other sets, each
// opened by an escape and closed by ESC ( B. Only those runs go through
// iconv, whose ISO-2022-JP-3 converter costs about 3 ns a byte; the ASCII
// between them is copied. The result is that of converting the whole text:
// a run starts in ASCII as the whole text would after ESC ( B, and an
// error inside a run resets to ASCII in both. Text with 8-bit bytes
// (`high`: not ISO-2022-JP at all) goes to iconv whole.
bool ConvertIso2022Jp(std::string_view in, bool high, std::string* out) {
  if (high) return Convert(in, "ISO-2022-JP-3", false, out);
  constexpr std::string_view kToAscii = "\x1B(B";
  out->clear();
  out->reserve(in.size() + in.size() / 2 + 16);
  std::string run;
  size_t pos = 0;
  while (pos < in.size()) {
    const size_t esc = in.find('\x1B', pos);
    out->append(in.substr(pos, esc == std::string_view::npos ? std::string_view::npos : esc - pos));
    if (esc == std::string_view::npos) break;
    if (in.substr(esc).starts_with(kToAscii)) {
      pos = esc + kToAscii.size();
      continue;
    }
    const size_t close = in.find(kToAscii, esc + 1);
    const size_t end = close == std::string_view::npos ? in.size() : close + kToAscii.size();
    if (!Convert(in.substr(esc, end - esc), "ISO-2022-JP-3", false, &run)) return false;
    out->append(run);
    pos = end;
  }
  return true;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof(word));
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

std::string_view ToUtf8(std::string_view bytes, std::string_view charset, std::string* storage) {
  const bool high = HasHighBytes(bytes);
  const bool iso2022 = HasIso2022Escape(bytes);
  if (!high && !iso2022) return bytes;  // ASCII is ASCII in every charset we accept
  const std::string name = IconvName(charset);
  std::string& out = *storage;
  out.clear();
  if (name == "UTF-8" || name == "utf-8") {
    if (IsValidUtf8(bytes)) return bytes;
    Convert(bytes, "UTF-8", false, &out);
    return out;
  }
  // ISO-2022 charsets are 7-bit: 8-bit bytes under that label are some
  // other charset, UTF-8 when they form it.
  const bool seven_bit_label = name.starts_with("ISO-2022") && !iso2022;
  if (IsUndeclared(name) || ((IsSingleByteLatin(name) || seven_bit_label) && high && IsValidUtf8(bytes))) {
    if (!iso2022 && IsValidUtf8(bytes)) return bytes;
    if (iso2022 && ConvertIso2022Jp(bytes, high, &out)) return out;
    out.clear();
    Convert(bytes, "CP1252", true, &out);
    return out;
  }
  if (name == "ISO-2022-JP-3" ? ConvertIso2022Jp(bytes, high, &out) : Convert(bytes, name, false, &out)) return out;
  // A charset iconv does not know: fall back as if undeclared.
  return ToUtf8(bytes, {}, storage);
}

std::string ToUtf8(std::string_view bytes, std::string_view charset) {
  std::string storage;
  return TakeText(ToUtf8(bytes, charset, &storage), &storage);
}

std::string TakeText(std::string_view text, std::string* storage) {
  if (text.data() != storage->data()) return std::string(text);
  storage->resize(text.size());
  return std::move(*storage);
}

}  // namespace rebound::message
