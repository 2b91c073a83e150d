#include "http/server.h"

#include <httplib.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "app/secrets.h"
#include "http/api.h"

namespace rebound::http {

namespace {

constexpr size_t kMaxIdempotencyKey = 255;

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  if (path.empty() || path[0] != '/') return out;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Whether `segments` match `pattern`; the {parameters} go to *params.
bool Match(const std::string& pattern, const std::vector<std::string>& segments, size_t from,
           std::vector<std::string>* params) {
  std::vector<std::string> p = Segments(pattern);
  if (p.size() != segments.size() - from) return false;
  std::vector<std::string> found;
  for (size_t i = 0; i < p.size(); ++i) {
    const std::string& s = segments[from + i];
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
      if (s.empty()) return false;
      found.push_back(s);
    } else if (p[i] != s) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

std::string Bearer(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0)) {
    std::string key = h.substr(7);
    while (!key.empty() && key.front() == ' ') key.erase(0, 1);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    return key;
  }
  return "";
}

}  // namespace

struct Server::Impl {
  app::App* app;
  Fallback fallback;
  socket_t listening = INVALID_SOCKET;
  config::Http options;
  std::unique_ptr<httplib::Server> server;

  void Dispatch(const httplib::Request& req, httplib::Response& res);
  void Authorized(Call& call, const Route& route, bool via_account, const std::string& account_name);
};

std::vector<std::string> ServedRoutes() {
  std::vector<std::string> out;
  for (const Route& r : Routes()) {
    out.push_back(r.method + " " + r.pattern);
    if (r.account_scoped) {
      const std::string rest = r.pattern.substr(3);  // after "/v1"
      out.push_back(r.method + " /v1/accounts/{account}" + (rest == "/account" ? "" : rest));
    }
  }
  return out;
}

void Server::Impl::Dispatch(const httplib::Request& req, httplib::Response& res) {
  // The API is /v1/ and the probes; everything else is the web UI's.
  const bool api = req.path.starts_with("/v1/") || req.path == "/v1" || req.path == "/healthz" || req.path == "/readyz";
  if (!api && fallback && fallback(req, res)) return;
  Call call(*app, req, res);
  const std::vector<std::string> segments = Segments(req.path);
  // Operators act on an account by naming it: /v1/accounts/{account}/...
  // answers as the account's own /v1/... (and /v1/accounts/{account} as
  // /v1/account).
  bool via_account = false;
  std::string account_name;
  std::vector<std::string> effective = segments;
  if (segments.size() >= 3 && segments[0] == "v1" && segments[1] == "accounts" && !segments[2].empty()) {
    via_account = true;
    account_name = segments[2];
    effective = {"v1"};
    if (segments.size() == 3) {
      effective.push_back("account");
    } else {
      effective.insert(effective.end(), segments.begin() + 3, segments.end());
    }
  }
  const Route* found = nullptr;
  std::vector<std::string> allowed;
  for (const Route& r : Routes()) {
    if (via_account && !r.account_scoped) continue;
    std::vector<std::string> params;
    if (!Match(r.pattern, effective, 0, &params)) continue;
    if (r.method != req.method) {
      allowed.push_back(r.method);
      continue;
    }
    found = &r;
    call.params = std::move(params);
    break;
  }
  if (found == nullptr) {
    if (!allowed.empty()) {
      std::string allow;
      for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      res.set_header("Allow", allow);
      return call.Fail(405, "method_not_allowed", req.method + " is not allowed here; allowed: " + allow);
    }
    return call.Fail(404, "not_found", "no such route: see /v1/openapi.json");
  }
  if (found->access == Access::kPublic) return found->handler(call);
  Authorized(call, *found, via_account, account_name);
}

void Server::Impl::Authorized(Call& call, const Route& route, bool via_account, const std::string& account_name) {
  const httplib::Request& req = call.req;
  const std::string key = Bearer(req);
  if (key.empty()) {
    call.res.set_header("WWW-Authenticate", "Bearer");
    return call.Fail(401, "unauthorized", "send an API key as Authorization: Bearer <key>");
  }
  app::Status st = app->Authenticate(key, &call.principal);
  if (!st.ok()) {
    if (st.code() == app::Code::kUnauthorized) call.res.set_header("WWW-Authenticate", "Bearer");
    return call.Fail(st);
  }
  const bool is_operator = call.principal.kind == app::Principal::Kind::kOperator;
  if (route.access == Access::kOperator) {
    if (!is_operator) return call.Fail(403, "forbidden", "this route needs an operator key");
  } else if (via_account) {
    if (!is_operator) return call.Fail(403, "forbidden", "this route needs an operator key");
    store::Account account;
    st = app->FindAccount(account_name, &account);
    if (!st.ok()) return call.Fail(st.code() == app::Code::kNotFound ? app::Status::NotFound("no such account") : st);
    call.account_id = account.id;
  } else {
    if (is_operator) {
      return call.Fail(403, "forbidden", "an operator key acts on an account through /v1/accounts/{account}/...");
    }
    if (route.access == Access::kWrite && !call.principal.can_write) {
      return call.Fail(403, "forbidden", "this key may only read; this route needs a key of scope write");
    }
    call.account_id = call.principal.account_id;
  }

  // A POST retried with the same Idempotency-Key answers as the first time.
  const std::string idem = req.get_header_value("Idempotency-Key");
  if (req.method != "POST" || idem.empty()) return route.handler(call);
  if (idem.size() > kMaxIdempotencyKey) {
    return call.Fail(400, "bad_request", "an Idempotency-Key is at most 255 characters");
  }
  const std::string principal = is_operator ? "operator" : "account:" + std::to_string(call.principal.account_id);
  const std::string hash =
      app::Sha256Hex(req.method + "\n" + req.path + "\n" + req.get_header_value("Content-Type") + "\n" + req.body);
  app::IdempotencyClaim claim;
  st = app->ClaimIdempotency(principal, idem, hash, &claim);
  if (!st.ok()) return call.Fail(st);
  switch (claim.state) {
    case app::IdempotencyClaim::State::kReplay:
      call.res.status = claim.status;
      call.res.set_header("Idempotent-Replayed", "true");
      call.res.set_content(claim.body, claim.content_type);
      return;
    case app::IdempotencyClaim::State::kMismatch:
      return call.Fail(409, "conflict", "this Idempotency-Key was used with another request");
    case app::IdempotencyClaim::State::kInProgress:
      return call.Fail(409, "conflict", "a request with this Idempotency-Key is still in progress; retry later");
    case app::IdempotencyClaim::State::kFirst:
      break;
  }
  try {
    route.handler(call);
  } catch (...) {
    app->ReleaseIdempotency(principal, idem);
    throw;
  }
  // Answers that a retry could change (the store was down) are not kept.
  if (call.res.status >= 500) {
    app->ReleaseIdempotency(principal, idem);
  } else {
    app->FinishIdempotency(principal, idem, call.res.status, call.res.get_header_value("Content-Type"), call.res.body);
  }
}

Server::Server(app::App* app, config::Http options, Fallback fallback) : impl_(std::make_unique<Impl>()) {
  impl_->app = app;
  impl_->fallback = std::move(fallback);
  impl_->options = std::move(options);
}

Server::~Server() { Stop(); }

bool Server::Start(std::string* error) {
  const config::Http& o = impl_->options;
  if (!o.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!tls->is_valid()) {
      *error = "cannot load the TLS certificate " + o.tls_cert + " and key " + o.tls_key;
      return false;
    }
    impl_->server = std::move(tls);
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *impl_->server;
  const int threads = o.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_tcp_nodelay(true);
  // cpp-httplib listens with a backlog of 5: a burst of new connections
  // would overflow it and wait for SYN retransmits (a second or more). The
  // socket is remembered here and listened on again, deeper, once bound.
  socket_t* listening = &impl_->listening;
  s.set_socket_options([listening](socket_t sock) {
    httplib::default_socket_options(sock);
    *listening = sock;
  });
  s.set_payload_max_length(o.max_body_bytes);
  s.set_read_timeout(o.read_timeout_seconds, 0);
  s.set_write_timeout(o.write_timeout_seconds, 0);
  s.set_keep_alive_timeout(o.keep_alive_seconds);
  s.set_keep_alive_max_count(o.keep_alive_max_requests);
  const size_t max_headers = o.max_header_count;
  s.set_pre_routing_handler([max_headers](const httplib::Request& req, httplib::Response& res) {
    if (req.headers.size() <= max_headers) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 431;
    res.set_content(app::Dump(Json{{"error",
                                    {{"code", "bad_request"},
                                     {"message", "more than " + std::to_string(max_headers) + " header fields"}}}}),
                    "application/json; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  // Errors httplib answers itself (413, 414, a malformed request) get the
  // error shape of the API too.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string code = "bad_request";
    std::string message = "the request could not be read";
    if (res.status == 413) {
      code = "payload_too_large";
      message = "the body is larger than this server accepts";
    } else if (res.status == 414) {
      message = "the request line is too long";
    } else if (res.status == 404) {
      code = "not_found";
      message = "no such route: see /v1/openapi.json";
    } else if (res.status >= 500) {
      code = "internal";
      message = "internal error";
    }
    res.set_content(app::Dump(Json{{"error", {{"code", code}, {"message", message}}}}),
                    "application/json; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& ep) {
    std::string what = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("{} {}: {}", req.method, req.path, what);
    res.status = 500;
    res.set_content(app::Dump(Json{{"error", {{"code", "internal"}, {"message", "internal error"}}}}),
                    "application/json; charset=utf-8");
  });
  if (o.log_requests) {
    s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      spdlog::info("http {} {} {}", req.method, req.path, res.status);
    });
  }
  Impl* impl = impl_.get();
  // Server-Timing tells how long the answer took here (benchmarks read it;
  // it says nothing a caller could not time itself).
  auto dispatch = [impl](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    impl->Dispatch(req, res);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    char timing[48];
    snprintf(timing, sizeof(timing), "app;dur=%.2f", ms);
    res.set_header("Server-Timing", timing);
  };
  s.Get(".*", dispatch);
  s.Post(".*", dispatch);
  s.Patch(".*", dispatch);
  s.Delete(".*", dispatch);
  s.Put(".*", dispatch);

  const size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) {
    *error = "http.listen \"" + o.listen + "\" is not host:port";
    return false;
  }
  std::string host = o.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  const long port = std::strtol(o.listen.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) {
    *error = "http.listen \"" + o.listen + "\" has no valid port";
    return false;
  }
  if (port == 0) {
    port_ = s.bind_to_any_port(host);
    if (port_ <= 0) {
      *error = "cannot listen on " + o.listen;
      return false;
    }
  } else {
    if (!s.bind_to_port(host, static_cast<int>(port))) {
      *error = "cannot listen on " + o.listen + ": " + std::strerror(errno);
      return false;
    }
    port_ = static_cast<int>(port);
  }
  if (impl_->listening != INVALID_SOCKET) ::listen(impl_->listening, SOMAXCONN);
  thread_ = std::thread([impl] { impl->server->listen_after_bind(); });
  return true;
}

void Server::Stop() {
  if (impl_->server) impl_->server->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace rebound::http
