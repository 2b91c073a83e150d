// Inside the web UI: what a page handler sees of a request (Page), the
// route table, and the labels every page shows.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <vector>

#include "app/app.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/ui.h"

namespace rebound::web {

enum class Who { kAnyone, kAccountUser, kOperator };

class Page;
struct PageRoute {
  std::string method;
  std::string pattern;  // /contacts/{address}
  Who who;
  std::function<void(Page&)> handler;
};
const std::vector<PageRoute>& PageRoutes();

class Page {
 public:
  Page(app::App& app, const UiOptions& options, const httplib::Request& req, httplib::Response& res)
      : app(app), options(options), req(req), res(res) {}

  app::App& app;
  const UiOptions& options;
  const httplib::Request& req;
  httplib::Response& res;
  Lang lang = Lang::kEn;
  bool signed_in = false;
  app::WebSession session;
  std::vector<std::string> params;
  std::string notice;
  std::string error;

  const std::string& T(std::string_view key) const { return web::T(lang, key); }
  // The data every page starts from: the catalog, the layout's switches.
  Data Base() const;
  // Renders `name` with `data` inside the layout; `nav` marks the menu entry.
  void Html(int status, std::string_view name, Data data, const std::string& title, const std::string& nav);
  void Redirect(const std::string& url);
  void NotFound();
  // A POST without the session's CSRF token: refused, nothing changed.
  void CsrfRefused();
  // An app::Status that is not ok, as a page (or a notice on the page of `back`).
  void Failed(const app::Status& status);
  bool CsrfOk() const;
  std::string Form(const char* name) const;
  std::string Query(const char* name) const;
  std::string Cookie(const char* name) const;
  void SetCookie(const std::string& name, const std::string& value, int64_t max_age, bool http_only) const;

  // Labels of the product's values, in the page's language.
  std::string TypeLabel(const std::string& type) const;
  std::string ReasonLabel(const std::string& reason) const;
  std::string ActionLabel(const std::string& reason) const;
  std::string StatusLabel(const std::string& status) const;
  std::string SuppressionLabel(const std::string& kind) const;
  std::string StateLabel(const std::string& state) const;
  std::string WhyLabel(const std::string& why) const;
  std::string Date(int64_t t) const { return FormatDate(lang, t); }
  std::string Number(int64_t n) const { return FormatNumber(lang, n); }
  std::string Percent(double f) const { return FormatPercent(lang, f); }
  Data Timeline(const std::vector<store::TimelineEntry>& entries) const;
};

// The reasons of each type, in the order shown in filters.
const std::vector<std::string>& HardReasons();
const std::vector<std::string>& AllReasons();
Data Options(const Page& page, const std::vector<std::string>& values, const std::string& selected,
             const std::function<std::string(const std::string&)>& label);

// The route tables of each page file.
void AddAuthPages(std::vector<PageRoute>* routes);
void AddEmailPages(std::vector<PageRoute>* routes);
void AddContactPages(std::vector<PageRoute>* routes);
void AddDashboardPages(std::vector<PageRoute>* routes);
void AddSettingsPages(std::vector<PageRoute>* routes);
void AddOperatorPages(std::vector<PageRoute>* routes);

}  // namespace rebound::web
