// The web UI of Rebound: what a marketer sees and does about bounces, and
// the operator's pages, served by `rebound serve` beside the API.
//
// Pages are rendered on the server from templates, in the language the
// browser asks for (or the one chosen); the only script draws the charts
// and opens dialogs. A person signs in with a password (Argon2id); the
// session is an HttpOnly, SameSite=Lax cookie; every change is a POST that
// carries the session's CSRF token. A user sees only their account: a page
// of another account answers "not found", exactly like a missing one.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "app/app.h"

namespace rebound::web {

struct UiOptions {
  bool secure_cookies = false;  // HTTPS: cookies are Secure too
};

class Ui {
 public:
  Ui(app::App* app, UiOptions options);
  ~Ui();

  // Answers `req` when it is a page or an asset of the UI; false when the
  // path is none of them (the caller answers).
  bool Handle(const httplib::Request& req, httplib::Response& res);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rebound::web
