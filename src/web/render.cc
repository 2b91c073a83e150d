#include "web/render.h"

#include <map>
#include <memory>

namespace rebound::web::embedded {
std::string_view File(std::string_view name);
}

namespace rebound::web {

namespace {

using Mustache = kainjow::mustache::mustache;

// Templates are parsed once per thread: a parsed template is not safe to
// render from two threads at once.
Mustache& Parsed(std::string_view name) {
  thread_local std::map<std::string, std::unique_ptr<Mustache>, std::less<>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::string text(embedded::File(std::string(name) + ".html"));
    it = cache.emplace(std::string(name), std::make_unique<Mustache>(text)).first;
  }
  return *it->second;
}

std::string Escape(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~' || c == '@' || (keep_slash && c == '/');
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string_view EmbeddedFile(std::string_view name) { return embedded::File(name); }

std::string Render(std::string_view name, const Data& data) {
  Mustache& m = Parsed(name);
  if (!m.is_valid()) return "<!-- template " + std::string(name) + ": " + m.error_message() + " -->";
  Data with = data;
  with.set("timeline_items", kainjow::mustache::partial([] { return std::string(embedded::File("timeline.html")); }));
  return m.render(with);
}

std::string JsonForScript(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PathSegment(std::string_view s) { return Escape(s, false); }
std::string QueryValue(std::string_view s) { return Escape(s, false); }

}  // namespace rebound::web
