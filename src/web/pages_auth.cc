// Sign-in and sign-out.
#include "app/secrets.h"
#include "web/page.h"

namespace rebound::web {

namespace {

constexpr const char* kLoginCookie = "rb_login";  // the sign-in form's CSRF token (double submit)

// Where to go after signing in: a path of ours, never another site.
std::string SafeNext(const std::string& next) {
  if (next.size() > 1 && next[0] == '/' && next[1] != '/' && next[1] != '\\' &&
      next.find_first_of("\r\n") == std::string::npos) {
    return next;
  }
  return "/";
}

void ShowLogin(Page& p, int status, const std::string& email) {
  const std::string token = app::Base64Url(app::RandomBytes(18));
  p.SetCookie(kLoginCookie, token, 3600, true);
  Data d;
  d.set("login_csrf", token);
  d.set("next", SafeNext(p.Query("next")));
  d.set("email", email);
  p.Html(status, "login", d, p.T("login.title"), "");
}

void LoginPage(Page& p) {
  if (p.signed_in) return p.Redirect("/");
  ShowLogin(p, 200, "");
}

void Login(Page& p) {
  const std::string sent = p.Form("csrf");
  const std::string cookie = p.Cookie(kLoginCookie);
  const std::string email = p.Form("email");
  if (sent.empty() || sent != cookie) {
    p.error = p.T("login.expired");
    return ShowLogin(p, 403, email);
  }
  std::string token;
  app::WebSession session;
  int64_t retry_after = 0;
  app::Status st = p.app.SignIn(email, p.Form("password"), &token, &session, &retry_after);
  if (st.code() == app::Code::kForbidden) {
    p.res.set_header("Retry-After", std::to_string(retry_after));
    p.error = Fill(p.T("login.throttled"), {{"seconds", std::to_string(retry_after)}});
    return ShowLogin(p, 429, email);
  }
  if (st.code() == app::Code::kUnauthorized) {
    p.error = p.T("login.failed");
    return ShowLogin(p, 401, email);
  }
  if (!st.ok()) return p.Failed(st);
  p.SetCookie("rb_session", token, int64_t{12} * 3600, true);
  p.Redirect(SafeNext(p.Form("next")) == "/" ? (session.account_id == 0 ? "/operator/accounts" : "/dashboard")
                                             : SafeNext(p.Form("next")));
}

void Logout(Page& p) {
  p.app.SignOut(p.Cookie("rb_session"));
  p.SetCookie("rb_session", "", 0, true);
  p.Redirect("/login");
}

void Home(Page& p) {
  if (!p.signed_in) return p.Redirect("/login");
  p.Redirect(p.session.account_id == 0 ? "/operator/accounts" : "/dashboard");
}

}  // namespace

void AddAuthPages(std::vector<PageRoute>* r) {
  r->push_back({"GET", "/", Who::kAnyone, Home});
  r->push_back({"GET", "/login", Who::kAnyone, LoginPage});
  r->push_back({"POST", "/login", Who::kAnyone, Login});
  r->push_back({"POST", "/logout", Who::kAnyone, [](Page& p) {
                  if (p.signed_in && !p.CsrfOk()) return p.CsrfRefused();
                  Logout(p);
                }});
}

}  // namespace rebound::web
