#include "web/i18n.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

namespace rebound::web::embedded {
std::string_view File(std::string_view name);  // catalogs, templates, assets (generated)
}

namespace rebound::web {

namespace {

struct Catalog {
  std::map<std::string, std::string, std::less<>> entries;
  kainjow::mustache::data strings{kainjow::mustache::data::type::object};
};

Catalog Load(std::string_view file) {
  Catalog c;
  const nlohmann::json j = nlohmann::json::parse(embedded::File(file));
  kainjow::mustache::data t{kainjow::mustache::data::type::object};
  for (const auto& [key, value] : j.items()) {
    c.entries[key] = value.get<std::string>();
    std::string name = key;
    std::replace(name.begin(), name.end(), '.', '_');
    c.strings.set(name, value.get<std::string>());
  }
  return c;
}

const Catalog& Of(Lang lang) {
  static const std::array<Catalog, 2> catalogs = {Load("en.json"), Load("ja.json")};
  return catalogs[lang == Lang::kJa ? 1 : 0];
}

std::string Group(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return (n < 0 ? "-" : "") + out;
}

}  // namespace

std::string_view LangCode(Lang lang) { return lang == Lang::kJa ? "ja" : "en"; }

bool ParseLang(std::string_view code, Lang* out) {
  if (code == "en") {
    *out = Lang::kEn;
  } else if (code == "ja") {
    *out = Lang::kJa;
  } else {
    return false;
  }
  return true;
}

Lang Negotiate(std::string_view cookie, std::string_view accept) {
  Lang chosen = Lang::kEn;
  if (ParseLang(cookie, &chosen)) return chosen;
  // "ja-JP,ja;q=0.9,en;q=0.8": the supported language of the highest q.
  double best = -1;
  size_t start = 0;
  while (start < accept.size()) {
    size_t comma = accept.find(',', start);
    std::string_view item =
        accept.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? accept.size() : comma + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    double q = 1.0;
    if (size_t semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      item = item.substr(0, semi);
      if (size_t qpos = params.find("q="); qpos != std::string_view::npos) {
        q = std::strtod(std::string(params.substr(qpos + 2)).c_str(), nullptr);
      }
    }
    std::string tag(item.substr(0, item.find('-')));
    std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return std::tolower(c); });
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    Lang l = Lang::kEn;
    if (ParseLang(tag, &l) && q > best) {
      best = q;
      chosen = l;
    }
  }
  return chosen;
}

const std::string& T(Lang lang, std::string_view key) {
  const Catalog& c = Of(lang);
  auto it = c.entries.find(key);
  if (it != c.entries.end()) return it->second;
  static thread_local std::string missing;
  missing = std::string(key);
  return missing;
}

const kainjow::mustache::data& Strings(Lang lang) { return Of(lang).strings; }

std::vector<std::string> CatalogKeys(Lang lang) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : Of(lang).entries) keys.push_back(k);
  return keys;
}

std::string Fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [name, value] : values) {
    const std::string mark = "{" + std::string(name) + "}";
    for (size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at + value.size())) {
      text.replace(at, mark.size(), value);
    }
  }
  return text;
}

std::string FormatDate(Lang lang, int64_t t) {
  if (t == 0) return "";
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[64];
  if (lang == Lang::kJa) {
    snprintf(buf, sizeof(buf), "%d年%d月%d日 %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min);
  } else {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(buf, sizeof(buf), "%s %d, %d, %02d:%02d UTC", kMonths[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900,
             tm.tm_hour, tm.tm_min);
  }
  return buf;
}

std::string FormatShort(Lang lang, int64_t t, bool with_hour) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[48];
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (lang == Lang::kJa) {
    snprintf(buf, sizeof(buf), "%d月%d日", tm.tm_mon + 1, tm.tm_mday);
  } else {
    snprintf(buf, sizeof(buf), "%s %d", kMonths[tm.tm_mon], tm.tm_mday);
  }
  std::string out = buf;
  if (with_hour) {
    snprintf(buf, sizeof(buf), " %02d:00", tm.tm_hour);
    out += buf;
  }
  return out;
}

std::string FormatNumber(Lang, int64_t n) { return Group(n); }

std::string FormatPercent(Lang, double fraction) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.1f%%", fraction * 100);
  return buf;
}

}  // namespace rebound::web
