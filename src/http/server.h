// The HTTP face of Rebound: the REST API of ../shared/spec/API.md over
// cpp-httplib, inside `rebound serve`.
//
// A bounded pool of worker threads serves the connections (each worker one
// connection at a time, kept alive while it is busy); every request is
// authenticated by its bearer key, routed, checked (media type, size,
// JSON depth, idempotency) and handed to one use case of app::App.
// Header count and size, body size, read and write time and idle
// connections are bounded by the options. Stop() stops accepting and
// returns once the requests in hand are answered.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "config/config.h"

namespace rebound::http {

class Server {
 public:
  // Answers a request that is not the API's (the web UI); false: 404.
  using Fallback = std::function<bool(const httplib::Request&, httplib::Response&)>;

  Server(app::App* app, config::Http options, Fallback fallback = nullptr);
  ~Server();

  // Binds `options.listen` (port 0 picks a free one) and serves on a
  // thread of its own. False with `error` when it cannot.
  bool Start(std::string* error);
  int port() const { return port_; }
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

// The methods and patterns the server answers, as "GET /v1/contacts/{address}"
// (the operator's /v1/accounts/{account}/... forms included): what the
// OpenAPI document must describe.
std::vector<std::string> ServedRoutes();

}  // namespace rebound::http
