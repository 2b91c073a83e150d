// The words of the web UI in English and Japanese: one message catalog per
// language (catalog/en.json, catalog/ja.json, embedded at build time), the
// language a request wants, and dates and numbers written its way.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <kainjow/mustache.hpp>

namespace rebound::web {

enum class Lang { kEn, kJa };

std::string_view LangCode(Lang lang);  // "en", "ja"
// The cookie's choice when it names a language, else the best of
// Accept-Language (with its q-values), else English.
Lang Negotiate(std::string_view cookie, std::string_view accept_language);
bool ParseLang(std::string_view code, Lang* out);

// The catalog entry `key` ("nav.emails") in `lang`; the key itself when
// missing (a test checks that none is).
const std::string& T(Lang lang, std::string_view key);
// Every entry, for templates: "nav.emails" is {{t.nav_emails}}.
const kainjow::mustache::data& Strings(Lang lang);
// The keys of a catalog (for the tests).
std::vector<std::string> CatalogKeys(Lang lang);

// `text` with each {name} replaced by its value.
std::string Fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values);

// "Dec 3, 2026, 13:10 UTC" / "2026年12月3日 13:10 UTC"; empty for 0.
std::string FormatDate(Lang lang, int64_t t);
// A chart's axis label: "Dec 3" / "12月3日", with the hour "Dec 3 13:00" / "12月3日 13:00".
std::string FormatShort(Lang lang, int64_t t, bool with_hour);
// "1,234,567"
std::string FormatNumber(Lang lang, int64_t n);
// "5.2%" (a fraction in, one decimal out).
std::string FormatPercent(Lang lang, double fraction);

}  // namespace rebound::web
