// The web UI's words and templates: both catalogs hold the same keys, every
// word a template uses is in them, every template parses, and what goes
// into a page is escaped.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "web/i18n.h"
#include "web/render.h"

namespace rebound::web {
namespace {

const char* const kTemplates[] = {
    "layout", "message",  "login",   "dashboard",    "emails",   "email",    "recipient",         "timeline",
    "raw",    "contacts", "contact", "suppressions", "settings", "attempts", "operator_accounts", "operator_global"};

TEST(Catalogs, HoldTheSameKeys) { EXPECT_EQ(CatalogKeys(Lang::kEn), CatalogKeys(Lang::kJa)); }

TEST(Catalogs, HoldEveryWordTheTemplatesUse) {
  const std::vector<std::string> keys = CatalogKeys(Lang::kEn);
  std::set<std::string> names;
  for (std::string k : keys) {
    std::replace(k.begin(), k.end(), '.', '_');
    names.insert(k);
  }
  const std::regex word(R"(\{\{t\.([a-z0-9_]+)\}\})");
  for (const char* name : kTemplates) {
    const std::string text(EmbeddedFile(std::string(name) + ".html"));
    ASSERT_FALSE(text.empty()) << name;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(names.count((*it)[1])) << name << ": t." << (*it)[1];
    }
  }
}

TEST(Catalogs, UseTheProductsJapaneseTerms) {
  EXPECT_EQ(T(Lang::kJa, "type.HARD"), "ハードバウンス");
  EXPECT_EQ(T(Lang::kJa, "type.SOFT"), "ソフトバウンス");
  EXPECT_EQ(T(Lang::kJa, "type.PENDING"), "保留バウンス");
  EXPECT_EQ(T(Lang::kJa, "type.GLOBAL"), "グローバルバウンス");
  EXPECT_EQ(T(Lang::kJa, "reason.UNKNOWN_USER"), "不明なユーザー");
  EXPECT_EQ(T(Lang::kJa, "reason.MAILBOX_FULL"), "受信トレイがいっぱいです");
  EXPECT_EQ(T(Lang::kJa, "reason.CONTENT"), "コンテンツ");
  EXPECT_EQ(T(Lang::kJa, "reason.SPAM"), "スパム");
  EXPECT_EQ(T(Lang::kJa, "reason.POLICY"), "ポリシー");
  EXPECT_EQ(T(Lang::kJa, "reason.OTHER"), "その他");
  EXPECT_EQ(T(Lang::kJa, "unbounce.button"), "バウンスを解除");
}

TEST(Templates, AllParseAndRender) {
  Data d;
  d.set("t", Strings(Lang::kEn));
  for (const char* name : kTemplates) {
    const std::string out = Render(name, d);
    EXPECT_EQ(out.find("<!-- template"), std::string::npos) << name << ": " << out;
  }
}

TEST(Templates, EscapeWhatTheyShow) {
  Data d;
  d.set("t", Strings(Lang::kEn));
  d.set("raw", "<script>alert(1)</script> & \"x\" 'y'");
  const std::string out = Render("raw", d);
  EXPECT_EQ(out.find("<script>"), std::string::npos) << out;
  EXPECT_NE(out.find("&lt;script&gt;"), std::string::npos) << out;
}

TEST(Render, JsonInAScriptCannotEndIt) {
  EXPECT_EQ(JsonForScript(R"({"a":"</script><b>&"})"), R"({"a":"\u003c/script\u003e\u003cb\u003e\u0026"})");
}

TEST(Render, PathSegmentsAreEncoded) {
  EXPECT_EQ(PathSegment("jane+news@example.org"), "jane%2Bnews@example.org");
  EXPECT_EQ(PathSegment("a/b?c#d\"<"), "a%2Fb%3Fc%23d%22%3C");
}

TEST(Languages, FollowTheCookieThenAcceptLanguage) {
  EXPECT_EQ(Negotiate("", "ja-JP,ja;q=0.9,en;q=0.8"), Lang::kJa);
  EXPECT_EQ(Negotiate("", "fr-FR,en;q=0.5,ja;q=0.4"), Lang::kEn);
  EXPECT_EQ(Negotiate("", "de"), Lang::kEn);
  EXPECT_EQ(Negotiate("en", "ja"), Lang::kEn);
  EXPECT_EQ(Negotiate("ja", ""), Lang::kJa);
  EXPECT_EQ(Negotiate("xx", "en;q=0.1, ja;q=0.9"), Lang::kJa);
}

TEST(Languages, WriteDatesAndNumbersTheirWay) {
  const int64_t t = 1796304600;  // 2026-12-03T13:30:00Z
  EXPECT_EQ(FormatDate(Lang::kEn, t), "Dec 3, 2026, 13:30 UTC");
  EXPECT_EQ(FormatDate(Lang::kJa, t), "2026年12月3日 13:30 UTC");
  EXPECT_EQ(FormatShort(Lang::kJa, t, true), "12月3日 13:00");
  EXPECT_EQ(FormatNumber(Lang::kEn, 1234567), "1,234,567");
  EXPECT_EQ(FormatPercent(Lang::kEn, 0.0525), "5.2%");
  EXPECT_EQ(Fill("in {seconds} s, {seconds}!", {{"seconds", "30"}}), "in 30 s, 30!");
}

}  // namespace
}  // namespace rebound::web
