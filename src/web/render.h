// Pages from templates (templates/*.html, mustache, embedded at build
// time). Every {{value}} is HTML-escaped; only a page's rendered body goes
// into the layout unescaped ({{{body}}}), and the dashboard's chart data,
// which JsonForScript makes safe inside a <script> element.
#pragma once

#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>

namespace rebound::web {

using Data = kainjow::mustache::data;

// Renders templates/<name>.html with `data` (the "timeline_items" partial is
// available to every template). Returns the error text, marked, when the
// template is malformed (a test renders every template).
std::string Render(std::string_view name, const Data& data);

// An embedded file of the web UI: a template, a catalog, an asset.
std::string_view EmbeddedFile(std::string_view name);

// JSON text safe inside a <script type="application/json"> element: "<",
// ">" and "&" are written as \u escapes so that no "</script>" can end it.
std::string JsonForScript(const std::string& json);

// `s` percent-encoded for one path segment of a URL (an address in /contacts/...).
std::string PathSegment(std::string_view s);
// `s` percent-encoded for a query value.
std::string QueryValue(std::string_view s);

}  // namespace rebound::web
