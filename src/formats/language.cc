#include "formats/language.h"

#include <glib.h>

#include <array>
#include <vector>

#include "message/headers.h"

namespace rebound::formats::data {
std::string_view File(std::string_view name);  // embedded rules/autoreply.tsv (generated)
}  // namespace rebound::formats::data

namespace rebound::formats {

namespace {

struct Phrase {
  std::string lang;
  std::string text;
};

using Table = std::array<std::vector<Phrase>, 5>;

Table Load() {
  Table t;
  std::string_view data = data::File("autoreply.tsv");
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    std::string_view line = data.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? data.size() : nl + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t a = line.find('\t');
    size_t b = a == std::string_view::npos ? a : line.find('\t', a + 1);
    if (b == std::string_view::npos) continue;
    std::string_view what = line.substr(0, a);
    Phrase p{std::string(line.substr(a + 1, b - a - 1)), std::string(message::Trim(line.substr(b + 1)))};
    if (p.text.empty()) continue;
    int k = what == "autoreply-subject" ? 0
            : what == "autoreply-body"  ? 1
            : what == "challenge"       ? 2
            : what == "bounce-subject"  ? 3
            : what == "bounce-body"     ? 4
                                        : -1;
    if (k >= 0) t[static_cast<size_t>(k)].push_back(std::move(p));
  }
  return t;
}

const Table& Phrases() {
  static const Table table = Load();
  return table;
}

}  // namespace

std::string FindWording(Wording what, std::string_view text) {
  if (text.empty()) return {};
  gchar* lower = g_utf8_strdown(text.data(), static_cast<gssize>(text.size()));
  std::string_view l(lower);
  std::string found;
  for (const Phrase& p : Phrases()[static_cast<size_t>(what)]) {
    if (l.find(p.text) != std::string_view::npos) {
      found = p.lang + ": " + p.text;
      break;
    }
  }
  g_free(lower);
  return found;
}

}  // namespace rebound::formats
