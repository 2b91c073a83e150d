// The web UI's dispatcher and what every page shares.
#include <sodium.h>

#include <algorithm>

#include "app/json.h"
#include "web/page.h"

namespace rebound::web {

namespace {

constexpr const char* kSessionCookie = "rb_session";
constexpr const char* kLangCookie = "rb_lang";

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool Match(const std::string& pattern, const std::vector<std::string>& segments, std::vector<std::string>* params) {
  std::vector<std::string> p = Segments(pattern);
  if (p.size() != segments.size()) return false;
  std::vector<std::string> found;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{') {
      if (segments[i].empty()) return false;
      found.push_back(segments[i]);
    } else if (p[i] != segments[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

struct Asset {
  const char* path;
  const char* file;
  const char* type;
};
constexpr Asset kAssets[] = {
    {"/assets/app.css", "app.css", "text/css; charset=utf-8"},
    {"/assets/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/assets/chart.min.js", "chart.min.js", "text/javascript; charset=utf-8"},
};

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
                 "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "same-origin");
}

}  // namespace

struct Ui::Impl {
  app::App* app;
  UiOptions options;
};

Ui::Ui(app::App* app, UiOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->app = app;
  impl_->options = options;
}

Ui::~Ui() = default;

bool Ui::Handle(const httplib::Request& req, httplib::Response& res) {
  for (const Asset& a : kAssets) {
    if (req.path == a.path && req.method == "GET") {
      res.set_header("Cache-Control", "public, max-age=3600");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(std::string(EmbeddedFile(a.file)), a.type);
      return true;
    }
  }
  const std::vector<std::string> segments = Segments(req.path);
  const PageRoute* route = nullptr;
  std::vector<std::string> params;
  for (const PageRoute& r : PageRoutes()) {
    if (r.method == req.method && Match(r.pattern, segments, &params)) {
      route = &r;
      break;
    }
  }
  if (route == nullptr) return false;
  Page page(*impl_->app, impl_->options, req, res);
  page.params = std::move(params);
  SecurityHeaders(res);
  res.set_header("Cache-Control", "no-store");
  // ?lang=ja chooses the language (a cookie), then the same page again.
  Lang chosen = Lang::kEn;
  if (req.method == "GET" && req.has_param("lang") && ParseLang(req.get_param_value("lang"), &chosen)) {
    page.SetCookie(kLangCookie, std::string(LangCode(chosen)), int64_t{365} * 86400, false);
    page.Redirect(req.path);
    return true;
  }
  page.lang = Negotiate(page.Cookie(kLangCookie), req.get_header_value("Accept-Language"));
  const std::string token = page.Cookie(kSessionCookie);
  if (!token.empty()) {
    app::Status st = impl_->app->SessionOf(token, &page.session);
    page.signed_in = st.ok();
    if (st.code() == app::Code::kUnavailable) {
      page.Failed(st);
      return true;
    }
  }
  if (route->who != Who::kAnyone) {
    if (!page.signed_in) {
      if (req.method == "GET") {
        page.Redirect("/login?next=" + QueryValue(req.path));
      } else {
        page.CsrfRefused();
      }
      return true;
    }
    const bool is_operator = page.session.account_id == 0;
    // A page of the other kind of user is, to this one, a page that is not.
    if ((route->who == Who::kOperator) != is_operator) {
      page.NotFound();
      return true;
    }
    if (req.method == "POST" && !page.CsrfOk()) {
      page.CsrfRefused();
      return true;
    }
  }
  route->handler(page);
  return true;
}

Data Page::Base() const {
  Data d;
  d.set("t", Strings(lang));
  d.set("lang", std::string(LangCode(lang)));
  const Lang other = lang == Lang::kJa ? Lang::kEn : Lang::kJa;
  d.set("other_lang", std::string(LangCode(other)));
  d.set("lang_switch_url", req.path + "?lang=" + std::string(LangCode(other)));
  d.set("signed_in", signed_in);
  d.set("account_user", signed_in && session.account_id != 0);
  d.set("operator_user", signed_in && session.account_id == 0);
  d.set("user_email", session.email);
  d.set("csrf", session.csrf);
  return d;
}

void Page::Html(int status, std::string_view name, Data data, const std::string& title, const std::string& nav) {
  Data layout = Base();
  data.set("csrf", session.csrf);
  data.set("lang", std::string(LangCode(lang)));
  data.set("t", Strings(lang));
  layout.set("body", Render(name, data));
  layout.set("title", title);
  layout.set("charts", name == "dashboard");
  if (!nav.empty()) layout.set("nav_" + nav, true);
  if (!notice.empty()) layout.set("notice", notice);
  if (!error.empty()) layout.set("error", error);
  res.status = status;
  res.set_content(Render("layout", layout), "text/html; charset=utf-8");
}

void Page::Redirect(const std::string& url) {
  res.status = 303;
  res.set_header("Location", url);
}

void Page::NotFound() {
  Data d;
  d.set("heading", T("common.not_found"));
  d.set("text", T("common.not_found_text"));
  Html(404, "message", d, T("common.not_found"), "");
}

void Page::CsrfRefused() {
  Data d;
  d.set("heading", T("common.forbidden"));
  d.set("text", T("common.forbidden_text"));
  Html(403, "message", d, T("common.forbidden"), "");
}

void Page::Failed(const app::Status& status) {
  if (status.code() == app::Code::kNotFound) return NotFound();
  Data d;
  const bool down = status.code() == app::Code::kUnavailable;
  d.set("heading", down ? T("common.unavailable") : Fill(T("error.bad_request"), {{"message", status.message()}}));
  d.set("text", down ? "" : status.message());
  if (down) res.set_header("Retry-After", "5");
  Html(down ? 503 : 400, "message", d, T("app.name"), "");
}

bool Page::CsrfOk() const {
  const std::string sent = Form("csrf");
  const std::string& want = session.csrf;
  return !want.empty() && sent.size() == want.size() && sodium_memcmp(sent.data(), want.data(), want.size()) == 0;
}

std::string Page::Form(const char* name) const { return req.has_param(name) ? req.get_param_value(name) : ""; }

std::string Page::Query(const char* name) const { return Form(name); }

std::string Page::Cookie(const char* name) const {
  const std::string header = req.get_header_value("Cookie");
  const std::string want = std::string(name) + "=";
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    std::string item = header.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    if (item.compare(0, want.size(), want) == 0) return item.substr(want.size());
    start = end + 1;
  }
  return "";
}

void Page::SetCookie(const std::string& name, const std::string& value, int64_t max_age, bool http_only) const {
  std::string c = name + "=" + value + "; Path=/; SameSite=Lax; Max-Age=" + std::to_string(max_age);
  if (http_only) c += "; HttpOnly";
  if (options.secure_cookies) c += "; Secure";
  res.set_header("Set-Cookie", c);
}

std::string Page::TypeLabel(const std::string& type) const { return type.empty() ? "" : T("type." + type); }
std::string Page::ReasonLabel(const std::string& reason) const { return reason.empty() ? "" : T("reason." + reason); }
std::string Page::ActionLabel(const std::string& reason) const { return reason.empty() ? "" : T("action." + reason); }
std::string Page::StatusLabel(const std::string& status) const { return T("status." + status); }
std::string Page::SuppressionLabel(const std::string& kind) const {
  return kind.empty() ? "" : T("suppression." + kind);
}
std::string Page::StateLabel(const std::string& state) const { return T("state." + state); }
std::string Page::WhyLabel(const std::string& why) const { return why.empty() ? "" : T("why." + why); }

Data Page::Timeline(const std::vector<store::TimelineEntry>& entries) const {
  Data list{Data::type::list};
  // Newest first: what happened last is what a person looks for.
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const store::TimelineEntry& t = *it;
    Data e;
    e.set("when", Date(t.at));
    e.set("iso", app::Rfc3339(t.at));
    e.set("kind_label", T("timeline." + t.kind));
    const bool from_event =
        t.kind == "bounce" || t.kind == "complaint" || t.kind == "delivery_notice" || t.kind == "auto_reply";
    if (from_event) {
      if (t.event.type != "NONE") e.set("type_label", TypeLabel(t.event.type));
      e.set("reason_label", ReasonLabel(t.event.reason));
      e.set("diagnostic", t.event.diagnostic);
      e.set("bounce_url", "/bounces/" + std::to_string(t.event.id) + "/raw");
      if (t.event.channel == "one_to_one") {
        e.set("channel_label", T("timeline.one_to_one"));
        if (!t.event.matched_by.empty()) e.set("match_label", T("match." + t.event.matched_by));
      }
    } else {
      e.set("reason_label", ReasonLabel(t.reason));
      e.set("diagnostic", t.reply);
    }
    if (!t.by.empty()) {
      e.set("by", t.by);
      e.set("why", t.why);
    }
    list.push_back(e);
  }
  return list;
}

const std::vector<std::string>& HardReasons() {
  static const std::vector<std::string> r = {"UNKNOWN_USER", "MAILBOX_FULL", "CONTENT", "SPAM", "POLICY", "OTHER"};
  return r;
}

const std::vector<std::string>& AllReasons() {
  static const std::vector<std::string> r = {"UNKNOWN_USER",
                                             "MAILBOX_FULL",
                                             "CONTENT",
                                             "SPAM",
                                             "POLICY",
                                             "OTHER",
                                             "RECIPIENT_TEMPORARY",
                                             "SECURITY_FILTER",
                                             "DMARC_NOT_AUTHORIZED",
                                             "TEMPORARY_TECHNICAL"};
  return r;
}

Data Options(const Page& page, const std::vector<std::string>& values, const std::string& selected,
             const std::function<std::string(const std::string&)>& label) {
  (void)page;
  Data list{Data::type::list};
  for (const std::string& v : values) {
    Data o;
    o.set("value", v);
    o.set("label", label(v));
    o.set("selected", v == selected);
    list.push_back(o);
  }
  return list;
}

const std::vector<PageRoute>& PageRoutes() {
  static const std::vector<PageRoute> routes = [] {
    std::vector<PageRoute> r;
    AddAuthPages(&r);
    AddDashboardPages(&r);
    AddEmailPages(&r);
    AddContactPages(&r);
    AddSettingsPages(&r);
    AddOperatorPages(&r);
    return r;
  }();
  return routes;
}

}  // namespace rebound::web
